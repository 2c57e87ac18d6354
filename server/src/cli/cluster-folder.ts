// Reads the files of one cluster from disk into the core's cluster model, whichever layout the
// user has: the root of an /etc/pve copy (or a pulled folder), its `firewall/` subfolder, or a
// flat folder of cluster.fw, host.fw and <vmid>.fw. Every command builds its model here.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  buildClusterModel,
  clusterSourcesOf,
  fileKindFromPath,
  readTopology,
  TopologyError,
  topologyCandidates,
  type ClusterModel,
  type ClusterSources,
  type SourcesOfPaths,
  type Topology,
} from '../core';
import type { FirewallBackend } from '../core/model';
import { inputError } from './errors';
import { shownPath } from './paths';
import type { SourceReader } from './sources';

/** Names of the entries of a folder, sorted; none when it cannot be read. */
function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The `.fw` files around a cluster.fw, absolute: in a `firewall/` folder (the /etc/pve layout),
 * every file of that folder, `nodes/<node>/host.fw` and `sdn/firewall/<vnet>.fw` of the root
 * above it; elsewhere, the files beside it.
 */
export function layoutFiles(clusterAbsolute: string): string[] {
  const dir = dirname(clusterAbsolute);
  const fwIn = (folder: string): string[] =>
    entries(folder)
      .filter((name) => name.endsWith('.fw'))
      .map((name) => join(folder, name))
      .filter((path) => path !== clusterAbsolute && isFile(path));
  if (basename(dir) !== 'firewall') return fwIn(dir);
  const root = dirname(dir);
  const hosts = entries(join(root, 'nodes'))
    .map((node) => join(root, 'nodes', node, 'host.fw'))
    .filter(isFile);
  return [...fwIn(dir), ...hosts, ...fwIn(join(root, 'sdn', 'firewall'))];
}

/** A topology.json read and checked; an input error says what is wrong with it. */
export function readTopologyFile(path: string, shown: string, reader: SourceReader): Topology {
  const { text } = reader.read(path, shown, 'topology file ');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw inputError(`${shown}: not JSON: ${error instanceof Error ? error.message : ''}`);
  }
  try {
    return readTopology(json);
  } catch (error) {
    if (error instanceof TopologyError) throw inputError(`${shown}: ${error.message}`);
    throw error;
  }
}

/** Where the world comes from: `--topology FILE`, `default` (Proxmox's test world), or near. */
export interface TopologyChoice {
  /** `--topology` as given: a path, or `default`. */
  readonly option?: string;
  /** Without a topology.json: assume from the files, or use Proxmox's test world. */
  readonly world: 'assumed' | 'proxmox-tests';
  /** `--backend`: the backend of nodes without a host.fw among the files. */
  readonly backend?: FirewallBackend;
}

function chosenTopology(
  clusterAbsolute: string | undefined,
  fallbackDir: string,
  choice: TopologyChoice,
  reader: SourceReader,
  cwd: string,
): Pick<ClusterSources, 'topology' | 'world' | 'defaultBackend'> {
  const backend = choice.backend ? { defaultBackend: choice.backend } : {};
  return { ...placedWorld(clusterAbsolute, fallbackDir, choice, reader, cwd), ...backend };
}

function placedWorld(
  clusterAbsolute: string | undefined,
  fallbackDir: string,
  choice: TopologyChoice,
  reader: SourceReader,
  cwd: string,
): Pick<ClusterSources, 'topology' | 'world'> {
  if (choice.option === 'default') return { world: 'proxmox-tests' };
  const candidates =
    choice.option !== undefined
      ? [resolve(cwd, choice.option)]
      : clusterAbsolute
        ? topologyCandidates(clusterAbsolute)
        : [join(fallbackDir, 'topology.json')];
  for (const path of candidates) {
    if (choice.option === undefined && !existsSync(path)) continue;
    const shown = shownPath(path, cwd);
    return { topology: { path: shown, topology: readTopologyFile(path, shown, reader) } };
  }
  return { world: choice.world };
}

/** The model's sources from absolute paths: texts read once, paths shown as the user sees them. */
export function clusterSources(
  clusterAbsolute: string | undefined,
  memberAbsolutes: readonly string[],
  reader: SourceReader,
  cwd: string,
): SourcesOfPaths {
  const paths = clusterAbsolute ? [clusterAbsolute, ...memberAbsolutes] : [...memberAbsolutes];
  // Every member joins this cluster, wherever it lies (--cluster).
  const rest = new Set(memberAbsolutes);
  return clusterSourcesOf(paths, (absolute) => reader.read(absolute, shownPath(absolute, cwd)), {
    ...(clusterAbsolute
      ? {
          kindOf: (path: string) =>
            path === clusterAbsolute
              ? 'cluster'
              : rest.has(path)
                ? fileKindFromPath(path)
                : undefined,
          clusterOf: () => clusterAbsolute,
        }
      : {}),
  });
}

/** The sources of the cluster a cluster.fw heads, read with every file of its layout. */
export function readClusterSourcesOf(
  clusterAbsolute: string,
  reader: SourceReader,
  cwd: string,
  choice: TopologyChoice = { world: 'assumed' },
): { sources: ClusterSources; unknown: string[] } {
  const { sources, unknown } = clusterSources(
    clusterAbsolute,
    layoutFiles(clusterAbsolute),
    reader,
    cwd,
  );
  const world = chosenTopology(clusterAbsolute, dirname(clusterAbsolute), choice, reader, cwd);
  return { sources: { ...sources, ...world }, unknown };
}

/** The model of the cluster a cluster.fw heads, read with every file of its layout. */
export function readClusterOf(
  clusterAbsolute: string,
  reader: SourceReader,
  cwd: string,
  choice: TopologyChoice = { world: 'assumed' },
): { model: ClusterModel; unknown: string[] } {
  const { sources, unknown } = readClusterSourcesOf(clusterAbsolute, reader, cwd, choice);
  return { model: buildClusterModel(sources), unknown };
}

/**
 * The cluster.fw a folder the user named stands for: `DIR/firewall/cluster.fw` (the root of an
 * /etc/pve copy) or `DIR/cluster.fw` (its `firewall/` folder, or a flat folder).
 */
export function clusterFileIn(dir: string): string | undefined {
  return [join(dir, 'firewall', 'cluster.fw'), join(dir, 'cluster.fw')].find(isFile);
}

/** The sources of the cluster in a folder of any layout (without cluster.fw, its files alone). */
export function readClusterFolderSources(
  dir: string,
  reader: SourceReader,
  cwd: string,
  choice: TopologyChoice,
): { sources: ClusterSources; unknown: string[] } {
  const cluster = clusterFileIn(dir);
  if (cluster) return readClusterSourcesOf(cluster, reader, cwd, choice);
  const files = entries(dir)
    .filter((name) => name.endsWith('.fw'))
    .map((name) => join(dir, name))
    .filter(isFile);
  const { sources, unknown } = clusterSources(undefined, files, reader, cwd);
  const world = chosenTopology(undefined, dir, choice, reader, cwd);
  return { sources: { ...sources, ...world }, unknown };
}

/** The model of the cluster in a folder of any layout; a folder without cluster.fw still makes one. */
export function readClusterFolder(
  dir: string,
  reader: SourceReader,
  cwd: string,
  choice: TopologyChoice,
): { model: ClusterModel; unknown: string[] } {
  const { sources, unknown } = readClusterFolderSources(dir, reader, cwd, choice);
  return { model: buildClusterModel(sources), unknown };
}
