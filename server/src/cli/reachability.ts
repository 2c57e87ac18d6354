import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  checkReachability,
  fileStem,
  type FileKind,
  type Finding,
  type SourceFile,
  type Topology,
} from '../core';
import { readTopology } from '../core/simulate/read-topology';
import { inputError } from './errors';
import { readInputFile } from './sources';

export interface CheckedFile {
  readonly path: string;
  readonly absolute: string;
  readonly kind: FileKind;
  readonly source: SourceFile;
  /** The cluster.fw it resolved against (itself for a cluster file). */
  readonly cluster: (SourceFile & { readonly absolute: string }) | undefined;
}

/** topology.json beside cluster.fw or at the root of the /etc/pve layout, if there is one. */
function topologyNear(clusterAbsolute: string): Topology | undefined {
  const folder = dirname(clusterAbsolute);
  for (const candidate of [join(folder, 'topology.json'), join(dirname(folder), 'topology.json')]) {
    if (!existsSync(candidate)) continue;
    const text = readInputFile(candidate, candidate);
    try {
      return readTopology(JSON.parse(text));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw inputError(`cannot use '${candidate}': ${reason}`);
    }
  }
  return undefined;
}

interface ClusterGroup {
  readonly cluster: SourceFile & { readonly absolute: string };
  readonly members: CheckedFile[];
}

/**
 * Reachability findings for every checked file, one analysis per cluster.fw: its host files
 * (node = the folder above host.fw) and guests compiled together, with topology.json if found.
 */
export function reachabilityFindings(
  files: readonly CheckedFile[],
  overlapHints = false,
): Map<string, Finding[]> {
  const byCluster = new Map<string, ClusterGroup>();
  for (const file of files) {
    if (!file.cluster || file.kind === 'vnet') continue;
    const group: ClusterGroup = byCluster.get(file.cluster.absolute) ?? {
      cluster: file.cluster,
      members: [],
    };
    group.members.push(file);
    byCluster.set(file.cluster.absolute, group);
  }
  const out = new Map<string, Finding[]>();
  const checked = new Set(files.map((f) => f.path));
  for (const { cluster, members } of byCluster.values()) {
    const hosts = members
      .filter((m) => m.kind === 'host')
      .map((m) => ({ node: basename(dirname(m.absolute)), file: m.source }));
    const guests = members
      .filter((m) => m.kind === 'guest' && /^[0-9]+$/.test(fileStem(m.path)))
      .map((m) => ({ vmid: Number(fileStem(m.path)), file: m.source }));
    const topology = topologyNear(cluster.absolute);
    const found = checkReachability({
      cluster,
      hosts,
      guests,
      overlapHints,
      ...(topology ? { topology } : {}),
    });
    for (const [path, findings] of found) {
      if (checked.has(path)) out.set(path, [...(out.get(path) ?? []), ...findings]);
    }
  }
  return out;
}
