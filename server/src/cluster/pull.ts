// pvefw pull: the whole cluster into the workspace, each file as Proxmox's writer writes it, plus
// topology.json and .pvefw/state.json. Local edits not yet pushed are never overwritten: where
// the cluster changed a file that is edited locally too, the pull merges the two against the
// last pull (core/merge), writing what both changed differently between conflict markers.
import { formatFirewallState, type FirewallState } from '../core/plan';
import { roundTripFailure } from '../core/plan';
import { allDigests } from '../core/plan';
import { mergeFile, type MergeConflict } from '../core/merge';
import { conflictMarkerOf } from '../core/syntax';
import type { PveClient } from './client';
import { ClusterError } from './errors';
import { fetchCluster, type ClusterSnapshot } from './fetch-state';
import { restrictNodes } from './plan-workspace';
import { changedSince, loadLocal } from './local-state';
import {
  readFwFiles,
  readState,
  TOPOLOGY_FILE,
  writeFwFiles,
  writeState,
  type PulledState,
} from './workspace';
import { readInside, writeInside } from './safe-files';
import { topologyEdits, withNicFlags } from '../core/plan';
import type { PulledTopology } from '../core/plan';

/** Where a merge keeps each file as it was before the pull rewrote it. */
export const BEFORE_PULL_DIR = '.pvefw/before-pull';

