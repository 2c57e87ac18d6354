// One model of a cluster, built once from whatever the user pointed at, for every door: `check`,
// `simulate`, `test`, the plan's impact, push's lock-out check and the language server all ask
// it, so that each gives the same answer. It holds the cluster file, each node with its host.fw
// and firewall backend, each guest with its node and NICs, the vnets, the local node, and where
// the topology came from. Every file in it is loaded the way Proxmox loads it, once.
import { parseFwSyntax } from '../syntax';
import type { FileKind } from './file-kind';
import type { FwConfig } from './fw-config';
import { loadFwConfig, type LoadContext, type LoadResult } from './load-config';
import { PROXMOX_TEST_TOPOLOGY } from './proxmox-test-topology';
import { ipv4Network, type Topology, type TopologyGuest, type TopologyNic } from './topology';

/** A firewall file's text and the path it is reported under. */
export interface ModelSource {
  readonly path: string;
  readonly text: string;
}

/** A file of the cluster, loaded against the cluster file (cluster.fw on its own). */
export interface ClusterFile extends ModelSource {
  readonly kind: FileKind;
  readonly load: LoadResult;
}

/** Which of Proxmox's two firewalls builds a node's ruleset (`nftables: 1` in its host.fw). */
export type FirewallBackend = 'pve-firewall' | 'proxmox-firewall';

export interface ClusterNode {
  readonly name: string;
  readonly host?: ClusterFile;
  readonly backend: FirewallBackend;
  /** Where `backend` comes from: the node's host.fw, or the default for unknown nodes. */
  readonly backendFrom: 'host.fw' | 'default';
  /** The node's local network (feeds the management ipset), when known. */
  readonly localNetwork?: string;
}

export interface ClusterGuest {
  readonly vmid: number;
  readonly kind: 'vm' | 'ct';
  /** Undefined for a guest file the topology has no guest for: Proxmox compiles it nowhere. */
  readonly node: string | undefined;
  readonly nics: readonly TopologyNic[];
  readonly file?: ClusterFile;
}

export interface ClusterVnet {
  readonly name: string;
  readonly file: ClusterFile;
}

/**
 * Where the nodes, guests and NICs come from: a topology.json (`pvefw pull` writes one), the
 * files alone (assumed: see assumedTopology), or the fixed world of Proxmox's own firewall tests.
 */
export type TopologySource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'assumed' }
  | { readonly kind: 'proxmox-tests' };

export interface ClusterModel {
  readonly cluster?: ClusterFile;
  /** The local node first, then the others by name. */
  readonly nodes: readonly ClusterNode[];
  readonly guests: readonly ClusterGuest[];
  readonly vnets: readonly ClusterVnet[];
  readonly localNode: string;
  /** The world as a whole: real, or assumed (then every guest has the NICs listed here). */
  readonly topology: Topology;
  readonly topologySource: TopologySource;
  /** Names of the SDN-generated ipsets, when the SDN set-up is known (a pull records them). */
  readonly sdnIpSets?: readonly string[];
}

/** The files of one cluster and what is known around them (see cluster-layout.ts). */
export interface ClusterSources {
  readonly cluster?: ModelSource;
  /** `node` undefined: a host.fw beside cluster.fw, the local node's. */
  readonly hosts?: readonly { readonly node: string | undefined; readonly file: ModelSource }[];
  readonly guests?: readonly { readonly vmid: number; readonly file: ModelSource }[];
  readonly vnets?: readonly { readonly name: string; readonly file: ModelSource }[];
  /** A topology.json that was found (or named), already read. */
  readonly topology?: { readonly path: string; readonly topology: Topology };
  /** Without a topology.json: assume from the files (default), or Proxmox's test world. */
  readonly world?: 'assumed' | 'proxmox-tests';
  readonly sdnIpSets?: readonly string[];
  /**
   * The backend of a node whose host.fw is not among the files (`--backend`, the editor's
   * setting); pve-firewall when not given. A node with a host.fw takes `nftables:` from it.
   */
  readonly defaultBackend?: FirewallBackend;
}

