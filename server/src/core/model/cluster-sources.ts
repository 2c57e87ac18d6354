// From paths to the sources of one cluster model: the paths are sorted by role (see
// cluster-layout.ts) and read through the caller, who knows where texts come from (the disk,
// an editor's open documents, a state pulled from the API).
import { groupByCluster } from './cluster-layout';
import {
  buildClusterModel,
  type ClusterModel,
  type ClusterSources,
  type FileLoader,
  type ModelSource,
} from './cluster-model';
import { fileKindFromPath, fileStem, type FileKind } from './file-kind';

export interface SourcesOfPaths {
  readonly sources: Pick<ClusterSources, 'cluster' | 'hosts' | 'guests' | 'vnets'>;
  /** Paths whose kind the name does not tell: not part of the model. */
  readonly unknown: string[];
}

/**
 * The sources of the one cluster the paths make: the first cluster file among them and the
 * files that resolve to it. Host and guest files without any cluster file still make a node of
 * their own (whose firewall is off, as Proxmox has it without cluster.fw).
 */
export function clusterSourcesOf(
  paths: readonly string[],
  read: (path: string) => ModelSource,
  options: {
    readonly kindOf?: (path: string) => FileKind | undefined;
    /** Names the cluster file of every other path (the CLI's --cluster). */
    readonly clusterOf?: (path: string) => string | undefined;
  } = {},
): SourcesOfPaths {
  const kindOf = options.kindOf ?? fileKindFromPath;
  const grouped = groupByCluster(paths, {
    kindOf,
    ...(options.clusterOf ? { clusterOf: options.clusterOf } : {}),
  });
  const group = grouped.clusters[0];
  const alone = group === undefined ? grouped.alone : [];
  const hosts = [
    ...(group?.hosts ?? []),
    ...alone.filter((p) => kindOf(p) === 'host').map((path) => ({ node: undefined, path })),
  ];
  const guests = [
    ...(group?.guests ?? []),
    ...alone
      .filter((p) => kindOf(p) === 'guest' && /^[0-9]+$/.test(fileStem(p)))
      .map((path) => ({ vmid: Number(fileStem(path)), path })),
  ];
  return {
    sources: {
      ...(group ? { cluster: read(group.cluster) } : {}),
      hosts: hosts.map((h) => ({ node: h.node, file: read(h.path) })),
      guests: guests.map((g) => ({ vmid: g.vmid, file: read(g.path) })),
      vnets: (group?.vnets ?? []).map((v) => ({ name: v.name, file: read(v.path) })),
    },
    unknown: grouped.unknown,
  };
}

/**
 * The model of a cluster held as texts by their path in the /etc/pve layout (a pulled state, a
 * plan's before and after), in the world the caller knows.
 */
export function clusterModelOfTexts(
  texts: ReadonlyMap<string, string>,
  world: Pick<ClusterSources, 'topology' | 'world' | 'sdnIpSets'>,
  loader?: FileLoader,
): ClusterModel {
  const { sources } = clusterSourcesOf([...texts.keys()], (path) => ({
    path,
    text: texts.get(path) ?? '',
  }));
  return buildClusterModel({ ...sources, ...world }, loader);
}
