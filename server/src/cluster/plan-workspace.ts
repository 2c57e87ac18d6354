// pvefw plan: the workspace against the live cluster (read fresh), with the pure planner, and a
// warning when the cluster changed since the last pull (pushing would undo someone's change).
import type { FirewallState } from '../core/plan/firewall-state';
import { EMPTY_DIGEST } from '../core/plan/digest';
import { allDigests } from '../core/plan/lists';
import { planPush, type PushPlan } from '../core/plan/plan-push';
import type { ImpactAnalyzer } from '../core/plan/impact';
import { analyseImpact } from '../core/plan/impact-analysis';
import type { PveClient } from './client';
import { fetchCluster, type ClusterSnapshot } from './fetch-state';
import { loadLocal, type LocalState } from './local-state';
import { readFwFiles, readState } from './workspace';

export interface WorkspacePlan {
  readonly plan: PushPlan;
  readonly snapshot: ClusterSnapshot;
  readonly local: LocalState;
  /** Lists (listKey) that differ between the last pull and the cluster now. */
  readonly remoteChanged: readonly string[];
  /** False before the first pull: nothing to compare the cluster with. */
  readonly pulled: boolean;
}

/** Keeps only the host.fw files of `nodes` (the workspace's `nodes` setting), when given. */
export function restrictNodes(
  state: FirewallState,
  nodes: readonly string[] | undefined,
): FirewallState {
  if (!nodes) return state;
  const files = new Map(
    [...state.files].filter(
      ([, file]) => file.ref.kind !== 'host' || nodes.includes(file.ref.node),
    ),
  );
  return { ...state, files };
}

export async function planWorkspace(
  root: string,
  client: PveClient,
  options: { nodes?: readonly string[]; signal?: AbortSignal; impact?: ImpactAnalyzer } = {},
): Promise<WorkspacePlan> {
  const fetched = await fetchCluster(client, options.signal);
  const snapshot = { ...fetched, state: restrictNodes(fetched.state, options.nodes) };
  const local = loadLocal(readFwFiles(root), snapshot.topology, snapshot.state.sdnIpSets);
  const localState = restrictNodes(local.state, options.nodes);
  const base = readState(root);
  const now = allDigests(snapshot.state);
  // A list that did not exist (a guest created since, without firewall) counts as empty.
  const differs = (key: string): boolean =>
    (now[key] ?? EMPTY_DIGEST) !== (base?.digests[key] ?? EMPTY_DIGEST) &&
    (options.nodes === undefined || key in now);
  const remoteChanged = base
    ? [...new Set([...Object.keys(now), ...Object.keys(base.digests)])].filter(differs).sort()
    : [];
  const impact =
    options.impact ??
    ((before: FirewallState, after: FirewallState) =>
      analyseImpact(before, after, snapshot.topology));
  const plan = planPush(localState, snapshot.state, { impact });
  return {
    plan,
    snapshot,
    local: { ...local, state: localState },
    remoteChanged,
    pulled: base !== undefined,
  };
}
