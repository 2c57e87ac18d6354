// The workspace on disk: the /etc/pve layout of .fw files, topology.json, the settings file
// .pvefw.json (host, node names, certificate fingerprint; never a token) and .pvefw/state.json,
// what the last pull saw (each file's text and each list's digest).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PulledTopology } from '../core/plan/topology';
import { CLUSTER_FILE, parseWorkspacePath } from '../core/plan/fw-files';
import { ClusterError } from './errors';

export const CONFIG_FILE = '.pvefw.json';
export const STATE_FILE = '.pvefw/state.json';
export const TOPOLOGY_FILE = 'topology.json';

export interface WorkspaceConfig {
  /** `https://host:8006` */
  readonly host?: string;
  /** SHA-256 fingerprint of the trusted certificate (`pvefw trust`). */
  readonly fingerprint?: string;
  /** Only these nodes' host.fw are pulled and pushed (default: all). */
  readonly nodes?: readonly string[];
  readonly timeoutSeconds?: number;
}

export interface PulledState {
  readonly version: 1;
  readonly host: string;
  /** Workspace path → the text the pull wrote. */
  readonly files: Readonly<Record<string, string>>;
  /** listKey → digest, as the cluster computed them at the pull. */
  readonly digests: Readonly<Record<string, string>>;
  readonly sdnIpSets: readonly string[];
  readonly topology: PulledTopology;
}

function readJson<T>(path: string, what: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new ClusterError(
      'config',
      `${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export function readConfig(root: string): WorkspaceConfig {
  return readJson<WorkspaceConfig>(join(root, CONFIG_FILE), CONFIG_FILE) ?? {};
}

export function writeConfig(root: string, config: WorkspaceConfig): void {
  writeText(join(root, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

export function readState(root: string): PulledState | undefined {
  return readJson<PulledState>(join(root, STATE_FILE), STATE_FILE);
}

export function writeState(root: string, state: PulledState): void {
  writeText(join(root, STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
}

export function readTopology(root: string): PulledTopology | undefined {
  return readJson<PulledTopology>(join(root, TOPOLOGY_FILE), TOPOLOGY_FILE);
}

/** The workspace's firewall files (path → text): cluster.fw, <vmid>.fw, host.fw, vnet files. */
export function readFwFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const add = (path: string): void => {
    if (parseWorkspacePath(path) && existsSync(join(root, path)))
      out.set(path, readFileSync(join(root, path), 'utf8'));
  };
  const list = (dir: string): string[] =>
    existsSync(join(root, dir)) ? readdirSync(join(root, dir)).sort() : [];
  add(CLUSTER_FILE);
  for (const name of list('firewall')) if (name !== 'cluster.fw') add(`firewall/${name}`);
  for (const node of list('nodes')) add(`nodes/${node}/host.fw`);
  for (const name of list('sdn/firewall')) add(`sdn/firewall/${name}`);
  return out;
}

/**
 * Makes the workspace's firewall files exactly `files`: writes each, deletes the ones the
 * cluster does not have. topology.json is written alongside.
 */
export function writeFwFiles(
  root: string,
  files: ReadonlyMap<string, string>,
  topology: PulledTopology,
): void {
  for (const path of readFwFiles(root).keys()) if (!files.has(path)) rmSync(join(root, path));
  for (const [path, text] of files) writeText(join(root, path), text);
  writeText(join(root, TOPOLOGY_FILE), `${JSON.stringify(topology, null, 2)}\n`);
}
