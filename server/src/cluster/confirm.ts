// Commit-confirmed push (as Junos `commit confirmed`): before its first call, a push with a
// confirmation window records what the lists it is about to change held (.pvefw/confirm.json).
// Unless `pvefw confirm` accepts it in time, while every node's API still answers from this
// machine, the push is reverted: the recorded lists are pushed back, digest-chained like any
// push, and only if nobody else changed them since (their digests are the ones the push left).
// When the endpoint the push used stops answering, the revert goes through another node's API:
// the cluster file system is shared, so any node writes the same files.
//
// The record survives the process: a watcher (`pvefw confirm --watch`, started detached by the
// CLI) probes the nodes and reverts at the deadline or when one stops answering, and any later
// command in the folder reverts a push whose time has run out (revertIfDue).
import type { FirewallState } from '../core/plan';
import { allDigests, parseListKey, replaceLists, type ListName } from '../core/plan';
import { planPush } from '../core/plan';
import type { FwFileRef } from '../core/plan';
import type { PulledTopology } from '../core/plan';
import type { ProxmoxConf } from '../core/model';
import type { PveClient } from './client';
import { ClusterError } from './errors';
import { fetchCluster } from './fetch-state';
import { executePlan, type ExecutionReport } from './push';
import { pushWorkspace, type PushOptions, type PushReport } from './push-workspace';
import type { WorkspacePlan } from './plan-workspace';
import { pulledState } from './pull';
import { appendInside, readInside, removeInside, writeInside } from './safe-files';
import { unreachableEndpoints, type NodeEndpoint } from './probe';
import { readState, writeState } from './workspace';
import {
  CONFIRM_FILE,
  CONFIRM_LOG,
  parseDuration,
  readPending,
  type PendingConfirmation,
} from './confirm-record';
export { CONFIRM_FILE, CONFIRM_LOG, parseDuration, readPending, type PendingConfirmation };

function writePending(root: string, pending: PendingConfirmation): void {
  writeInside(root, CONFIRM_FILE, `${JSON.stringify(pending)}\n`);
}

function clearPending(root: string): void {
  if (readInside(root, CONFIRM_FILE) !== undefined) removeInside(root, CONFIRM_FILE);
}

function log(root: string, now: number, line: string): void {
  appendInside(root, CONFIRM_LOG, `${new Date(now).toISOString()} ${line}\n`);
}

/** The last line of the log (what happened to the last pending push), if any. */
export function lastConfirmOutcome(root: string): string | undefined {
  const lines = (readInside(root, CONFIRM_LOG) ?? '').split('\n').filter((l) => l !== '');
  return lines.at(-1);
}

/** Each node's API endpoint: `nodeHosts` from .pvefw.json, else its address on port 8006. */
export function nodeEndpoints(
  topology: PulledTopology,
  nodeHosts: Readonly<Record<string, string>> = {},
  normalise: (host: string) => string = (h) => h,
): NodeEndpoint[] {
  const out: NodeEndpoint[] = [];
  for (const node of topology.nodes) {
    const host = nodeHosts[node.name];
    const address = node.address;
    if (host) out.push({ node: node.name, url: normalise(host) });
    else if (address)
      out.push({
        node: node.name,
        url: `https://${address.includes(':') ? `[${address}]` : address}:8006`,
      });
  }
  return out;
}

/** Records the pending confirmation before the push's first call. */
export function armConfirmation(
  root: string,
  planned: WorkspacePlan,
  options: { host: string; deadline: number; now: number; endpoints: readonly NodeEndpoint[] },
): void {
  const before: Record<string, { ref: FwFileRef; conf: ProxmoxConf }> = {};
  for (const op of planned.plan.operations) {
    if (before[op.file]) continue;
    const file = planned.snapshot.state.files.get(op.file);
    before[op.file] = { ref: file?.ref ?? op.ref, conf: file?.conf ?? {} };
  }
  writePending(root, {
    version: 1,
    host: options.host,
    pushedAt: options.now,
    deadline: options.deadline,
    before,
    after: {},
    endpoints: options.endpoints,
    sdnIpSets: [...(planned.snapshot.state.sdnIpSets ?? [])].sort(),
  });
}