export interface PullReport {
  readonly written: readonly string[];
  readonly deleted: readonly string[];
  readonly unchanged: readonly string[];
  readonly warnings: readonly string[];
  /** Files both the workspace and the cluster changed, merged (with or without conflicts). */
  readonly merged: readonly string[];
  /** Per merged file, what both sides changed differently (marked in the file). */
  readonly conflicts: readonly {
    readonly file: string;
    readonly conflicts: readonly MergeConflict[];
  }[];
  /** Files with local edits the cluster did not change: left as they are. */
  readonly kept: readonly string[];
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

/** Workspace files that still hold merge-conflict markers. */
export function filesWithConflicts(files: ReadonlyMap<string, string>): string[] {
  return [...files]
    .filter(([, text]) => text.split('\n').some((line) => conflictMarkerOf(line) !== undefined))
    .map(([path]) => path);
}

function list(paths: readonly string[]): string {
  return `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', …' : ''}`;
}

/** The workspace's files after the merge: path → text (a path left out is deleted). */
function mergeWorkspace(
  root: string,
  base: PulledState,
  files: ReadonlyMap<string, string>,
  snapshot: ClusterSnapshot,
  remoteTexts: ReadonlyMap<string, string>,
): {
  texts: Map<string, string>;
  merged: string[];
  kept: string[];
  conflicts: { file: string; conflicts: MergeConflict[] }[];
} {
  const sdn = new Set(base.sdnIpSets);
  const local = loadLocal(files, snapshot.topology, sdn);
  const edited = new Set([
    ...changedSince(base.files, local.state),
    ...local.problems.map((p) => p.file),
  ]);
  const baseState = loadLocal(new Map(Object.entries(base.files)), base.topology, sdn).state;
  const texts = new Map<string, string>();
  const merged: string[] = [];
  const kept: string[] = [];
  const conflicts: { file: string; conflicts: MergeConflict[] }[] = [];
  const paths = new Set([...Object.keys(base.files), ...files.keys(), ...remoteTexts.keys()]);
  for (const path of [...paths].sort()) {
    const remoteText = remoteTexts.get(path) ?? '';
    const localText = files.get(path);
    if (!edited.has(path)) {
      if (remoteText !== '') texts.set(path, remoteText);
      continue;
    }
    if (remoteText === (base.files[path] ?? '')) {
      if (localText !== undefined) texts.set(path, localText);
      kept.push(path);
      continue;
    }
    const ref =
      snapshot.state.files.get(path)?.ref ??
      local.state.files.get(path)?.ref ??
      baseState.files.get(path)?.ref;
    if (!ref) {
      // Neither side can say what the file is: keep the workspace's version.
      if (localText !== undefined) texts.set(path, localText);
      kept.push(path);
      continue;
    }
    const result = mergeFile(
      ref.kind,
      baseState.files.get(path)?.conf ?? {},
      local.state.files.get(path)?.conf ?? {},
      snapshot.state.files.get(path)?.conf ?? {},
    );
    if (localText !== undefined) writeInside(root, `${BEFORE_PULL_DIR}/${path}`, localText);
    if (result.text !== '') texts.set(path, result.text);
    merged.push(path);
    if (result.conflicts.length > 0)
      conflicts.push({ file: path, conflicts: [...result.conflicts] });
  }
  return { texts, merged, kept, conflicts };
}

/**
 * topology.json for the pull to write: the cluster's, with the NIC firewall flags changed in the
 * workspace and not pushed yet kept, unless the cluster changed the same flag (then the
 * cluster's wins, and says so). Edits of other parts are replaced, and said so.
 */
function keptTopologyEdits(
  root: string,
  base: PulledState,
  remote: PulledTopology,
): { topology: PulledTopology; warnings: string[] } {
  const text = readInside(root, TOPOLOGY_FILE);
  if (text === undefined) return { topology: remote, warnings: [] };
  let edited: unknown;
  try {
    edited = JSON.parse(text);
  } catch {
    return {
      topology: remote,
      warnings: ['topology.json could not be read; it is written anew from the cluster'],
    };
  }
  const edits = topologyEdits(base.topology, edited);
  const flag = (t: PulledTopology, vmid: number, nic: string): boolean | undefined =>
    t.guests.find((g) => g.vmid === vmid)?.nics.find((n) => n.name === nic)?.firewall;
  const kept = edits.changes.filter(
    (c) => flag(remote, c.vmid, c.nic) === flag(base.topology, c.vmid, c.nic),
  );
  const lost = edits.changes.filter(
    (c) => !kept.includes(c) && flag(remote, c.vmid, c.nic) !== c.firewall,
  );
  const warnings = [
    ...lost.map(
      (c) =>
        `topology.json: guest ${c.vmid} ${c.nic}: the cluster changed its firewall flag too; its value is kept, yours (${c.firewall}) is not`,
    ),
    ...edits.problems.map(
      (p) => `${p.replace(/; pvefw pushes only.*$/, '')}; it is replaced by the cluster's`,
    ),
  ];
  return { topology: withNicFlags(remote, kept), warnings };
}

export async function pull(
  root: string,
  client: PveClient,
  options: { force?: boolean; signal?: AbortSignal; nodes?: readonly string[] } = {},
): Promise<PullReport> {
  const base = readState(root);
  const before = readFwFiles(root);
  if (!options.force) {
    const marked = filesWithConflicts(before);
    if (marked.length > 0)
      throw new ClusterError(
        'config',
        `${list(marked)} still ${marked.length === 1 ? 'has' : 'have'} merge-conflict markers; resolve them first ('pvefw check' lists them), or pull with --force to overwrite your edits`,
      );
    if (!base && before.size > 0)
      throw new ClusterError(
        'config',
        `the workspace has firewall files but no earlier pull to merge them against (${list([...before.keys()])}); ` +
          `pull with --force to overwrite them`,
      );
  }
  const fetched = await fetchCluster(client, options.signal);
  const snapshot = { ...fetched, state: restrictNodes(fetched.state, options.nodes) };
  refuseUnwritable(snapshot.state);
  const topology =
    !options.force && base ? keptTopologyEdits(root, base, snapshot.topology) : undefined;
  const remoteTexts = formatFirewallState(snapshot.state);
  const merge =
    !options.force && base
      ? mergeWorkspace(root, base, before, snapshot, remoteTexts)
      : { texts: remoteTexts, merged: [], kept: [], conflicts: [] };
  // Which address this machine reaches the cluster from: check proves its web UI access with it.
  const managedFrom = client.localAddress;
  const written = topology?.topology ?? snapshot.topology;
  writeFwFiles(root, merge.texts, managedFrom ? { ...written, managedFrom } : written);
  writeState(root, pulledState(client.host, snapshot));
  const { texts } = merge;
  return {
    written: [...texts.keys()].filter((p) => before.get(p) !== texts.get(p)),
    deleted: [...before.keys()].filter((p) => !texts.has(p)),
    unchanged: [...texts.keys()].filter((p) => before.get(p) === texts.get(p)),
    warnings: [...snapshot.warnings, ...(topology?.warnings ?? [])],
    merged: merge.merged,
    conflicts: merge.conflicts,
    kept: merge.kept,
  };
}
