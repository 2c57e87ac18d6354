import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadCompileInput, type SourceText } from '../core/compile';
import type { CompileInput } from '../core/compile';
import type { Topology } from '../core/model/topology';
import { DEFAULT_TOPOLOGY, readTopology, TopologyError } from '../core/simulate';
import { fsReason, inputError } from './errors';
import { readInputFile } from './sources';

/** A node's firewall as read from a folder, ready to compile. */
export interface FirewallDir {
  readonly dir: string;
  readonly input: CompileInput;
  readonly topology: Topology;
  /** Where the topology came from: a file path or `default`. */
  readonly topologySource: string;
  /** Guest files the topology gives no local guest for: Proxmox would not compile them. */
  readonly notes: readonly string[];
}

function readText(path: string): string {
  return readInputFile(path, path);
}

/** --topology FILE|default, else DIR/topology.json, else upstream's test world. */
export function readTopologyFor(
  dir: string,
  option: string | undefined,
  cwd: string,
): { topology: Topology; source: string } {
  if (option === 'default') return { topology: DEFAULT_TOPOLOGY, source: 'default' };
  const path = option !== undefined ? resolve(cwd, option) : join(dir, 'topology.json');
  if (option === undefined && !existsSync(path)) {
    return { topology: DEFAULT_TOPOLOGY, source: 'default' };
  }
  let json: unknown;
  try {
    json = JSON.parse(readText(path));
  } catch (error) {
    if (error instanceof SyntaxError) throw inputError(`${path}: not JSON: ${error.message}`);
    throw error;
  }
  try {
    return { topology: readTopology(json), source: path };
  } catch (error) {
    if (error instanceof TopologyError) throw inputError(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads cluster.fw, host.fw and <vmid>.fw from a folder (paths reported relative to the
 * working folder) and loads them as Proxmox does.
 */
export function readFirewallDir(
  dirArg: string,
  topologyOption: string | undefined,
  cwd: string,
): FirewallDir {
  const dir = resolve(cwd, dirArg);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (error) {
    throw inputError(`cannot read ${dirArg}: ${fsReason(error)}`);
  }
  if (!isDir) throw inputError(`${dirArg} is not a folder`);
  const { topology, source } = readTopologyFor(dir, topologyOption, cwd);
  const shown = (name: string): string => relative(cwd, join(dir, name)) || name;
  const file = (name: string): SourceText | undefined =>
    existsSync(join(dir, name))
      ? { path: shown(name), text: readText(join(dir, name)) }
      : undefined;
  const guests = new Map<number, SourceText>();
  for (const name of readdirSync(dir).sort()) {
    const vmid = /^([1-9][0-9]*)\.fw$/.exec(name)?.[1];
    if (vmid !== undefined) guests.set(Number(vmid), file(name)!);
  }
  const cluster = file('cluster.fw');
  const host = file('host.fw');
  const input = loadCompileInput(
    { guests, ...(cluster ? { cluster } : {}), ...(host ? { host } : {}) },
    topology,
  );
  const notes = [...guests]
    .filter(
      ([vmid]) => !topology.guests.some((g) => g.vmid === vmid && g.node === topology.localNode),
    )
    .map(
      ([, file]) =>
        `note: ${file.path}: no guest with this vmid on node '${topology.localNode}' in the topology; not compiled`,
    );
  return { dir, input, topology, topologySource: source, notes };
}