/** After each call of the push: the list it changed now has this digest. */
export function recordPushed(root: string, list: string, digest: string): void {
  const pending = readPending(root);
  if (pending) writePending(root, { ...pending, after: { ...pending.after, [list]: digest } });
}

/**
 * After the push: the digests it left are those its read-back found (or those its stopped
 * calls predicted, folded into the state). A push that applied nothing leaves nothing to confirm.
 */
export function settleConfirmation(root: string, report: PushReport): void {
  const pending = readPending(root);
  if (!pending) return;
  const applied = report.execution?.applied.length ?? 0;
  if (applied === 0) {
    clearPending(root);
    return;
  }
  const state = readState(root);
  const after: Record<string, string> = { ...pending.after };
  if (report.outcome === 'complete' && state)
    for (const [key, digest] of Object.entries(after)) after[key] = state.digests[key] ?? digest;
  writePending(root, { ...pending, after });
}

export type RevertOutcome =
  | { readonly outcome: 'nothing-pending' }
  | {
      readonly outcome: 'reverted';
      /** The node endpoint (or the workspace host) the revert went through. */
      readonly via: string;
      readonly execution: ExecutionReport;
    }
  | { readonly outcome: 'refused'; readonly reason: string }
  | {
      readonly outcome: 'failed';
      readonly reason: string;
      readonly execution?: ExecutionReport;
    };

/** A client for an endpoint the user trusts (undefined: the token may not go there). */
export type ClientFor = (url: string) => PveClient | undefined;

