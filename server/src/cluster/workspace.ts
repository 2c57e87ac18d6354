// The workspace on disk: the /etc/pve layout of .fw files, topology.json, the settings file
// .pvefw.json (host, node names, certificate fingerprint; never a token) and .pvefw/state.json,
// what the last pull saw (each file's text and each list's digest).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PulledTopology } from '../core/plan';
import { CLUSTER_FILE, isValidWorkspacePath, parseWorkspacePath } from '../core/plan';
import { isNodeName } from '../core/model';
import { ClusterError } from './errors';
import { appendInside, checkWritable, readInside, removeInside, writeInside } from './safe-files';

export const CONFIG_FILE = '.pvefw.json';
export const STATE_FILE = '.pvefw/state.json';
/** The digests of the calls a push has applied since state.json was written, one per line. */
export const APPLIED_FILE = '.pvefw/applied.jsonl';
export const TOPOLOGY_FILE = 'topology.json';

export interface WorkspaceConfig {
  /** `https://host:8006` */
  readonly host?: string;
  /** SHA-256 fingerprint of the trusted certificate (`pvefw trust`). */
  readonly fingerprint?: string;
  /** Only these nodes' host.fw are pulled and pushed (default: all). */
  readonly nodes?: readonly string[];
  /** How long a request may wait for the next bytes. */
  readonly timeoutSeconds?: number;
  /** How long one request may take in all. */
  readonly deadlineSeconds?: number;
  /** The largest reply read. */
  readonly maxReplyMegabytes?: number;
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

/** .pvefw.json comes with a repository: every value is checked before it is used. */
function checkConfig(value: unknown): WorkspaceConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ClusterError('config', `${CONFIG_FILE} must hold a JSON object`);
  const config = value as Record<string, unknown>;
  const require = (key: string, ok: (v: unknown) => boolean, what: string): void => {
    if (config[key] !== undefined && !ok(config[key]))
      throw new ClusterError('config', `${key} in ${CONFIG_FILE} must be ${what}`);
  };
  const text = (v: unknown): boolean => typeof v === 'string';
  const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
  require('host', text, 'a string');
  require('fingerprint', text, 'a string');
  require('nodes', (v) =>
    Array.isArray(v) &&
    v.every((n) => typeof n === 'string' && isNodeName(n)), 'a list of node names');
  require('timeoutSeconds', positive, 'a number of seconds');
  require('deadlineSeconds', positive, 'a number of seconds');
  require('maxReplyMegabytes', positive, 'a positive number');
  return config;
}

function readJson<T>(root: string, path: string): T | undefined {
  const text = readInside(root, path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ClusterError(
      'config',
      `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function readConfig(root: string): WorkspaceConfig {
  const config = readJson<unknown>(root, CONFIG_FILE);
  return config === undefined ? {} : checkConfig(config);
}

export function writeConfig(root: string, config: WorkspaceConfig): void {
  writeInside(root, CONFIG_FILE, `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * What the last pull saw, with the digests of every call a push applied since: a push that
 * stopped half-way has changed those lists itself, and that is no change by someone else.
 */
export function readState(root: string): PulledState | undefined {
  const state = readJson<PulledState>(root, STATE_FILE);
  if (!state) return undefined;
  const digests = { ...state.digests };
  for (const line of (readInside(root, APPLIED_FILE) ?? '').split('\n')) {
    try {
      const { list, digest } = JSON.parse(line) as { list?: unknown; digest?: unknown };
      if (typeof list === 'string' && typeof digest === 'string') digests[list] = digest;
    } catch {
      // an empty line, or the last one cut short by a crash: that call is not known to be done
    }
  }
  return { ...state, digests };
}

export function writeState(root: string, state: PulledState): void {
  writeInside(root, STATE_FILE, `${JSON.stringify(state, null, 1)}\n`);
  if (readInside(root, APPLIED_FILE) !== undefined) removeInside(root, APPLIED_FILE);
}

/** Records, the moment it is done, that a push's call left `list` with `digest`. */
export function recordApplied(root: string, list: string, digest: string): void {
  appendInside(root, APPLIED_FILE, `${JSON.stringify({ list, digest })}\n`);
}

export function readTopology(root: string): PulledTopology | undefined {
  return readJson<PulledTopology>(root, TOPOLOGY_FILE);
}

/** The workspace's firewall files (path → text): cluster.fw, <vmid>.fw, host.fw, vnet files. */
export function readFwFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const add = (path: string): void => {
    if (!parseWorkspacePath(path)) return;
    const text = readInside(root, path);
    if (text !== undefined) out.set(path, text);
  };
  // Only real folders are listed; a link where a folder belongs is refused by readInside.
  const list = (dir: string): string[] => {
    try {
      return lstatSync(join(root, dir)).isDirectory() ? readdirSync(join(root, dir)).sort() : [];
    } catch {
      return [];
    }
  };
  add(CLUSTER_FILE);
  for (const name of list('firewall')) if (name !== 'cluster.fw') add(`firewall/${name}`);
  for (const node of list('nodes')) add(`nodes/${node}/host.fw`);
  for (const name of list('sdn/firewall')) add(`sdn/firewall/${name}`);
  return out;
}

/**
 * Makes the workspace's firewall files exactly `files`: writes each, deletes the ones the
 * cluster does not have. topology.json is written alongside. Every path must name a firewall
 * file of the /etc/pve layout with valid Proxmox names and lie inside `root` with no link on
 * the way; all are checked before the first write.
 */
export function writeFwFiles(
  root: string,
  files: ReadonlyMap<string, string>,
  topology: PulledTopology,
): void {
  for (const path of files.keys())
    if (!isValidWorkspacePath(path))
      throw new ClusterError(
        'bad-reply',
        `refusing to write ${path}: not a firewall file of the /etc/pve layout; nothing was written`,
      );
  const stale = [...readFwFiles(root).keys()].filter((path) => !files.has(path));
  checkWritable(root, [...files.keys(), ...stale, TOPOLOGY_FILE]);
  for (const path of stale) removeInside(root, path);
  for (const [path, text] of files) writeInside(root, path, text);
  writeInside(root, TOPOLOGY_FILE, `${JSON.stringify(topology, null, 2)}\n`);
}
