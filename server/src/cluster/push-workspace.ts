// The whole push: plan against the live cluster, refuse what is unsafe (problems, changes on the
// cluster since the last pull, a lock-out), run the calls, read the cluster back to prove it
// now holds the workspace, and record that as the new pulled state.
import type { LockoutCheck, LockoutVerdict } from '../core/plan';
import { planPush } from '../core/plan';
import type { NicCall } from '../core/plan';
import { CLUSTER_FILE } from '../core/plan';
import type { Operation } from '../core/plan';
import type { PveClient } from './client';
import { fetchCluster } from './fetch-state';
import { lockoutText, planWorkspace, restrictNodes, type WorkspacePlan } from './plan-workspace';
import { pulledState } from './pull';
import { executePlan, type ExecutionReport, type PushProgress } from './push';
import { ClusterError } from './errors';
import { readPending } from './confirm-record';
import { reviewedPlanMismatch, type SavedPlan } from './saved-plan';
import {
  foldPushJournal,
  readState,
  recordApplied,
  recordNicFlags,
  startPushJournal,
  writeState,
  type PushJournal,
} from './workspace';

export interface PushOptions {
  readonly nodes?: readonly string[];
  /** Push although the cluster changed since the last pull (its changes are then undone). */
  readonly force?: boolean;
  readonly allowLockout?: boolean;
  /** The address the cluster sees this machine as; the lock-out check protects it. */
  readonly clientAddress?: string;
  /** Replaced by the packet evaluator's check once it exists (see core/plan/impact.ts). */
  readonly lockoutCheck?: LockoutCheck;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: PushProgress) => void;
  /** Called with the plan before any write; returning false cancels (the editor's confirmation). */
  readonly confirm?: (plan: WorkspacePlan) => Promise<boolean>;
  /** A reviewed plan (`plan --out`): push goes ahead only if the plan made now is exactly it. */
  readonly reviewed?: SavedPlan;
  /** Called once everything is checked, just before the first call (commit-confirmed arms). */
  readonly onStart?: (planned: WorkspacePlan) => void;
  /** Called as soon as each call has succeeded. */
  readonly onApplied?: (operation: Operation) => void;
}

export type PushOutcome =
  | 'nothing-to-do'
  | 'complete'
  | 'aborted'
  | 'refused'
  | 'cancelled'
  /** Every call was applied, but reading the cluster back failed. */
  | 'unverified';

export interface PushReport {
  readonly outcome: PushOutcome;
  readonly planned: WorkspacePlan;
  readonly execution?: ExecutionReport;
  /** Why nothing was sent (refused). */
  readonly reason?: string;
  readonly lockout: LockoutVerdict;
  /** After a complete push: lists where the cluster still differs from the workspace (none). */
  readonly remaining?: readonly Operation[];
  /** The NIC firewall flag calls (guest configs): done, the one that failed, the rest. */
  readonly nics?: {
    readonly applied: readonly NicCall[];
    readonly failed?: { readonly call: NicCall; readonly error: ClusterError };
    readonly notApplied: readonly NicCall[];
  };
  readonly calls: { readonly reads: number; readonly writes: number };
}

/**
 * The guest config calls that set NIC firewall flags, in order: each is digest-checked with the
 * config's digest, and recorded in the pulled state the moment it is done (its topology then
 * has the flag, so the flag is no change by someone else). The first failure stops them.
 */
async function setNicFlags(
  root: string,
  client: PveClient,
  calls: readonly NicCall[],
  pulled: boolean,
): Promise<{
  applied: NicCall[];
  failed?: { call: NicCall; error: ClusterError };
  notApplied: NicCall[];
}> {
  const applied: NicCall[] = [];
  for (const [i, call] of calls.entries()) {
    try {
      await client.call(call.request.method, call.request.path, call.request.params);
    } catch (error) {
      const failure =
        error instanceof ClusterError
          ? error
          : new ClusterError('server', error instanceof Error ? error.message : String(error));
      return { applied, failed: { call, error: failure }, notApplied: calls.slice(i + 1) };
    }
    applied.push(call);
    if (pulled) recordNicFlags(root, call.changes);
  }
  return { applied, notApplied: [] };
}

/** The push's calls and the files of the cluster they were planned against. */
function journalOf(host: string, planned: WorkspacePlan): PushJournal {
  const { plan, snapshot } = planned;
  const paths = new Set([CLUSTER_FILE, ...plan.operations.map((op) => op.file)]);
  const start: Record<string, PushJournal['start'][string]> = {};
  for (const path of paths) {
    const file = snapshot.state.files.get(path);
    if (file) start[path] = { ref: file.ref, conf: file.conf };
  }
  return {
    version: 1,
    host,
    now: Math.floor(Date.now() / 1000),
    sdnIpSets: [...(snapshot.state.sdnIpSets ?? [])].sort(),
    start,
    calls: plan.operations.map((op) => ({ file: op.file, ref: op.ref, action: op.action })),
  };
}

