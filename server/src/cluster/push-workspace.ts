// The whole push: plan against the live cluster, refuse what is unsafe (problems, changes on the
// cluster since the last pull, a lock-out), run the calls, read the cluster back to prove it
// now holds the workspace, and record that as the new pulled state.
import type { LockoutCheck, LockoutVerdict } from '../core/plan';
import { planPush } from '../core/plan';
import type { Operation } from '../core/plan';
import type { PveClient } from './client';
import { fetchCluster } from './fetch-state';
import { lockoutText, planWorkspace, restrictNodes, type WorkspacePlan } from './plan-workspace';
import { pulledState } from './pull';
import { executePlan, type ExecutionReport, type PushProgress } from './push';
import { ClusterError } from './errors';
import { reviewedPlanMismatch, type SavedPlan } from './saved-plan';
import { readState, recordApplied, writeState } from './workspace';

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
  readonly calls: { readonly reads: number; readonly writes: number };
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
  const problems = [...planned.local.problems, ...plan.problems];
  if (problems.length > 0)
    return report('refused', { reason: problems.map((p) => p.message).join('\n') });
  if (plan.operations.length === 0) return report('nothing-to-do');
  if (planned.remoteChanged.length > 0 && !options.force) {
    return report('refused', {
      reason:
        `the cluster changed since the last pull (${planned.remoteChanged.slice(0, 5).join(', ')}${planned.remoteChanged.length > 5 ? ', …' : ''}); ` +
        `pushing would undo those changes. Pull (and merge your edits) first, or push with --force to overwrite them.`,
    });
  }
  if (lockout.checked && lockout.lockedOut.length > 0 && !options.allowLockout) {
    return report('refused', {
      reason: `${lockoutText(planned)}; push with --allow-lockout if that is intended`,
    });
  }
  if (options.confirm && !(await options.confirm(planned))) return report('cancelled');
  const pulled = readState(root) !== undefined;
  const execution = await executePlan(client, plan.operations, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    // Each call is recorded the moment it is done, so a push that stops half-way leaves a
    // state the next plan and push accept as their own changes.
    ...(pulled
      ? { onApplied: (op: Operation) => recordApplied(root, op.list, op.digestAfter) }
      : {}),
  });
  if (execution.failed || execution.cancelled)
    return report(execution.cancelled && !execution.failed ? 'cancelled' : 'aborted', {
      execution,
    });
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
  if (remaining.length > 0) {
    return report('aborted', {
      execution,
      remaining,
      reason: `every call succeeded, yet the cluster does not hold the workspace (${remaining.length} calls would still be needed); run 'pvefw plan'`,
    });
  }
  writeState(root, pulledState(client.host, after));
  return report('complete', { execution, remaining });
}
