// A whole cluster's firewall as Proxmox holds it: one loaded configuration per file, in the JSON
// shape of load_*_conf. Local workspaces and live clusters are both read into this one model.
import type { FwConfig } from '../model';
import { loadFwConfig } from '../model';
import { toProxmoxConf, type ProxmoxConf } from '../model';
import { parseFwSyntax } from '../syntax';
import { formatProxmoxConf } from '../writer';
import { CLUSTER_FILE, ruleEnvOf, workspacePath, type FwFileRef } from './fw-files';

export interface FileState {
  readonly ref: FwFileRef;
  readonly conf: ProxmoxConf;
}

export interface FirewallState {
  /** Keyed by workspace path (`firewall/cluster.fw`, `nodes/pve1/host.fw`, …). */
  readonly files: ReadonlyMap<string, FileState>;
  /** Names of SDN-generated ipsets, when known. */
  readonly sdnIpSets?: ReadonlySet<string>;
}

export interface LoadOptions {
  readonly sdnIpSets?: ReadonlySet<string>;
  /** Perl's time(), for the cluster `enable` time stamp. */
  readonly now?: number;
}

function loadConfig(
  ref: FwFileRef,
  text: string,
  cluster: FwConfig | undefined,
  options: LoadOptions,
): FwConfig {
  const env = ruleEnvOf(ref);
  return loadFwConfig(parseFwSyntax(text, ref.kind), ref.kind, {
    ...(cluster && ref.kind !== 'cluster' ? { cluster } : {}),
    ...(options.sdnIpSets ? { sdnIpSets: options.sdnIpSets } : {}),
    ...(env === 'vm' || env === 'ct' ? { guestEnv: env } : {}),
  }).config;
}

/** The cluster.fw a state's other files resolve names against, loaded from its written form. */
export function clusterConfigOf(
  conf: ProxmoxConf | undefined,
  options: LoadOptions = {},
): FwConfig | undefined {
  if (!conf) return undefined;
  return loadConfig({ kind: 'cluster' }, formatProxmoxConf('cluster', conf), undefined, options);
}

/**
 * What Proxmox's loader returns for `text` as the file `ref`, with `cluster` as cluster.fw. An
 * unloadable cluster.fw (invalid log_ratelimit) throws ProxmoxDies, as every API call would fail.
 */
export function loadFileConf(
  ref: FwFileRef,
  text: string,
  cluster: FwConfig | undefined,
  options: LoadOptions = {},
): ProxmoxConf {
  const config = loadConfig(ref, text, cluster, options);
  const now = options.now !== undefined ? { now: options.now } : {};
  const conf = toProxmoxConf(config, { ...(cluster ? { cluster } : {}), ...now });
  // The autovivified and bookkeeping keys are no part of what the API shows or writes.
  delete conf.vmid;
  if (ref.kind === 'host' || ref.kind === 'vnet') {
    delete conf.aliases;
    delete conf.ipset;
  }
  return conf;
}

/** Loads every file of a workspace: cluster.fw first, as the others resolve names against it. */
export function loadFirewallState(
  texts: ReadonlyMap<string, { ref: FwFileRef; text: string }>,
  options: LoadOptions = {},
): FirewallState {
  const files = new Map<string, FileState>();
  const clusterEntry = texts.get(CLUSTER_FILE);
  let cluster: FwConfig | undefined;
  if (clusterEntry) {
    cluster = loadConfig(clusterEntry.ref, clusterEntry.text, undefined, options);
    files.set(CLUSTER_FILE, {
      ref: clusterEntry.ref,
      conf: loadFileConf(clusterEntry.ref, clusterEntry.text, undefined, options),
    });
  }
  for (const [path, { ref, text }] of texts) {
    if (path === CLUSTER_FILE) continue;
    files.set(path, { ref, conf: loadFileConf(ref, text, cluster, options) });
  }
  return { files, ...(options.sdnIpSets ? { sdnIpSets: options.sdnIpSets } : {}) };
}

/** The text Proxmox's writer produces for each file; files it would delete (empty) are left out. */
export function formatFirewallState(state: FirewallState): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, file] of state.files) {
    const text = formatProxmoxConf(file.ref.kind, file.conf);
    if (text !== '') out.set(path, text);
  }
  return out;
}

export function fileStateFor(ref: FwFileRef, conf: ProxmoxConf): [string, FileState] {
  return [workspacePath(ref), { ref, conf }];
}
