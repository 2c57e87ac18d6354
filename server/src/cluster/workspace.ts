// The workspace on disk: the /etc/pve layout of .fw files, topology.json, the settings file
// .pvefw.json (host, node names, certificate fingerprint; never a token), .pvefw/state.json,
// what the last pull saw (each file's text and each list's digest), and the journal of a push
// under way (.pvefw/push.json and .pvefw/applied.jsonl).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PulledTopology } from '../core/plan';
import type { ProxmoxConf } from '../core/model';
import { allDigests, parseListKey } from '../core/plan';
import { replayCalls, type JournalCall } from '../core/plan';
import { withNicFlags, type NicFlagChange } from '../core/plan';
import {
  CLUSTER_FILE,
  isValidWorkspacePath,
  parseWorkspacePath,
  type FwFileRef,
} from '../core/plan';
import { isNodeName } from '../core/model';
import { ClusterError } from './errors';
import { loadLocal } from './local-state';
import { appendInside, checkWritable, readInside, removeInside, writeInside } from './safe-files';

export const CONFIG_FILE = '.pvefw.json';
export const STATE_FILE = '.pvefw/state.json';
/** The calls a push is about to make and the cluster it planned them against (push.ts). */
export const JOURNAL_FILE = '.pvefw/push.json';
/** Which calls of the journal were applied (with the digest each left), one per line. */
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
  /** Each node's own API endpoint (`pvefw trust HOST --node NAME`), else its address:8006. */
  readonly nodeHosts?: Readonly<Record<string, string>>;
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
  require('nodeHosts', (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.entries(v).every(
      ([node, host]) => isNodeName(node) && typeof host === 'string',
    ), 'an object of node names and hosts');
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
 * What a push records before its first call: the calls, and the files of the cluster it
 * planned them against (cluster.fw always, for the names the others resolve against).
 */
export interface PushJournal {
  readonly version: 1;
  readonly host: string;
  /** Perl's time() when the plan was made (the cluster `enable` time stamp). */
  readonly now: number;
  readonly sdnIpSets: readonly string[];
  readonly start: Readonly<Record<string, { readonly ref: FwFileRef; readonly conf: ProxmoxConf }>>;
  readonly calls: readonly JournalCall[];
}

/** The indices of the calls applied, in order from the first (a torn last line is not one). */
function appliedCount(root: string): number {
  const applied = new Set<number>();
  for (const line of (readInside(root, APPLIED_FILE) ?? '').split('\n')) {
    try {
      const { call } = JSON.parse(line) as { call?: unknown };
      if (typeof call === 'number') applied.add(call);
    } catch {
      // an empty line, or the last one cut short by a crash: that call is not known to be done
    }
  }
  let count = 0;
  while (applied.has(count)) count++;
  return count;
}

function readPulled(root: string): PulledState | undefined {
  return readJson<PulledState>(root, STATE_FILE);
}

/**
 * Folds a push that stopped (or whose process ended) before it finished into the pulled state:
 * the files and digests of every list its applied calls changed become what those calls left,
 * as the planner predicted them. What pvefw applied is then no change by someone else, and a
 * merge (pull) takes the cluster's other changes against it. Clears the journal.
 */
export function foldPushJournal(root: string): void {
  const journal = readJson<PushJournal>(root, JOURNAL_FILE);
  if (!journal) return;
  const state = readPulled(root);
  const count = Math.min(appliedCount(root), journal.calls.length);
  if (state && journal.version === 1 && count > 0) {
    const start = {
      files: new Map(
        Object.entries(journal.start).map(([path, file]) => [
          path,
          { ref: file.ref, conf: file.conf },
        ]),
      ),
      sdnIpSets: new Set(journal.sdnIpSets),
    };
    const changed = replayCalls(start, journal.calls.slice(0, count), journal.now);
    const files: Record<string, string> = { ...state.files };
    for (const [path, { text }] of changed) {
      if (text === '') delete files[path];
      else files[path] = text;
    }
    const loaded = loadLocal(
      new Map(Object.entries(files)),
      state.topology,
      new Set(state.sdnIpSets),
    );
    const now = allDigests(loaded.state);
    const digests: Record<string, string> = {};
    const touched = (key: string): boolean => changed.has(parseListKey(key).path);
    for (const [key, digest] of Object.entries(state.digests))
      if (!touched(key)) digests[key] = digest;
    for (const [key, digest] of Object.entries(now)) if (touched(key)) digests[key] = digest;
    writeInside(root, STATE_FILE, `${JSON.stringify({ ...state, files, digests }, null, 1)}\n`);
  }
  clearJournal(root);
}

function clearJournal(root: string): void {
  for (const path of [JOURNAL_FILE, APPLIED_FILE])
    if (readInside(root, path) !== undefined) removeInside(root, path);
}

/** What the last pull saw, with any push that stopped since folded in (foldPushJournal). */
export function readState(root: string): PulledState | undefined {
  foldPushJournal(root);
  return readPulled(root);
}

export function writeState(root: string, state: PulledState): void {
  writeInside(root, STATE_FILE, `${JSON.stringify(state, null, 1)}\n`);
  clearJournal(root);
}

/** After a NIC's firewall flag was set: the pulled topology has it (the journal stays). */
export function recordNicFlags(root: string, changes: readonly NicFlagChange[]): void {
  const state = readPulled(root);
  if (!state) return;
  writeInside(
    root,
    STATE_FILE,
    `${JSON.stringify({ ...state, topology: withNicFlags(state.topology, changes) }, null, 1)}\n`,
  );
}

/** Before a push's first call: what it will do and against which cluster. */
export function startPushJournal(root: string, journal: PushJournal): void {
  clearJournal(root);
  writeInside(root, JOURNAL_FILE, `${JSON.stringify(journal)}\n`);
}

/** Records, the moment it is done, that the push's call number `call` went through. */
export function recordApplied(root: string, call: number, list: string, digest: string): void {
  appendInside(root, APPLIED_FILE, `${JSON.stringify({ call, list, digest })}\n`);
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