function keyOfEndpoint(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

/**
 * The cluster as it should be after the revert: each list the push changed as it was before,
 * every other list as it is now (someone may have changed it since, and keeps that change).
 */
function revertTarget(pending: PendingConfirmation, now: FirewallState): FirewallState {
  const files = new Map(now.files);
  const byPath = new Map<string, ListName[]>();
  for (const key of Object.keys(pending.after)) {
    const { path, name } = parseListKey(key);
    byPath.set(path, [...(byPath.get(path) ?? []), name]);
  }
  for (const [path, names] of byPath) {
    const before = pending.before[path];
    if (!before) continue;
    const current = now.files.get(path);
    files.set(path, {
      ref: current?.ref ?? before.ref,
      conf: replaceLists(current?.conf ?? {}, before.conf, names),
    });
  }
  return { ...now, files };
}

async function revertThrough(
  root: string,
  pending: PendingConfirmation,
  client: PveClient,
  via: string,
): Promise<RevertOutcome> {
  const snapshot = await fetchCluster(client);
  const digests = allDigests(snapshot.state);
  const moved = Object.entries(pending.after)
    .filter(([key, digest]) => (digests[key] ?? '') !== digest)
    .map(([key]) => key);
  // A list with no recorded digest (a call that never went through) is left as it is.
  if (moved.length > 0)
    return {
      outcome: 'refused',
      reason:
        `someone changed ${moved.slice(0, 5).join(', ')}${moved.length > 5 ? ', …' : ''} since the push; ` +
        `reverting would undo that too, so nothing was reverted: check the cluster and fix it by hand`,
    };
  const plan = planPush(revertTarget(pending, snapshot.state), snapshot.state);
  if (plan.problems.length > 0)
    return {
      outcome: 'failed',
      reason: `the revert cannot be planned: ${plan.problems.map((p) => p.message).join('; ')}`,
    };
  const execution = await executePlan(client, plan.operations, {
    // A revert that stops half-way can continue: its own calls are no one else's changes.
    onApplied: (op) => recordPushed(root, op.list, op.digestAfter),
  });
  if (execution.failed || execution.cancelled)
    return {
      outcome: 'failed',
      reason: `the revert stopped: ${execution.failed?.error.message ?? 'cancelled'}`,
      execution,
    };
  // The workspace keeps its edits; the cluster no longer holds them: they show as unpushed.
  const after = await fetchCluster(client);
  writeState(root, pulledState(new URL(pending.host).host, after));
  return { outcome: 'reverted', via, execution };
}

function connectionFailure(error: unknown): boolean {
  return (
    error instanceof ClusterError &&
    (error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'connection-lost')
  );
}

/**
 * Reverts the pending push: through the workspace host, else through the first other node
 * endpoint the user trusts that answers. Clears the record when the revert is done.
 */
export async function revertPending(
  root: string,
  options: { clientFor: ClientFor; now?: number; why: string },
): Promise<RevertOutcome> {
  const pending = readPending(root);
  if (!pending) return { outcome: 'nothing-pending' };
  const now = options.now ?? Date.now();
  const urls = [
    pending.host,
    ...pending.endpoints
      .map((e) => e.url)
      .filter((u) => keyOfEndpoint(u) !== keyOfEndpoint(pending.host)),
  ];
  const tried: string[] = [];
  for (const url of urls) {
    const client = options.clientFor(url);
    if (!client) continue;
    try {
      const outcome = await revertThrough(root, pending, client, url);
      // The log line first: whoever sees the push no longer pending reads why in the log.
      if (outcome.outcome === 'reverted') {
        log(
          root,
          now,
          `reverted the push of ${new Date(pending.pushedAt).toISOString()} through ${url}: ${options.why}`,
        );
        clearPending(root);
      } else if (outcome.outcome === 'refused') {
        log(
          root,
          now,
          `did not revert the push of ${new Date(pending.pushedAt).toISOString()} (${options.why}): ${outcome.reason}`,
        );
        clearPending(root);
      }
      return outcome;
    } catch (error) {
      if (!connectionFailure(error)) throw error;
      tried.push(`${url}: ${(error as ClusterError).message}`);
    } finally {
      client.close();
    }
  }
  const reason =
    tried.length > 0
      ? `no node's API could be reached (${tried.join('; ')})`
      : `no endpoint you trust to take the token (trust another node with 'pvefw trust HOST --node NAME')`;
  return { outcome: 'failed', reason };
}

export type ConfirmOutcome =
  | { readonly outcome: 'nothing-pending' }
  | { readonly outcome: 'confirmed' }
  | {
      readonly outcome: 'not-confirmed';
      /** Why it was reverted instead: too late, or nodes that do not answer. */
      readonly why: string;
      readonly revert: RevertOutcome;
    };

export interface ConfirmOptions {
  readonly clientFor: ClientFor;
  readonly probeTimeoutMs?: number;
  readonly now?: () => number;
}

/** Why the push must be reverted now: too late, or a node that stopped answering. */
async function revertReason(
  pending: PendingConfirmation,
  now: number,
  probeTimeoutMs: number,
): Promise<string | undefined> {
  if (now >= pending.deadline)
    return `it was not confirmed by ${new Date(pending.deadline).toISOString()}`;
  const down = await unreachableEndpoints(pending.endpoints, probeTimeoutMs);
  if (down.length === 0) return undefined;
  return `${down.map((d) => `${d.endpoint.node} (${d.endpoint.url}: ${d.reason})`).join(', ')} stopped answering`;
}

/** `pvefw confirm`: accepts the push if it is in time and every node still answers. */
export async function confirmPending(
  root: string,
  options: ConfirmOptions,
): Promise<ConfirmOutcome> {
  const pending = readPending(root);
  if (!pending) return { outcome: 'nothing-pending' };
  const clock = options.now ?? Date.now;
  const why = await revertReason(pending, clock(), options.probeTimeoutMs ?? 5000);
  if (why === undefined) {
    log(root, clock(), `confirmed the push of ${new Date(pending.pushedAt).toISOString()}`);
    clearPending(root);
    return { outcome: 'confirmed' };
  }
  const revert = await revertPending(root, { clientFor: options.clientFor, now: clock(), why });
  return { outcome: 'not-confirmed', why, revert };
}

/** Any command in the folder: a pending push whose time has run out is reverted first. */
export async function revertIfDue(
  root: string,
  options: { clientFor: ClientFor; now?: number },
): Promise<RevertOutcome | undefined> {
  const pending = readPending(root);
  const now = options.now ?? Date.now();
  if (!pending || now < pending.deadline) return undefined;
  return revertPending(root, {
    clientFor: options.clientFor,
    now,
    why: `it was not confirmed by ${new Date(pending.deadline).toISOString()}`,
  });
}

export interface WatchOptions extends ConfirmOptions {
  /** How often the nodes are probed (default 5 s). */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

export type WatchOutcome =
  | { readonly outcome: 'confirmed' }
  | {
      readonly outcome: 'reverted' | 'revert-refused' | 'revert-failed';
      readonly why: string;
      readonly revert: RevertOutcome;
    }
  | { readonly outcome: 'stopped' };

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The watcher: until the push is confirmed (the record is gone), probes every node each
 * interval and reverts at once when one stops answering, or at the deadline. A revert that
 * cannot reach any node is tried again each interval.
 */
export async function watchPending(root: string, options: WatchOptions): Promise<WatchOutcome> {
  const clock = options.now ?? Date.now;
  const interval = options.intervalMs ?? 5000;
  for (;;) {
    if (options.signal?.aborted) return { outcome: 'stopped' };
    const pending = readPending(root);
    if (!pending) return { outcome: 'confirmed' };
    const why = await revertReason(pending, clock(), options.probeTimeoutMs ?? 5000);
    if (why !== undefined) {
      // Confirmed while the nodes were being probed: nothing to revert.
      if (!readPending(root)) return { outcome: 'confirmed' };
      const revert = await revertPending(root, { clientFor: options.clientFor, now: clock(), why });
      if (revert.outcome === 'reverted') return { outcome: 'reverted', why, revert };
      if (revert.outcome === 'refused') return { outcome: 'revert-refused', why, revert };
      if (revert.outcome === 'nothing-pending') return { outcome: 'confirmed' };
      if (clock() >= pending.deadline + 10 * interval) {
        log(
          root,
          clock(),
          `could not revert the push of ${new Date(pending.pushedAt).toISOString()} (${why}): ${revert.reason}`,
        );
        return { outcome: 'revert-failed', why, revert };
      }
    }
    await wait(Math.min(interval, Math.max(0, pending.deadline - clock())), options.signal);
  }
}

export interface ConfirmedPushOptions extends PushOptions {
  /**
   * Milliseconds the user has to confirm; a function is asked once the push is confirmed, just
   * before its first call (the editor's dialog chooses then), and undefined there means an
   * ordinary push.
   */
  readonly confirmWithinMs: number | (() => number | undefined);
  readonly endpoints: readonly NodeEndpoint[];
  readonly now?: () => number;
}

/**
 * A push with a confirmation window: armed just before its first call, each call recorded as
 * it goes through, settled after the read-back. Nothing pending when nothing was applied.
 */
export async function pushConfirmed(
  root: string,
  client: PveClient,
  options: ConfirmedPushOptions,
): Promise<PushReport & { readonly awaitingConfirmation: boolean }> {
  const clock = options.now ?? Date.now;
  // Only a push that got as far as its calls has armed (and may settle) a confirmation: one
  // refused before them, say because another push awaits confirmation, leaves that record be.
  let armed = false;
  const report = await pushWorkspace(root, client, {
    ...options,
    onStart: (planned) => {
      const within =
        typeof options.confirmWithinMs === 'function'
          ? options.confirmWithinMs()
          : options.confirmWithinMs;
      if (within !== undefined) {
        armed = true;
        armConfirmation(root, planned, {
          host: client.baseUrl,
          now: clock(),
          deadline: clock() + within,
          endpoints: options.endpoints,
        });
      }
      options.onStart?.(planned);
    },
    onApplied: (op) => {
      if (armed) recordPushed(root, op.list, op.digestAfter);
      options.onApplied?.(op);
    },
  });
  if (armed) settleConfirmation(root, report);
  return { ...report, awaitingConfirmation: armed && readPending(root) !== undefined };
}
