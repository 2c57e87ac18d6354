import type { DiagnosticCode } from './codes';
import type { Span } from '../text';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/**
 * What Proxmox itself does with the line a finding is about: drops it while parsing, keeps the
 * rule with errors (never compiled), keeps an ipset entry with an error (never compiled), or
 * ignores the whole file; or (proxmox-firewall, the nftables backend) fails the whole file and
 * with it the node's update. Null for our own lints on lines Proxmox accepts.
 */
export type ProxmoxVerdict =
  'dropped' | 'kept-with-errors' | 'entry-error' | 'file-ignored' | 'file-fails';

export interface RelatedLocation {
  /** Path of another file; absent when the location is in the same file. */
  readonly path?: string;
  readonly span: Span;
  readonly message: string;
}

export interface Finding {
  /** Stable kebab-case id, a key of DIAGNOSTIC_CODES. */
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** Proxmox's own message text where Proxmox prints one, so users can search for it. */
  readonly message: string;
  /** A plain-English explanation where Proxmox's message is cryptic. */
  readonly hint?: string;
  readonly span: Span;
  readonly proxmox: ProxmoxVerdict | null;
  readonly related: readonly RelatedLocation[];
}

/** The message and hint as one line, the way the CLI and the editor show them. */
export function findingText(finding: Finding): string {
  return finding.hint ? `${finding.message} — ${finding.hint}` : finding.message;
}
