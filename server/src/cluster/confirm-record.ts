// The record of a push awaiting confirmation (.pvefw/confirm.json), read by every push (which
// refuses while one is pending) and written by confirm.ts.
import type { FwFileRef } from '../core/plan';
import type { ProxmoxConf } from '../core/model';
import { ClusterError } from './errors';
import type { NodeEndpoint } from './probe';
import { readInside } from './safe-files';

export const CONFIRM_FILE = '.pvefw/confirm.json';
/** One line per outcome (confirmed, reverted, refused), for the user and the editor. */
export const CONFIRM_LOG = '.pvefw/confirm.log';

export interface PendingConfirmation {
  readonly version: 1;
  /** The workspace host the push went to (`https://host:port`). */
  readonly host: string;
  /** Milliseconds since the epoch. */
  readonly pushedAt: number;
  readonly deadline: number;
  /** The files the push changes, as the cluster held them before it ({} where there was none). */
  readonly before: Readonly<
    Record<string, { readonly ref: FwFileRef; readonly conf: ProxmoxConf }>
  >;
  /** The digest of each list the push changed, as it left it (filled in as its calls go through). */
  readonly after: Readonly<Record<string, string>>;
  readonly endpoints: readonly NodeEndpoint[];
  readonly sdnIpSets: readonly string[];
}

/** `90`, `90s`, `5m`, `1h`: a duration in milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const match = /^([0-9]{1,6})(s|m|h)?$/.exec(text);
  if (!match) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  const ms = Number(match[1]) * unit;
  return ms > 0 ? ms : undefined;
}

function readJson<T>(root: string, path: string): T | undefined {
  const text = readInside(root, path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ClusterError('config', `${path} is not valid JSON; delete it if no push is pending`);
  }
}

export function readPending(root: string): PendingConfirmation | undefined {
  const pending = readJson<PendingConfirmation>(root, CONFIRM_FILE);
  return pending?.version === 1 ? pending : undefined;
}
