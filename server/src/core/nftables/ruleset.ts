// What proxmox-firewall 1.2.3 builds on one node of the model: every file it reads loaded with
// its parser (one that fails keeps the node's previous ruleset), the commands of the update
// (commands.ts), and the two tables they leave on top of proxmox-firewall.nft: the node's
// `inet proxmox-firewall` and the guests' and VNets' `bridge proxmox-firewall-guests`.
import type { ClusterModel, ClusterNode } from '../model';
import { isSdnSetName } from '../model';
import {
  updateCommands,
  UpdateError,
  type BridgeInput,
  type FirewallInput,
  type GuestInput,
  type GuestNic,
  type SetEntry,
} from './commands';
import { fixedTables } from './fixed-tables';
import {
  applyCommands,
  type NftCommand,
  type NftRule,
  type NftRuleOrigin,
  type NodeTables,
} from './nft-model';
import { loadRustConfig, type RustConfig } from './rust-config';
import { utf8Length } from './rust-network';
import { tryCidr, type RustCidr } from './rust-text';

export type {
  NftMatch,
  NftRule,
  NftRuleOrigin,
  NftStatement,
  NftTable,
  NodeTables,
  Range,
} from './nft-model';

/** What a node runs: its tables, or why there are none. */
export type NodeRuleset =
  | {
      readonly state: 'active';
      /** The tables the update leaves; a table it deletes is absent. */
      readonly tables: NodeTables;
      /** The chains of `inet proxmox-firewall` (empty when host.fw has enable: 0). */
      readonly chains: ReadonlyMap<string, readonly NftRule[]>;
      readonly commands: readonly NftCommand[];
    }
  | { readonly state: 'off'; readonly why: string }
  /** A file failed to load, or the update failed: the node keeps whatever it had. */
  | {
      readonly state: 'stale';
      /** load: a file fails to parse; update: generating or applying the commands fails. */
      readonly cause: 'load' | 'update';
      readonly why: string;
      /** The error as proxmox-firewall (or nft) words it. */
      readonly message: string;
      readonly path?: string;
      readonly lineNumber?: number;
    };

export interface NodeSkip {
  readonly origin: NftRuleOrigin;
  readonly message: string;
}

export interface NodeBuild {
  readonly ruleset: NodeRuleset;
  readonly skipped: readonly NodeSkip[];
  /** What pvefw assumed where it does not know what the node reads. */
  readonly notes: readonly string[];
}

export interface NodeBuildOptions {
  /** Sets of the SDN running config and of the IPAM, with their members, when known. */
  readonly sdnSets?: ReadonlyMap<string, readonly SetEntry[]>;
  readonly ipamSets?: ReadonlyMap<string, readonly SetEntry[]>;
  /** Chains the node's tables already hold (`nft list chains`); none after a boot. */
  readonly existingChains?: FirewallInput['existingChains'];
}

const STALE_TAIL =
  "proxmox-firewall keeps the node's previous ruleset, or none after a reboot (every packet passes)";

function stale(path: string, error: { lineNumber?: number; message: string }): NodeRuleset {
  return {
    state: 'stale',
    cause: 'load',
    message: error.message,
    path,
    ...(error.lineNumber !== undefined ? { lineNumber: error.lineNumber } : {}),
    why: `${path}${error.lineNumber !== undefined ? `:${error.lineNumber}` : ''} fails to load (${error.message}): ${STALE_TAIL}`,
  };
}

function emptyConfig(kind: 'cluster' | 'host'): RustConfig {
  const loaded = loadRustConfig('', kind);
  if (!loaded.ok) throw new Error('an empty file loads');
  return loaded.config;
}

function nicsOf(guest: ClusterModel['guests'][number]): GuestNic[] {
  const cidr = (text: string | undefined, family: 4 | 6): RustCidr | undefined => {
    if (text === undefined || guest.kind !== 'ct') return undefined;
    const c = tryCidr(text);
    return typeof c !== 'string' && c.family === family ? c : undefined;
  };
  return guest.nics.flatMap((n) => {
    const index = /^net([0-9]+)$/.exec(n.name);
    if (!index) return [];
    const ip = cidr(n.ip, 4);
    const ip6 = cidr(n.ip6, 6);
    return [
      {
        index: Number(index[1]),
        firewall: n.firewall,
        ...(n.mac !== undefined ? { mac: n.mac.toUpperCase() } : {}),
        ...(ip ? { ip } : {}),
        ...(ip6 ? { ip6 } : {}),
      },
    ];
  });
}

/** The SDN sets the files name (`+sdn/NAME`), for a node whose SDN set-up pvefw does not know. */
function namedSdnSets(configs: readonly RustConfig[]): Set<string> {
  const names = new Set<string>();
  const note = (rule: RustConfig['rules'][number]['value']): void => {
    if (rule.body.kind !== 'match') return;
    for (const m of [rule.body.ip?.src, rule.body.ip?.dst])
      if (m?.kind === 'set' && m.set.kind === 'scoped' && m.set.scope === 'sdn')
        names.add(m.set.name);
  };
  for (const c of configs) {
    for (const r of c.rules) note(r.value);
    for (const g of c.groups.values()) for (const r of g.rules) note(r.value);
  }
  return names;
}

/** Builds without options, per model and node: the checks, the hover and the impact ask alike. */
const BUILT = new WeakMap<ClusterModel, WeakMap<ClusterNode, NodeBuild>>();

