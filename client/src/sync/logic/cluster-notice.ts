// What the editor says when talking to the cluster failed, reason first, with the way out as a
// button: a refused token offers "Set API token" wherever it happens (pull, plan, push, the
// token's own check), an untrusted or changed certificate offers the trust command.
// No VS Code API here: tested with node:test (test/client/).
import type { ClusterError } from '../../../../server/src/cluster/errors';
import { hostPort } from './trust-prompt';
import { shownText } from './shown-text';

export const SET_TOKEN = 'Set API token';
export const TRUST_CERTIFICATE = 'Trust cluster certificate…';
export const REVIEW_CERTIFICATE = 'Review the new certificate…';

export interface Notice {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly detail?: string;
  /** Shown as a modal dialog (which can hold a detail) instead of a notification. */
  readonly modal?: boolean;
  /** Buttons, first the one Enter presses. */
  readonly actions: readonly string[];
}

/** The error's text up to its first full stop, which the cluster layer writes for the CLI. */
function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end === -1 ? text.replace(/\.$/, '') : text.slice(0, end);
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Undefined when there is nothing to say (the user cancelled). */
export function clusterErrorNotice(
  title: string,
  error: ClusterError,
  baseUrl: string,
): Notice | undefined {
  const host = hostPort(baseUrl);
  switch (error.kind) {
    case 'cancelled':
      return undefined;
    case 'auth':
      return {
        level: 'error',
        message: `${title}: wrong API token. ${shownText(capital(error.message))}`,
        actions: [SET_TOKEN],
      };
    case 'tls-untrusted':
      return {
        level: 'warning',
        modal: true,
        message: `${title}: ${shownText(firstSentence(error.message))}.`,
        detail:
          `Nothing was sent to ${host}. Check the certificate's fingerprint against the Proxmox ` +
          `web interface (node > System > Certificates) and trust it, then ${title.toLowerCase()} ` +
          `runs again.`,
        actions: [TRUST_CERTIFICATE],
      };
    case 'fingerprint-mismatch':
      return {
        level: 'warning',
        modal: true,
        message: `${title}: ${shownText(firstSentence(error.message))}.`,
        detail:
          `Nothing was sent to ${host}. If the certificate was renewed on purpose, review the new ` +
          `one and replace the pin (two steps). Otherwise someone may be intercepting the ` +
          `connection.`,
        actions: [REVIEW_CERTIFICATE],
      };
    default:
      return {
        level: 'error',
        message: `${title}: ${shownText(capital(error.message))}`,
        actions: [],
      };
  }
}