/**
 * Loads one file as Proxmox does. The language server passes its own, which serves each file's
 * load from its per-revision cache; everybody else uses loadSource.
 */
export type FileLoader = (source: ModelSource, kind: FileKind, context: LoadContext) => LoadResult;

export const loadSource: FileLoader = (source, kind, context) =>
  loadFwConfig(parseFwSyntax(source.text, kind), kind, context);

const ASSUMED_NODE = 'localhost';

/** The NIC numbers a guest's rules and ipsets name (`-i net1`, `[IPSET ipfilter-net1]`). */
function namedNics(config: FwConfig, cluster: FwConfig | undefined): Set<number> {
  const found = new Set<number>();
  const note = (text: string | undefined): void => {
    const m = /^(?:ipfilter-)?net([0-9]+)$/.exec(text ?? '');
    if (m) found.add(Number(m[1]));
  };
  for (const def of config.rules) note(def.line.rule.options.iface?.value.text);
  for (const name of config.ipsets.keys()) note(name);
  // Rules of the cluster's groups may name a NIC too; a NIC too many only adds a chain.
  for (const group of cluster?.groups.values() ?? [])
    for (const def of group.rules) note(def.line.rule.options.iface?.value.text);
  return found;
}

/**
 * A guest's NICs when no topology says: every NIC its rules name, and one they do not name —
 * a real guest may have NICs no rule mentions, and a rule must never be called dead because an
 * assumed guest lacks them. All firewalled (`firewall=1`), so that the rules are analysed.
 */
export function assumedNics(config: FwConfig, cluster: FwConfig | undefined): TopologyNic[] {
  const named = namedNics(config, cluster);
  let other = 0;
  while (named.has(other)) other++;
  return [...named, other]
    .sort((a, b) => a - b)
    .map((n) => ({ name: `net${n}`, bridge: 'vmbr0', firewall: true }));
}

function backendOf(host: ClusterFile | undefined, fallback: FirewallBackend): FirewallBackend {
  if (!host) return fallback;
  return host.load.config.options.get('nftables')?.value === '1'
    ? 'proxmox-firewall'
    : 'pve-firewall';
}

/** The backend named as the CLI and the settings spell it. */
export function parseBackendName(text: string): FirewallBackend | undefined {
  if (text === 'iptables' || text === 'pve-firewall') return 'pve-firewall';
  if (text === 'nftables' || text === 'proxmox-firewall') return 'proxmox-firewall';
  return undefined;
}

