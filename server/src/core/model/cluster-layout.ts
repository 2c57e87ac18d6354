// Where the files of one cluster are, whichever way a user lays them out: a copy of /etc/pve
// (`firewall/cluster.fw`, `firewall/<vmid>.fw`, `nodes/<node>/host.fw`, `sdn/firewall/<vnet>.fw`),
// its `firewall/` folder alone, or one flat folder of `cluster.fw`, `host.fw` and `<vmid>.fw`.
// Pure path logic: the CLI, the language server and the sync code feed it the paths they found.
import { clusterFileCandidates, fileKindFromPath, fileStem, type FileKind } from './file-kind';

function segments(path: string): string[] {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s.length > 0);
}

function joined(parts: readonly string[], absolute: boolean): string {
  const path = parts.join('/');
  return absolute ? `/${path}` : path === '' ? '.' : path;
}

/** The folder a path is in ("." for a bare name), keeping a leading "/". */
export function folderOf(path: string): string {
  const normalised = path.replace(/\\/g, '/');
  return joined(segments(normalised).slice(0, -1), normalised.startsWith('/'));
}

/**
 * The root of the layout a cluster.fw belongs to: the folder above `firewall/` (the /etc/pve
 * layout, where `nodes/` and `topology.json` sit), else the cluster file's own folder.
 */
export function layoutRootOf(clusterPath: string): string {
  const normalised = clusterPath.replace(/\\/g, '/');
  const parts = segments(normalised);
  const dir = parts.slice(0, -1);
  const root = dir[dir.length - 1] === 'firewall' ? dir.slice(0, -1) : dir;
  return joined(root, normalised.startsWith('/'));
}

/** Where a cluster's topology.json may be, in order: beside cluster.fw, then at the layout root. */
export function topologyCandidates(clusterPath: string): string[] {
  const here = `${folderOf(clusterPath)}/topology.json`;
  const root = `${layoutRootOf(clusterPath)}/topology.json`;
  return here === root ? [here] : [here, root];
}

/** The node a host.fw belongs to by its place (`nodes/<node>/host.fw`); undefined elsewhere. */
export function hostNodeFromPath(path: string): string | undefined {
  const parts = segments(path);
  const n = parts.length;
  return n >= 3 && parts[n - 1] === 'host.fw' && parts[n - 3] === 'nodes'
    ? parts[n - 2]
    : undefined;
}

/** The files of one cluster, by their role. Paths as given. */
export interface ClusterGroup {
  readonly cluster: string;
  /** `node` is undefined for a host.fw beside cluster.fw (a flat folder): the local node's. */
  readonly hosts: { readonly node: string | undefined; readonly path: string }[];
  readonly guests: { readonly vmid: number; readonly path: string }[];
  readonly vnets: { readonly name: string; readonly path: string }[];
}

export interface GroupedFiles {
  readonly clusters: ClusterGroup[];
  /** Host, guest and vnet files with no cluster.fw among the paths: each checked on its own. */
  readonly alone: string[];
  /** Files whose kind the path does not tell. */
  readonly unknown: string[];
}

/**
 * Sorts paths into clusters: each host, guest and vnet file joins the first of its
 * `clusterFileCandidates` that is among the paths. `kindOf` lets a caller override the kind
 * told by the name (the CLI's --kind); `clusterOf` names the cluster file explicitly (--cluster).
 */
export function groupByCluster(
  paths: readonly string[],
  options: {
    readonly kindOf?: (path: string) => FileKind | undefined;
    readonly clusterOf?: (path: string) => string | undefined;
  } = {},
): GroupedFiles {
  const kindOf = options.kindOf ?? fileKindFromPath;
  const normal = (p: string): string => p.replace(/\\/g, '/');
  const clusters = new Map<string, ClusterGroup>();
  const byNormal = new Map<string, string>();
  const unknown: string[] = [];
  const members: { path: string; kind: FileKind }[] = [];
  for (const path of paths) {
    const kind = kindOf(path);
    if (kind === undefined) unknown.push(path);
    else if (kind === 'cluster') {
      clusters.set(path, { cluster: path, hosts: [], guests: [], vnets: [] });
      byNormal.set(normal(path), path);
    } else members.push({ path, kind });
  }
  const alone: string[] = [];
  for (const { path, kind } of members) {
    const explicit = options.clusterOf?.(path);
    const found =
      explicit ??
      clusterFileCandidates(path)
        .map((candidate) => byNormal.get(normal(candidate)))
        .find((c) => c !== undefined);
    let group = found === undefined ? undefined : clusters.get(found);
    if (found !== undefined && group === undefined) {
      group = { cluster: found, hosts: [], guests: [], vnets: [] };
      clusters.set(found, group);
    }
    if (group === undefined) alone.push(path);
    else if (kind === 'host') group.hosts.push({ node: hostNodeFromPath(path), path });
    else if (kind === 'vnet') group.vnets.push({ name: fileStem(path), path });
    else if (/^[0-9]+$/.test(fileStem(path)))
      group.guests.push({ vmid: Number(fileStem(path)), path });
    else alone.push(path);
  }
  return { clusters: [...clusters.values()], alone, unknown };
}
