// pvefw push: the plan's calls one by one, each with the digest predicted for that moment. The
// first refused or failed call stops the push; the report says what was applied, what was not,
// and whether the failing call may have taken effect. Every call is atomic on the server, so
// the cluster is always in a consistent state: created rules stay disabled until enabled.
import type { Operation } from '../core/plan';
import { parseListKey } from '../core/plan';
import { listDigest, objectDigest } from '../core/plan';
import { apiBase } from '../core/plan';
import type { PveClient } from './client';
import { strip, type Row } from './api-rows';
import { ClusterError } from './errors';
import { readsOf } from './fetch-state';

export interface PushProgress {
  readonly done: number;
  readonly total: number;
  readonly operation: Operation;
}

export interface ExecutionReport {
  readonly applied: readonly Operation[];
  /**
   * What stopped the push: a call that failed (`stage: 'call'`; with a lost connection it may
   * still have taken effect), or the read-back after calls Proxmox does not check
   * (`stage: 'verify'`: those calls were applied, but the list is not what was predicted).
   */
  readonly failed?: {
    readonly operation: Operation;
    readonly error: ClusterError;
    readonly stage: 'call' | 'verify';
  };
  readonly notApplied: readonly Operation[];
  readonly cancelled: boolean;
}

/** The digest the cluster reports now for the list an operation changed. */
async function liveDigest(client: PveClient, op: Operation, signal?: AbortSignal): Promise<string> {
  const { name } = parseListKey(op.list);
  const base =
    name.list === 'group' || name.list === 'groups' ? '/cluster/firewall' : apiBase(op.ref);
  const reads = readsOf(client, signal);
  const rows = async (path: string): Promise<Row[]> =>
    (await reads.rows(`${base}${path}`)).map((row) => strip(row));
  switch (name.list) {
    case 'options':
      return objectDigest(strip(await reads.fields(`${base}/options`)));
    case 'rules':
      return listDigest(await rows('/rules'));
    case 'group':
      return listDigest(await rows(`/groups/${encodeURIComponent(name.name)}`));
    case 'ipset':
      return listDigest(await rows(`/ipset/${encodeURIComponent(name.name)}`));
    case 'aliases':
      // The API lists aliases in the order the digest is taken (sorted by lower-cased name).
      return listDigest(await rows('/aliases'));
    case 'ipsets':
      return listDigest(await rows('/ipset'));
    case 'groups':
      return listDigest(await rows('/groups'));
  }
}

function asClusterError(error: unknown): ClusterError {
  return error instanceof ClusterError
    ? error
    : new ClusterError('server', error instanceof Error ? error.message : String(error));
}

/**
 * Runs `operations` in order. Calls whose digest Proxmox does not check (adding ipset entries,
 * creating rules) are followed by a read of the list's digest before the push moves on to
 * another list, so a concurrent change is caught there too.
 */
export async function executePlan(
  client: PveClient,
  operations: readonly Operation[],
  options: {
    signal?: AbortSignal;
    onProgress?: (progress: PushProgress) => void;
    /** Called as soon as a call has succeeded (push records it at once). */
    onApplied?: (operation: Operation) => void;
  } = {},
): Promise<ExecutionReport> {
  const applied: Operation[] = [];
  let pending: Operation | undefined;
  for (let i = 0; i <= operations.length; i++) {
    const op = operations[i];
    if (pending && pending.list !== op?.list) {
      try {
        await verify(client, pending, options.signal);
      } catch (error) {
        return {
          applied,
          failed: { operation: pending, error: asClusterError(error), stage: 'verify' },
          notApplied: operations.slice(i),
          cancelled: false,
        };
      }
    }
    // Past this point `pending` is reassigned below before it is read again.
    if (!op) break;
    if (options.signal?.aborted)
      return { applied, notApplied: operations.slice(i), cancelled: true };
    options.onProgress?.({ done: i, total: operations.length, operation: op });
    try {
      await client.call(op.request.method, op.request.path, op.request.params, options.signal);
    } catch (error) {
      const failure = asClusterError(error);
      return {
        applied,
        failed: { operation: op, error: failure, stage: 'call' },
        notApplied: operations.slice(i + 1),
        cancelled: failure.kind === 'cancelled',
      };
    }
    applied.push(op);
    options.onApplied?.(op);
    pending = op.digestChecked ? undefined : op;
  }
  return { applied, notApplied: [], cancelled: false };
}

async function verify(client: PveClient, op: Operation, signal?: AbortSignal): Promise<void> {
  const digest = await liveDigest(client, op, signal);
  if (digest !== op.digestAfter) {
    throw new ClusterError(
      'conflict',
      `someone else changed ${op.list} on the cluster during the push (its digest is ${digest}, expected ${op.digestAfter})`,
      { call: `GET ${op.request.path}` },
    );
  }
}
