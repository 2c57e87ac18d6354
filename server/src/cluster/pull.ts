// pvefw pull: the whole cluster into the workspace, each file as Proxmox's writer writes it, plus
// topology.json and .pvefw/state.json. Local edits not yet pushed are never overwritten silently.
import { formatFirewallState, type FirewallState } from '../core/plan';
import { roundTripFailure } from '../core/plan';
import { allDigests } from '../core/plan';
import type { PveClient } from './client';
import { ClusterError } from './errors';
import { fetchCluster, type ClusterSnapshot } from './fetch-state';
import { restrictNodes } from './plan-workspace';
import { changedSince, loadLocal } from './local-state';
import { readFwFiles, readState, writeFwFiles, writeState, type PulledState } from './workspace';

export interface PullReport {
  readonly written: readonly string[];
  readonly deleted: readonly string[];
  readonly unchanged: readonly string[];
  readonly warnings: readonly string[];
}

/** Refuses a cluster state whose files would not read back as the cluster holds it. */
export function refuseUnwritable(state: FirewallState): void {
  const failure = roundTripFailure(state);
  if (!failure) return;
  const value = failure.value ? ` (${JSON.stringify(failure.value)})` : '';
  throw new ClusterError(
    'bad-reply',
    `${failure.list}: the cluster's value cannot be written to the file and read back the same${value}; nothing was written`,
  );
}

/** What a pull records: enough to tell later what changed locally and on the cluster. */
export function pulledState(host: string, snapshot: ClusterSnapshot): PulledState {
  return {
    version: 1,
    host,
    files: Object.fromEntries(formatFirewallState(snapshot.state)),
    digests: allDigests(snapshot.state),
    sdnIpSets: [...(snapshot.state.sdnIpSets ?? [])].sort(),
    topology: snapshot.topology,
  };
}

/** Workspace files whose content differs from what the last pull wrote (none before a pull). */
export function localEdits(root: string): string[] {
  const base = readState(root);
  const files = readFwFiles(root);
  if (!base) return [...files.keys()];
  const local = loadLocal(files, base.topology, new Set(base.sdnIpSets));
  return [...changedSince(base.files, local.state), ...local.problems.map((p) => p.file)];
}

export async function pull(
  root: string,
  client: PveClient,
  options: { force?: boolean; signal?: AbortSignal; nodes?: readonly string[] } = {},
): Promise<PullReport> {
  if (!options.force) {
    const edited = localEdits(root);
    if (edited.length > 0) {
      throw new ClusterError(
        'config',
        `the workspace has changes that are not on the cluster (${edited.slice(0, 5).join(', ')}${edited.length > 5 ? ', …' : ''}); ` +
          `push them first, or pull with --force to overwrite them`,
      );
    }
  }
  const fetched = await fetchCluster(client, options.signal);
  const snapshot = { ...fetched, state: restrictNodes(fetched.state, options.nodes) };
  refuseUnwritable(snapshot.state);
  const texts = formatFirewallState(snapshot.state);
  const before = readFwFiles(root);
  // Which address this machine reaches the cluster from: check proves its web UI access with it.
  const managedFrom = client.localAddress;
  writeFwFiles(
    root,
    texts,
    managedFrom ? { ...snapshot.topology, managedFrom } : snapshot.topology,
  );
  writeState(root, pulledState(client.host, snapshot));
  return {
    written: [...texts.keys()].filter((p) => before.get(p) !== texts.get(p)),
    deleted: [...before.keys()].filter((p) => !texts.has(p)),
    unchanged: [...texts.keys()].filter((p) => before.get(p) === texts.get(p)),
    warnings: snapshot.warnings,
  };
}
