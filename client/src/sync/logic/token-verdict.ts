// "Set API token" checks a token with one read before it keeps it: what that read's answer means.
// A token the cluster refuses is not kept and the message says so; one it accepts but that may
// not read the firewall is kept with a warning (the privilege is missing, not the token); when
// the read could not be made at all, the user decides whether to keep the token unchecked.
// No VS Code API here: tested with node:test (test/client/).
import type { ClusterError } from '../../../../server/src/cluster/errors';
import { SET_TOKEN } from './cluster-notice';
import { shownText } from './shown-text';
import { hostPort } from './trust-prompt';

/** The read: the cluster firewall's options, which every pull makes too (needs Sys.Audit on /). */
export const TOKEN_CHECK_PATH = '/cluster/firewall/options';

export const SAVE_UNCHECKED = 'Save without checking';

export type TokenVerdict =
  | { readonly kind: 'saved'; readonly level: 'info' | 'warning'; readonly message: string }
  | { readonly kind: 'refused'; readonly message: string; readonly retry: string }
  /** The certificate is not trusted (yet): trust it, then check again. */
  | { readonly kind: 'certificate'; readonly error: ClusterError }
  | {
      readonly kind: 'unchecked';
      readonly message: string;
      readonly detail: string;
      readonly saveAnyway: string;
    }
  | { readonly kind: 'cancelled' };

/** `error` is what the check read threw; undefined when it succeeded. */
export function tokenVerdict(baseUrl: string, error: ClusterError | undefined): TokenVerdict {
  const host = hostPort(baseUrl);
  if (!error)
    return {
      kind: 'saved',
      level: 'info',
      message: `API token for ${host} saved: the cluster accepted it (GET ${TOKEN_CHECK_PATH}).`,
    };
  switch (error.kind) {
    case 'auth':
      return {
        kind: 'refused',
        message: `Wrong API token: ${host} refused it, so it was not saved. ${shownText(error.message)}`,
        retry: SET_TOKEN,
      };
    case 'permission':
      return {
        kind: 'saved',
        level: 'warning',
        message:
          `API token for ${host} saved: the cluster accepted it, but it may not read the ` +
          `firewall (${shownText(error.message)}). Pull and plan need Sys.Audit on /.`,
      };
    case 'tls-untrusted':
    case 'fingerprint-mismatch':
      return { kind: 'certificate', error };
    case 'cancelled':
      return { kind: 'cancelled' };
    default:
      return {
        kind: 'unchecked',
        message: `The API token for ${host} could not be checked, and is not saved yet.`,
        detail: `${shownText(error.message)}\n\nSave it anyway if the cluster is only out of reach for now.`,
        saveAnyway: SAVE_UNCHECKED,
      };
  }
}