export async function pushWorkspace(
  root: string,
  client: PveClient,
  options: PushOptions = {},
): Promise<PushReport> {
  const planned = await planWorkspace(root, client, {
    ...(options.nodes ? { nodes: options.nodes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clientAddress ? { clientAddress: options.clientAddress } : {}),
    ...(options.lockoutCheck ? { lockoutCheck: options.lockoutCheck } : {}),
  });
  const { plan, lockout } = planned;
  const report = (outcome: PushOutcome, extra: Partial<PushReport> = {}): PushReport => ({
    outcome,
    planned,
    lockout,
    calls: { ...client.stats },
    ...extra,
  });
  const mismatch = options.reviewed && reviewedPlanMismatch(options.reviewed, client.host, planned);
  if (mismatch) return report('refused', { reason: mismatch });
  const problems = [
    ...planned.local.problems.map((p) => p.message),
    ...plan.problems.map((p) => p.message),
    ...planned.nics.problems,
  ];
  if (problems.length > 0) return report('refused', { reason: problems.join('\n') });
  if (plan.operations.length === 0 && planned.nics.calls.length === 0)
    return report('nothing-to-do');
  if (planned.remoteChanged.length > 0 && !options.force) {
    return report('refused', {
      reason:
        `the cluster changed since the last pull (${planned.remoteChanged.slice(0, 5).join(', ')}${planned.remoteChanged.length > 5 ? ', …' : ''}); ` +
        `pushing would undo those changes. Run 'pvefw pull' to merge them into your files (your edits are kept; what both changed is marked), or push with --force to overwrite them.`,
    });
  }
  if (lockout.checked && lockout.lockedOut.length > 0 && !options.allowLockout) {
    return report('refused', {
      reason: `${lockoutText(planned)}; push with --allow-lockout if that is intended`,
    });
  }
  const pending = readPending(root);
  if (pending)
    return report('refused', {
      reason: `the push of ${new Date(pending.pushedAt).toISOString()} awaits confirmation until ${new Date(pending.deadline).toISOString()}: confirm it ('pvefw confirm') or let it be reverted first`,
    });
  if (options.confirm && !(await options.confirm(planned))) return report('cancelled');
  options.onStart?.(planned);
  const pulled = readState(root) !== undefined;
  // The journal first, then each call recorded the moment it is done: a push that stops
  // half-way (or whose process ends) leaves a state that counts what it applied as its own.
  if (pulled) startPushJournal(root, journalOf(client.host, planned));
  // Flags turned off go first (the guest's traffic leaves the firewall before its rules change),
  // flags turned on last (the rules are in place before the traffic meets them).
  const nicCalls = planned.nics.calls;
  const first = await setNicFlags(
    root,
    client,
    nicCalls.filter((c) => c.when === 'first'),
    pulled,
  );
  if (first.failed) {
    foldPushJournal(root);
    return report('aborted', {
      execution: { applied: [], notApplied: [...plan.operations], cancelled: false },
      nics: {
        ...first,
        notApplied: [...first.notApplied, ...nicCalls.filter((c) => c.when === 'last')],
      },
      reason: `setting a NIC's firewall flag failed: ${first.failed.error.message}`,
    });
  }
  const execution = await executePlan(client, plan.operations, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    onApplied: (op: Operation) => {
      if (pulled) recordApplied(root, plan.operations.indexOf(op), op.list, op.digestAfter);
      options.onApplied?.(op);
    },
  });
  if (execution.failed || execution.cancelled) {
    foldPushJournal(root);
    return report(execution.cancelled && !execution.failed ? 'cancelled' : 'aborted', {
      execution,
      nics: { applied: first.applied, notApplied: nicCalls.filter((c) => c.when === 'last') },
    });
  }
  const last = await setNicFlags(
    root,
    client,
    nicCalls.filter((c) => c.when === 'last'),
    pulled,
  );
  const nics = { ...last, applied: [...first.applied, ...last.applied] };
  if (last.failed) {
    foldPushJournal(root);
    return report('aborted', {
      execution,
      nics,
      reason: `setting a NIC's firewall flag failed: ${last.failed.error.message}`,
    });
  }
  // Every call went through: the cluster now holds the plan's target, digest for digest. That is
  // recorded before the read-back, which only confirms it and may itself fail.
  const predicted = {
    ...plan.target,
    sdnIpSets: planned.snapshot.state.sdnIpSets ?? new Set<string>(),
  };
  writeState(root, pulledState(client.host, { ...planned.snapshot, state: predicted }));
  let after: Awaited<ReturnType<typeof fetchCluster>>;
  try {
    after = await fetchCluster(client, options.signal);
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    return report('unverified', {
      execution,
      reason: `reading the cluster back failed: ${error.message}. Run 'pvefw plan' to check`,
    });
  }
  const remaining = planPush(
    planned.local.state,
    restrictNodes(after.state, options.nodes),
  ).operations;
  const flagsLeft = nicCalls.flatMap((call) =>
    call.changes.filter(
      (c) =>
        after.topology.guests.find((g) => g.vmid === c.vmid)?.nics.find((n) => n.name === c.nic)
          ?.firewall !== c.firewall,
    ),
  );
  if (flagsLeft.length > 0)
    return report('aborted', {
      execution,
      nics,
      reason: `every call succeeded, yet ${flagsLeft.map((c) => `guest ${c.vmid} ${c.nic}`).join(', ')} does not have the firewall flag asked for; run 'pvefw plan'`,
    });
  if (remaining.length > 0) {
    return report('aborted', {
      execution,
      nics,
      remaining,
      reason: `every call succeeded, yet the cluster does not hold the workspace (${remaining.length} calls would still be needed); run 'pvefw plan'`,
    });
  }
  writeState(root, pulledState(client.host, after));
  return report('complete', { execution, remaining, nics });
}
