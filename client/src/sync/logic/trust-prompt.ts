// What "Trust cluster certificate" asks, decided from what the host presents and what the user
// pinned before, before anything is pinned. A first use asks once; a certificate that differs
// from the pin (or from the one .pvefw.json records) leads with that, offers keeping the pin
// first, so Enter keeps it, and replaces it only after the user types part of the new
// fingerprint. No VS Code API here: tested with node:test (test/client/).
import { normaliseFingerprint } from '../../../../server/src/cluster/tls';
import { shownText } from './shown-text';

export interface SeenCertificate {
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
}

export interface TrustQuestion {
  /** `https://host:port` */
  readonly baseUrl: string;
  readonly seen: SeenCertificate;
  /** The fingerprint this user pinned for the host before (their trust store). */
  readonly pinned?: string;
  /** What the workspace's .pvefw.json records for the host: a repository's claim, compared only. */
  readonly recorded?: string;
  /** Where pins are kept (shared with the pvefw command). */
  readonly storePath: string;
}

export type TrustPrompt =
  | { readonly kind: 'already-trusted'; readonly message: string }
  | {
      readonly kind: 'first-use';
      readonly message: string;
      readonly detail: string;
      readonly trust: string;
    }
  | {
      readonly kind: 'changed';
      readonly message: string;
      readonly detail: string;
      /** The first button, which Enter presses: nothing changes. */
      readonly keep: string;
      /** The second: leads to the typed confirmation (replacementInput). */
      readonly replace: string;
    };

/** `host:port`, the port always shown: the same host name can serve other things elsewhere. */
export function hostPort(baseUrl: string): string {
  return new URL(baseUrl).host;
}

const WHERE_IN_GUI = 'node > System > Certificates in the Proxmox web interface';

function certificateLines(seen: SeenCertificate): string {
  return (
    `SHA-256 fingerprint:\n${normaliseFingerprint(seen.fingerprint)}\n\n` +
    `Issued to '${shownText(seen.subject, 200)}', valid until ${shownText(seen.validTo, 100)}.`
  );
}

export function trustPrompt(question: TrustQuestion): TrustPrompt {
  const host = hostPort(question.baseUrl);
  const seen = normaliseFingerprint(question.seen.fingerprint);
  const pinned = question.pinned ? normaliseFingerprint(question.pinned) : undefined;
  const recorded = question.recorded ? normaliseFingerprint(question.recorded) : undefined;
  if (pinned === seen)
    return {
      kind: 'already-trusted',
      message: `You already trust ${host} with this certificate (SHA-256 ${seen}).`,
    };
  const pinning =
    `Replacing pins the new certificate for you in ${question.storePath} (shared with the ` +
    `pvefw command) and records it in .pvefw.json.`;
  if (pinned !== undefined)
    return {
      kind: 'changed',
      message: `The certificate of ${host} changed: it is not the one you trusted.`,
      detail:
        `You trusted:\n${pinned}\n\nIt presents now:\n${seen}\n\n` +
        `If it was renewed on purpose, compare the new fingerprint with ${WHERE_IN_GUI}, then ` +
        `replace the pin. Otherwise someone may be intercepting the connection: keep the ` +
        `trusted certificate, and no token is sent.\n\n${pinning}`,
      keep: 'Keep the trusted certificate',
      replace: 'Replace the pin…',
    };
  if (recorded !== undefined && recorded !== seen)
    return {
      kind: 'changed',
      message: `The certificate of ${host} is not the one this folder's .pvefw.json records.`,
      detail:
        `.pvefw.json records:\n${recorded}\n\nIt presents:\n${seen}\n\n` +
        `The certificate may have been renewed since the file was written, or someone may be ` +
        `intercepting the connection. Compare the fingerprint with ${WHERE_IN_GUI} before ` +
        `you trust it.\n\n${pinning.replace('Replacing', 'Trusting')}`,
      keep: 'Do not trust it',
      replace: 'Trust it anyway…',
    };
  return {
    kind: 'first-use',
    message: `Trust the certificate of ${host}?`,
    detail:
      `${certificateLines(question.seen)}\n\n` +
      `Compare the fingerprint with ${WHERE_IN_GUI} before you trust it.` +
      (recorded === seen ? ` It matches the one this folder's .pvefw.json records.` : '') +
      `\n\nTrusting pins this certificate for you in ${question.storePath} (shared with the ` +
      `pvefw command) and records it in .pvefw.json; from then on a connection to ${host} ` +
      `must present exactly this certificate before the API token is sent.`,
    trust: 'Trust this certificate',
  };
}

/** The last two groups of a fingerprint (`…:3F:A0` → `3F:A0`): what the user types to replace. */
function lastGroups(fingerprint: string): string {
  return normaliseFingerprint(fingerprint).split(':').slice(-2).join(':');
}

/** The input box of the second step: the new fingerprint in full, and what to type. */
export function replacementInput(
  baseUrl: string,
  fingerprint: string,
): { readonly title: string; readonly prompt: string } {
  return {
    title: `Replace the pinned certificate of ${hostPort(baseUrl)}`,
    prompt:
      `New SHA-256 fingerprint: ${normaliseFingerprint(fingerprint)}. To pin it, type its last ` +
      `two groups as the web interface shows them (…:XX:XX); Escape keeps the old pin.`,
  };
}

/** The input box's verdict on what was typed: undefined when it confirms the replacement. */
export function replacementProblem(typed: string, fingerprint: string): string | undefined {
  const got = normaliseFingerprint(typed);
  // The whole fingerprint, pasted from the web interface, confirms it too.
  if (got === lastGroups(fingerprint) || got === normaliseFingerprint(fingerprint))
    return undefined;
  return got === ''
    ? 'Type the last two groups of the new fingerprint (…:XX:XX).'
    : `That is not how the new fingerprint ends; compare it with ${WHERE_IN_GUI}.`;
}