/** The network of the node's own address among its interface addresses, as pve-firewall finds it. */
function localNetworkOf(topology: Topology, node: string): string | undefined {
  if (node === topology.localNode && topology.localNetwork) return topology.localNetwork;
  const known = topology.nodes.find((n) => n.name === node);
  const own = known?.addresses?.find((a) => a.split('/')[0] === known.address);
  return own ? ipv4Network(own) : undefined;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds the model of one cluster. Without a topology.json the world is assumed from the files
 * (the local node is the first node with a host.fw, else `localhost`; every guest runs there
 * with assumedNics), or is Proxmox's test world when `world` says so.
 */
export function buildClusterModel(
  sources: ClusterSources,
  loader: FileLoader = loadSource,
): ClusterModel {
  const sdn = sources.sdnIpSets ? { sdnIpSets: new Set(sources.sdnIpSets) } : {};
  const file = (source: ModelSource, kind: FileKind, context: LoadContext): ClusterFile => ({
    path: source.path,
    text: source.text,
    kind,
    load: loader(source, kind, context),
  });
  const cluster = sources.cluster && file(sources.cluster, 'cluster', sdn);
  const context: LoadContext = { ...sdn, ...(cluster ? { cluster: cluster.load.config } : {}) };

  const given = sources.topology?.topology;
  const world = given ?? (sources.world === 'proxmox-tests' ? PROXMOX_TEST_TOPOLOGY : undefined);
  const topologySource: TopologySource = sources.topology
    ? { kind: 'file', path: sources.topology.path }
    : world
      ? { kind: 'proxmox-tests' }
      : { kind: 'assumed' };
  const hostNodes = (sources.hosts ?? [])
    .map((h) => h.node)
    .filter((n): n is string => n !== undefined)
    .sort(compareNames);
  const localNode = world?.localNode ?? hostNodes[0] ?? ASSUMED_NODE;

  const hosts = new Map<string, ClusterFile>();
  for (const h of sources.hosts ?? [])
    hosts.set(h.node ?? localNode, file(h.file, 'host', context));

  const guestKind = (vmid: number): 'vm' | 'ct' =>
    world?.guests.find((g) => g.vmid === vmid)?.kind ?? 'vm';
  const files = new Map<number, ClusterFile>();
  for (const g of sources.guests ?? [])
    files.set(g.vmid, file(g.file, 'guest', { ...context, guestEnv: guestKind(g.vmid) }));

  let topology: Topology;
  const guests: ClusterGuest[] = [];
  if (world) {
    topology = world;
    const placed = new Set<number>();
    for (const g of world.guests) {
      placed.add(g.vmid);
      const own = files.get(g.vmid);
      guests.push({ ...g, ...(own ? { file: own } : {}) });
    }
    for (const [vmid, own] of files)
      if (!placed.has(vmid))
        guests.push({ vmid, kind: 'vm', node: undefined, nics: [], file: own });
  } else {
    const assumed: TopologyGuest[] = [...files].map(([vmid, own]) => ({
      vmid,
      kind: 'vm',
      node: localNode,
      nics: assumedNics(own.load.config, cluster?.load.config),
    }));
    topology = {
      localNode,
      nodes: [...new Set([localNode, ...hostNodes])].map((name) => ({ name })),
      guests: assumed,
    };
    for (const g of assumed) guests.push({ ...g, file: files.get(g.vmid)! });
  }
  guests.sort((a, b) => a.vmid - b.vmid);

  const names = new Set<string>([localNode, ...hosts.keys()]);
  for (const n of topology.nodes) names.add(n.name);
  for (const g of guests) if (g.node !== undefined) names.add(g.node);
  const others = [...names].filter((n) => n !== localNode).sort(compareNames);
  const nodes: ClusterNode[] = [localNode, ...others].map((name) => {
    const host = hosts.get(name);
    const localNetwork = localNetworkOf(topology, name);
    return {
      name,
      backend: backendOf(host, sources.defaultBackend ?? 'pve-firewall'),
      backendFrom: host ? 'host.fw' : 'default',
      ...(host ? { host } : {}),
      ...(localNetwork ? { localNetwork } : {}),
    };
  });

  const vnets = (sources.vnets ?? []).map((v) => ({
    name: v.name,
    file: file(v.file, 'vnet', context),
  }));
  return {
    ...(cluster ? { cluster } : {}),
    nodes,
    guests,
    vnets,
    localNode,
    topology,
    topologySource,
    ...(sources.sdnIpSets ? { sdnIpSets: sources.sdnIpSets } : {}),
  };
}

/** The nodes that read a file of the model, as each backend loads files. */
export function nodesReading(model: ClusterModel, file: ClusterFile): ClusterNode[] {
  switch (file.kind) {
    case 'cluster':
    case 'vnet':
      return [...model.nodes];
    case 'host':
      return model.nodes.filter((n) => n.host === file);
    case 'guest': {
      const guest = model.guests.find((g) => g.file === file);
      return model.nodes.filter((n) => guest?.node !== undefined && n.name === guest.node);
    }
  }
}

/** Every file of the model, cluster first. */
export function modelFiles(model: ClusterModel): ClusterFile[] {
  const out: ClusterFile[] = [];
  if (model.cluster) out.push(model.cluster);
  for (const node of model.nodes) if (node.host) out.push(node.host);
  for (const guest of model.guests) if (guest.file) out.push(guest.file);
  for (const vnet of model.vnets) out.push(vnet.file);
  return out;
}
