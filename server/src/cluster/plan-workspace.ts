// pvefw plan: the workspace against the live cluster (read fresh), with the pure planner, and a
// warning when the cluster changed since the last pull (pushing would undo someone's change).
import type { FirewallState } from '../core/plan';
import { EMPTY_DIGEST } from '../core/plan';
import { allDigests } from '../core/plan';
import { planPush, type PushPlan } from '../core/plan';
import type { ImpactAnalyzer, LockoutCheck, LockoutVerdict } from '../core/plan';
import { checkLockout } from '../core/plan';
import { analyseImpact } from '../core/plan';
import type { PveClient } from './client';
import { fetchCluster, type ClusterSnapshot } from './fetch-state';
import { loadLocal, type LocalState } from './local-state';
import { readFwFiles, readState, TOPOLOGY_FILE, type PulledState } from './workspace';
import { readInside } from './safe-files';
import { planNicCalls, topologyEdits, withNicFlags, type NicCall } from '../core/plan';
import type { PulledTopology } from '../core/plan';

export interface WorkspacePlan {
  readonly plan: PushPlan;
  readonly snapshot: ClusterSnapshot;
  readonly local: LocalState;
  /** Lists (listKey) that differ between the last pull and the cluster now. */
  readonly remoteChanged: readonly string[];
  /** False before the first pull: nothing to compare the cluster with. */
  readonly pulled: boolean;
  /** Would the pushed configuration cut this machine off a node's web UI? Push refuses then. */
  readonly lockout: LockoutVerdict;
  /** The address the lock-out check protects (this machine, as the cluster sees it). */
  readonly clientAddress: string;
  /** NIC firewall flags changed in topology.json: the guest config calls that set them. */
  readonly nics: { readonly calls: readonly NicCall[]; readonly problems: readonly string[] };
}

/** The NIC flag edits of topology.json against the last pull, as calls for the cluster now. */
function planNics(
  root: string,
  base: PulledState | undefined,
  snapshot: ClusterSnapshot,
): { calls: NicCall[]; problems: string[]; after: PulledTopology } {
  const none = { calls: [], problems: [], after: snapshot.topology };
  if (!base) return none;
  let edited: unknown;
  try {
    const text = readInside(root, TOPOLOGY_FILE);
    if (text === undefined) return none;
    edited = JSON.parse(text);
  } catch (error) {
    return {
      ...none,
      problems: [
        `topology.json cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      ],
    };
  }
  const edits = topologyEdits(base.topology, edited);
  // Only what the cluster does not hold already needs a call.
  const live = (vmid: number, nic: string): boolean | undefined =>
    snapshot.topology.guests.find((g) => g.vmid === vmid)?.nics.find((n) => n.name === nic)
      ?.firewall;
  const needed = edits.changes.filter((c) => live(c.vmid, c.nic) !== c.firewall);
  const planned = planNicCalls(needed, snapshot.guestConfigs);
  return {
    calls: planned.calls,
    problems: [...edits.problems, ...planned.problems],
    after: withNicFlags(snapshot.topology, edits.changes),
  };
}

export interface PlanOptions {
  readonly nodes?: readonly string[];
  readonly signal?: AbortSignal;
  readonly impact?: ImpactAnalyzer;
  /** The address the cluster sees this machine as (default: the local end of the connection). */
  readonly clientAddress?: string;
  /** The lock-out check (default: the packet evaluator's, core/plan/lockout-check.ts). */
  readonly lockoutCheck?: LockoutCheck;
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
  options: PlanOptions = {},
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
  const nics = planNics(root, base, snapshot);
  const impact =
    options.impact ??
    ((before: FirewallState, after: FirewallState) =>
      analyseImpact(before, after, snapshot.topology, nics.after));
  const plan = planPush(localState, snapshot.state, { impact });
  // Plan and push give one verdict: push refuses exactly what the plan says it would lock out.
  const clientAddress = options.clientAddress ?? client.localAddress ?? '';
  const lockout = (options.lockoutCheck ?? checkLockout)(plan.target, {
    topology: snapshot.topology,
    before: snapshot.state,
    clientAddress,
    nodeAddresses: snapshot.topology.nodes.flatMap((n) =>
      [n.address, ...(n.addresses ?? []).map((a) => a.split('/')[0])]
        .filter((a): a is string => !!a)
        .map((address) => ({ node: n.name, address })),
    ),
  });
  return {
    plan,
    snapshot,
    local: { ...local, state: localState },
    remoteChanged,
    pulled: base !== undefined,
    lockout,
    clientAddress,
    nics: { calls: nics.calls, problems: nics.problems },
  };
}

/**
 * The lock-out, as plan and push say it: which address loses which node's port 8006, because
 * of which line, and the fix. Undefined when nothing is cut.
 */
export function lockoutText(planned: WorkspacePlan): string | undefined {
  const { lockout, clientAddress } = planned;
  if (!lockout.checked || lockout.lockedOut.length === 0) return undefined;
  const cut = lockout.lockedOut
    .map((l) => `${l.node} (${l.address})${l.cause ? ` because of ${l.cause}` : ''}`)
    .join(', ');
  return (
    `the new configuration would cut this machine (${clientAddress}) off port 8006 of ${cut}; ` +
    `fix: accept it first, e.g. 'IN ACCEPT -source ${clientAddress} -p tcp -dport 8006' at the top of [RULES] in firewall/cluster.fw`
  );
}