/** proxmox-firewall's tables on `node` of the model. */
export function buildNodeRuleset(
  model: ClusterModel,
  node: ClusterNode,
  options: NodeBuildOptions = {},
): NodeBuild {
  if (Object.keys(options).length > 0) return buildUncached(model, node, options);
  let perNode = BUILT.get(model);
  if (!perNode) BUILT.set(model, (perNode = new WeakMap()));
  let built = perNode.get(node);
  if (!built) perNode.set(node, (built = buildUncached(model, node, {})));
  return built;
}

function buildUncached(
  model: ClusterModel,
  node: ClusterNode,
  options: NodeBuildOptions,
): NodeBuild {
  const notes: string[] = [];
  const done = (ruleset: NodeRuleset, skipped: readonly NodeSkip[] = []): NodeBuild => ({
    ruleset,
    skipped,
    notes,
  });
  const clusterPath = model.cluster?.path ?? 'cluster.fw';
  const clusterLoad = model.cluster ? loadRustConfig(model.cluster.text, 'cluster') : undefined;
  if (clusterLoad && !clusterLoad.ok) return done(stale(clusterPath, clusterLoad.error));
  const hostLoad = node.host ? loadRustConfig(node.host.text, 'host') : undefined;
  if (hostLoad && !hostLoad.ok) return done(stale(node.host!.path, hostLoad.error));
  const guests: GuestInput[] = [];
  for (const g of model.guests) {
    if (g.node !== node.name || !g.file) continue;
    const loaded = loadRustConfig(g.file.text, 'guest');
    if (!loaded.ok) return done(stale(g.file.path, loaded.error));
    guests.push({
      vmid: g.vmid,
      kind: g.kind,
      path: g.file.path,
      config: loaded.config,
      nics: nicsOf(g),
    });
  }
  const bridges: BridgeInput[] = [];
  for (const v of model.vnets) {
    // BridgeName::new: an interface name is at most 15 bytes.
    if (utf8Length(v.name) > 15) return done(stale(v.file.path, { message: 'name is too long' }));
    const loaded = loadRustConfig(v.file.text, 'vnet');
    if (!loaded.ok) return done(stale(v.file.path, loaded.error));
    bridges.push({ name: v.name, path: v.file.path, config: loaded.config });
  }
  const cluster = clusterLoad?.ok ? clusterLoad.config : emptyConfig('cluster');
  const host = hostLoad?.ok ? hostLoad.config : undefined;
  if (cluster.options.bools.get('enable') !== true)
    return done({
      state: 'off',
      why: 'the firewall is off (cluster.fw without enable: 1): proxmox-firewall removes its tables',
    });
  if (host?.options.bools.get('nftables') !== true && node.backendFrom === 'host.fw')
    return done({ state: 'off', why: "nftables is not on in this node's host.fw" });

  let { sdnSets, ipamSets } = options;
  if (!sdnSets) {
    // Members unknown: the sets the files name, or the ones a pull recorded, taken as empty.
    const names = model.sdnIpSets
      ? new Set(model.sdnIpSets)
      : new Set(
          [
            ...namedSdnSets([
              cluster,
              ...(host ? [host] : []),
              ...guests.map((g) => g.config),
              ...bridges.map((b) => b.config),
            ]),
          ].filter(isSdnSetName),
        );
    if (names.size > 0)
      notes.push(
        `note: the members of the SDN sets (${[...names].map((n) => `+sdn/${n}`).join(', ')}) are not known here: taken as empty`,
      );
    sdnSets = new Map([...names].filter((n) => !n.startsWith('guest-ipam-')).map((n) => [n, []]));
    ipamSets = new Map([...names].filter((n) => n.startsWith('guest-ipam-')).map((n) => [n, []]));
  }
  const localNetwork = node.localNetwork !== undefined ? tryCidr(node.localNetwork) : undefined;
  const input: FirewallInput = {
    cluster,
    clusterPath,
    host: host ?? emptyConfig('host'),
    ...(node.host ? { hostPath: node.host.path } : {}),
    guests,
    bridges,
    sdnSets,
    ...(ipamSets ? { ipamSets } : {}),
    managementIps:
      localNetwork !== undefined && typeof localNetwork !== 'string' ? [localNetwork] : [],
    ...(options.existingChains ? { existingChains: options.existingChains } : {}),
  };
  let update;
  try {
    update = updateCommands(input);
  } catch (error) {
    if (!(error instanceof UpdateError)) throw error;
    const origin = error.origin;
    return done({
      state: 'stale',
      cause: 'update',
      message: error.message,
      ...(origin ? { path: origin.path, lineNumber: origin.lineNumber } : {}),
      why: `${origin ? `${origin.path}:${origin.lineNumber}: ` : ''}the update fails (error updating firewall rules: ${error.message}): ${STALE_TAIL}`,
    });
  }
  const skipped = update.skipped.flatMap((s) =>
    s.origin ? [{ origin: s.origin, message: s.message }] : [],
  );
  const applied = applyCommands(fixedTables(), update.commands);
  if (applied.error) {
    const refused = update.commands[applied.error.index];
    const origin = refused?.kind === 'rule' ? refused.rule.origin : undefined;
    const where = origin ? `${origin.path}:${origin.lineNumber}: ` : '';
    return done(
      {
        state: 'stale',
        cause: 'update',
        message: applied.error.message,
        ...(origin ? { path: origin.path, lineNumber: origin.lineNumber } : {}),
        why: `${where}nft refuses the update (${applied.error.message}): ${STALE_TAIL}`,
      },
      skipped,
    );
  }
  return done(
    {
      state: 'active',
      tables: applied.tables,
      chains: applied.tables.inet?.chains ?? new Map(),
      commands: update.commands,
    },
    skipped,
  );
}
