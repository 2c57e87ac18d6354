// Which cluster each file of the workspace belongs to: the one place the language server decides
// it, with the core's rules (cluster-layout.ts), so that the per-file checks, the reachability
// analysis and the diagnostics all see the same groups. Recomputed only when a file comes or
// goes (any change of the workspace state bumps its generation).
import { topologyCandidates, type FileKind } from '../core/index';
import { clusterCandidateKeys, corePathOf, fileKindOf, keyForCorePath } from './uris';
import type { FileKey } from './uris';
import type { WorkspaceState } from './workspace-state';

/** A cluster.fw and the host, guest and vnet files that resolve to it. */
export interface ClusterKeys {
  readonly cluster: FileKey;
  readonly members: readonly FileKey[];
  /** The topology.json beside cluster.fw or at the layout's root, if there is one. */
  readonly topology: FileKey | undefined;
}

/** True for a `.fw` file: the only files that get diagnostics. */
export function isFwKey(key: FileKey): boolean {
  return corePathOf(key).toLowerCase().endsWith('.fw');
}

export class WorkspaceClusters {
  private generation = -1;
  private clusterOfKey = new Map<FileKey, FileKey | undefined>();
  private groups = new Map<FileKey, ClusterKeys>();
  private fwKeys: FileKey[] = [];

  constructor(private readonly state: WorkspaceState) {}

  /** Every `.fw` file the server knows: open documents and files on disk. */
  files(): readonly FileKey[] {
    this.refresh();
    return this.fwKeys;
  }

  kindOf(key: FileKey): FileKind | undefined {
    return fileKindOf(key);
  }

  /** The cluster.fw a file resolves to (itself for cluster.fw); undefined when there is none. */
  clusterOf(key: FileKey): FileKey | undefined {
    this.refresh();
    if (this.clusterOfKey.has(key)) return this.clusterOfKey.get(key);
    return this.resolve(key);
  }

  /** The group of the cluster a file belongs to. */
  groupOf(key: FileKey): ClusterKeys | undefined {
    const cluster = this.clusterOf(key);
    return cluster === undefined ? undefined : this.groups.get(cluster);
  }

  /** Every cluster of the workspace. */
  all(): readonly ClusterKeys[] {
    this.refresh();
    return [...this.groups.values()];
  }

  private resolve(key: FileKey): FileKey | undefined {
    const kind = fileKindOf(key);
    if (kind === 'cluster') return this.state.snapshot(key) ? key : undefined;
    if (kind === undefined) return undefined;
    return clusterCandidateKeys(key).find((c) => this.state.snapshot(c) !== undefined);
  }

  private refresh(): void {
    const generation = this.state.membershipGeneration();
    if (generation === this.generation) return;
    this.generation = generation;
    this.fwKeys = this.state.knownKeys().filter(isFwKey).sort();
    this.clusterOfKey = new Map();
    const members = new Map<FileKey, FileKey[]>();
    for (const key of this.fwKeys) {
      const cluster = this.resolve(key);
      this.clusterOfKey.set(key, cluster);
      if (cluster === undefined) continue;
      if (!members.has(cluster)) members.set(cluster, []);
      if (cluster !== key) members.get(cluster)!.push(key);
    }
    this.groups = new Map();
    for (const [cluster, list] of members) {
      const topology = topologyCandidates(corePathOf(cluster))
        .map((path) => keyForCorePath(path, cluster))
        .find((k) => k !== undefined && this.state.snapshot(k) !== undefined);
      this.groups.set(cluster, { cluster, members: list, topology });
    }
  }
}
