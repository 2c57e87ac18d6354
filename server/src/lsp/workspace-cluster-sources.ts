// The sources of one cluster of the workspace, as the cluster model takes them: the texts the
// editor holds (open documents first, else the disk), sorted by role, and its topology.json.
// The reachability analysis and the commands that ask the model (explain) read them here.
import { clusterSourcesOf, readTopology, type ClusterSources } from '../core/index';
import type { ClusterKeys, WorkspaceClusters } from './clusters';
import { corePathOf, fileKey, fileKindOf } from './uris';
import type { FileKey } from './uris';
import type { WorkspaceState } from './workspace-state';

export interface WorkspaceClusterSources {
  readonly sources: ClusterSources;
  /** The file key of each path of the sources. */
  readonly keyOf: ReadonlyMap<string, FileKey>;
  /** Why the topology.json beside it could not be used (the world is then assumed). */
  readonly topologyProblem?: { readonly file: string; readonly reason: string };
}

export function workspaceClusterSources(
  state: WorkspaceState,
  group: ClusterKeys,
): WorkspaceClusterSources | undefined {
  if (!state.snapshot(group.cluster)) return undefined;
  const keyOf = new Map<string, FileKey>();
  for (const key of [group.cluster, ...group.members]) keyOf.set(corePathOf(key), key);
  const read = (path: string): { path: string; text: string } => ({
    path,
    text: state.snapshot(keyOf.get(path)!)?.text ?? '',
  });
  const { sources } = clusterSourcesOf([...keyOf.keys()], read, {
    kindOf: (path) => fileKindOf(keyOf.get(path)!),
  });
  if (!group.topology) return { sources: { ...sources, world: 'assumed' }, keyOf };
  const path = corePathOf(group.topology);
  try {
    const text = state.snapshot(group.topology)?.text ?? '';
    return {
      sources: { ...sources, topology: { path, topology: readTopology(JSON.parse(text)) } },
      keyOf,
    };
  } catch (error) {
    return {
      sources: { ...sources, world: 'assumed' },
      keyOf,
      topologyProblem: {
        file: path.slice(path.lastIndexOf('/') + 1),
        reason: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

/**
 * The sources of the cluster a workspace command asks about: the cluster of `uri` when given,
 * else the workspace's only one; an error to show when there is none to pick. `several` says
 * what to do when the workspace has more than one.
 */
export function commandClusterSources(
  state: WorkspaceState,
  clusters: WorkspaceClusters,
  uri: unknown,
  several: string,
): { readonly sources: ClusterSources } | { readonly error: string } {
  const all = clusters.all();
  const chosen = typeof uri === 'string' ? clusters.groupOf(fileKey(uri)) : undefined;
  const group = chosen ?? (all.length === 1 ? all[0] : undefined);
  if (!group)
    return {
      error:
        all.length === 0
          ? 'the workspace has no cluster.fw'
          : `the workspace has several clusters: ${several}`,
    };
  const found = workspaceClusterSources(state, group);
  if (!found) return { error: 'the cluster.fw of this workspace cannot be read' };
  return { sources: found.sources };
}
