// The commands of one proxmox-firewall 1.2.3 update on a node, in the order it sends them
// (src/firewall.rs, `Firewall::full_host_fw`): the reset of the generated chains and maps, the
// SDN and IPAM sets, then (when host.fw is enabled) the node's part of `inet proxmox-firewall`
// (management and cluster sets, group chains, cluster and host rules, conntrack helpers, host
// options), then (when a local guest or a VNet has its firewall on) the guests' part of
// `bridge proxmox-firewall-guests` (the same sets and groups again, each guest's chains, sets,
// ipfilter, options and rules) and the VNets' chains in both tables.
import type { Family, RustCidr } from './rust-text';
import { cidrBounds } from './rust-text';
import type { RustConfig, RustIpset, RustLocated } from './rust-config';
import type {
  Direction,
  IpsetEntry,
  RuleAliasName,
  RuleIpsetName,
  RustVerdict,
} from './rust-types';
import {
  logStatement,
  nftSetName,
  rulesOf,
  verdictStatement,
  type FoundSet,
  type RuleEnv,
  type RuleLookups,
  type SkippedRule,
} from './rule-gen';
import type {
  LogLimit,
  NftCommand,
  NftRuleOrigin,
  NftMatch,
  NftRule,
  NftStatement,
  Range,
  TableId,
} from './nft-model';

/** A NIC of a local guest as proxmox-firewall reads it from the guest's config (`netN:`). */
export interface GuestNic {
  readonly index: number;
  /** Upper-case `AA:BB:…`; undefined when pvefw does not know it. */
  readonly mac?: string;
  readonly firewall: boolean;
  /** LXC `ip=` / `ip6=` addresses. */
  readonly ip?: RustCidr;
  readonly ip6?: RustCidr;
}

/** A local guest with a firewall file. */
export interface GuestInput {
  readonly vmid: number;
  readonly kind: 'vm' | 'ct';
  readonly path: string;
  readonly config: RustConfig;
  readonly nics: readonly GuestNic[];
}

/** A VNet (bridge) with a firewall file, `sdn/firewall/<name>.fw`. */
export interface BridgeInput {
  readonly name: string;
  readonly path: string;
  readonly config: RustConfig;
}

/** An entry of a generated set (SDN, IPAM): a range of addresses, or the range not matched. */
export interface SetEntry {
  readonly family: Family;
  readonly range: Range;
  readonly nomatch: boolean;
}

/** Everything one update reads (FirewallConfig), already loaded. */
export interface FirewallInput {
  readonly cluster: RustConfig;
  readonly clusterPath?: string;
  readonly host: RustConfig;
  readonly hostPath?: string;
  /** The local guests whose firewall file exists, any order. */
  readonly guests: readonly GuestInput[];
  readonly bridges: readonly BridgeInput[];
  /** The SDN running config's sets (`public-all`, …) by name; undefined: no running config. */
  readonly sdnSets?: ReadonlyMap<string, readonly SetEntry[]>;
  /** The IPAM's sets (`guest-ipam-101`) by name; undefined: no IPAM state. */
  readonly ipamSets?: ReadonlyMap<string, readonly SetEntry[]>;
  /** The node's networks that hold its addresses (HostConfig::management_ips). */
  readonly managementIps: readonly RustCidr[];
  /** Chains the tables hold before the update (`nft list chains`); empty after a boot. */
  readonly existingChains?: readonly { readonly table: TableId; readonly name: string }[];
}

/** An error that aborts the whole update (`error updating firewall rules: …`), and its line. */
export class UpdateError extends Error {
  constructor(
    message: string,
    readonly origin?: NftRuleOrigin,
  ) {
    super(message);
  }
}

export interface UpdateCommands {
  readonly commands: readonly NftCommand[];
  readonly skipped: readonly SkippedRule[];
}

const DIRECTIONS: readonly Direction[] = ['in', 'out', 'forward'];

/** Rust's byte order of names (BTreeMap keys). */
function byName<T>(entries: Iterable<[string, T]>): [string, T][] {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function ifaceName(guest: GuestInput, index: number): string {
  return `${guest.kind === 'vm' ? 'tap' : 'veth'}${guest.vmid}i${index}`;
}

/** NetworkConfig::index_from_net_key: net0 … net30. */
function netKeyIndex(key: string): number | undefined {
  if (!key.startsWith('net')) return undefined;
  const digits = key.slice(3);
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const n = Number(digits);
  return n < 31 ? n : undefined;
}

/** Ipset::ipfilter: a guest set named `ipfilter-net<N>`. */
function isIpfilterName(name: string): boolean {
  return name.startsWith('ipfilter-') && netKeyIndex(name.slice('ipfilter-'.length)) !== undefined;
}

/** MacAddress::eui64_link_local_address. */
export function linkLocalOf(mac: string): RustCidr | undefined {
  const bytes = mac.split(':').map((b) => parseInt(b, 16));
  if (bytes.length !== 6 || bytes.some((b) => Number.isNaN(b))) return undefined;
  // The universal/local bit of the first byte flipped, ff:fe between the halves.
  const flipped = bytes.map((b, i) => (i === 0 ? b ^ 2 : b));
  const eui = [...flipped.slice(0, 3), 0xff, 0xfe, ...flipped.slice(3)];
  let value = 0xfe80n << 112n;
  for (const [i, b] of eui.entries()) value |= BigInt(b) << BigInt(56 - 8 * i);
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return { family: 6, address: value, mask: 128, text: `${groups.join(':')}/128` };
}

class Builder {
  readonly commands: NftCommand[] = [];
  readonly skipped: SkippedRule[] = [];
  private readonly guests: ReadonlyMap<number, GuestInput>;
  private readonly logLimit: LogLimit | undefined;
  readonly lookups: RuleLookups;

  constructor(private readonly input: FirewallInput) {
    this.guests = new Map(input.guests.map((g) => [g.vmid, g]));
    const limit = input.cluster.options.logRatelimit;
    // Cluster::log_ratelimit: the default (1/second, burst 5) unless disabled.
    const effective = limit ?? { enabled: true, rate: 1, per: 'second', burst: 5 };
    this.logLimit = effective.enabled
      ? { rate: effective.rate, per: effective.per, burst: effective.burst }
      : undefined;
    this.lookups = {
      ipset: (name, vmid) => this.ipset(name, vmid),
      alias: (name, vmid) => this.alias(name, vmid),
      guestIface: (vmid, key) => {
        const guest = this.guests.get(vmid);
        const index = netKeyIndex(key);
        return guest && index !== undefined ? ifaceName(guest, index) : undefined;
      },
    };
  }

  /** FirewallConfig::ipset. */
  private ipset(name: RuleIpsetName, vmid: number | undefined): FoundSet | undefined {
    const guestSet = (n: string): FoundSet | undefined =>
      vmid !== undefined && this.guests.get(vmid)?.config.ipsets.has(n)
        ? { scope: 'guest', name: n }
        : undefined;
    const clusterSet = (n: string): FoundSet | undefined =>
      this.input.cluster.ipsets.has(n) ? { scope: 'dc', name: n } : undefined;
    if (name.kind === 'legacy') return guestSet(name.name) ?? clusterSet(name.name);
    if (name.scope === 'dc') return clusterSet(name.name);
    if (name.scope === 'guest') return guestSet(name.name);
    // `self.sdn()?`: without an SDN running config, IPAM sets are not looked up either.
    if (!this.input.sdnSets) return undefined;
    return this.input.sdnSets.has(name.name) || this.input.ipamSets?.has(name.name)
      ? { scope: 'sdn', name: name.name }
      : undefined;
  }

  /** FirewallConfig::alias. */
  alias(name: RuleAliasName, vmid: number | undefined): RustCidr | undefined {
    const guestAlias = (n: string): RustCidr | undefined =>
      vmid !== undefined ? this.guests.get(vmid)?.config.aliases.get(n)?.value.address : undefined;
    const clusterAlias = (n: string): RustCidr | undefined =>
      this.input.cluster.aliases.get(n)?.value.address;
    if (name.kind === 'legacy') return guestAlias(name.name) ?? clusterAlias(name.name);
    return name.scope === 'dc' ? clusterAlias(name.name) : guestAlias(name.name);
  }

  private push(c: NftCommand): void {
    this.commands.push(c);
  }

  private addRule(table: TableId, chain: string, rule: NftRule): void {
    this.push({ op: 'add', kind: 'rule', table, chain, rule });
  }

  private chain(op: 'add' | 'flush' | 'delete', table: TableId, name: string): void {
    this.push({ op, kind: 'chain', table, name });
  }

  /** Firewall::reset_firewall. */
  reset(): void {
    const chain = (op: 'add' | 'flush', table: TableId, name: string): NftCommand => ({
      op,
      kind: 'chain',
      table,
      name,
    });
    const map = (table: TableId, name: string): NftCommand => ({
      op: 'flush',
      kind: 'map',
      table,
      name,
    });
    this.commands.push(
      chain('flush', 'inet', 'cluster-in'),
      chain('flush', 'inet', 'cluster-out'),
      chain('flush', 'inet', 'cluster-forward'),
      chain('add', 'inet', 'host-in'),
      chain('flush', 'inet', 'host-in'),
      chain('flush', 'inet', 'option-in'),
      chain('add', 'inet', 'host-out'),
      chain('flush', 'inet', 'host-out'),
      chain('flush', 'inet', 'option-out'),
      chain('flush', 'inet', 'host-forward'),
      chain('flush', 'bridge', 'invalid-conntrack'),
      chain('flush', 'inet', 'invalid-conntrack'),
      map('bridge', 'vm-map-in'),
      map('bridge', 'vm-map-out'),
      map('bridge', 'bridge-map'),
      map('inet', 'bridge-map'),
      chain('flush', 'inet', 'ct-in'),
      chain('flush', 'inet', 'ratelimit-synflood'),
      chain('flush', 'inet', 'log-invalid-tcp'),
      chain('flush', 'inet', 'log-smurfs'),
    );
    // FirewallConfig::nft_chains is keyed by the chain's name alone: of two tables' chains with
    // one name, the one listed last is kept. Guest and bridge chains go before group chains.
    const byNameOnly = new Map<string, TableId>();
    for (const c of this.input.existingChains ?? []) byNameOnly.set(c.name, c.table);
    const existing = byName(byNameOnly);
    for (const prefix of ['guest-', 'bridge-', 'group-'])
      for (const [name, table] of existing)
        if (name.startsWith(prefix)) this.chain('delete', table, name);
  }

  /** Ipset::to_nft_objects: per family the set and its nomatch set, then their elements. */
  private sets(
    table: TableId,
    found: FoundSet,
    vmid: number | undefined,
    entries: readonly { nomatch: boolean; family: Family; range: Range }[],
  ): void {
    for (const family of [4, 6] as const) {
      const name = nftSetName(family, found, vmid, false);
      const nomatchName = nftSetName(family, found, vmid, true);
      const own = entries.filter((e) => e.family === family);
      this.push({ op: 'add', kind: 'set', table, name, family });
      this.push({ op: 'flush', kind: 'set', table, name });
      this.push({ op: 'add', kind: 'set', table, name: nomatchName, family });
      this.push({ op: 'flush', kind: 'set', table, name: nomatchName });
      const matching = own.filter((e) => !e.nomatch).map((e) => e.range);
      const nomatch = own.filter((e) => e.nomatch).map((e) => e.range);
      if (matching.length > 0)
        this.push({ op: 'add', kind: 'element', table, name, elements: matching });
      if (nomatch.length > 0)
        this.push({ op: 'add', kind: 'element', table, name: nomatchName, elements: nomatch });
    }
  }

  /** The entries of a .fw ipset; an alias that does not resolve aborts the update. */
  private fwEntries(
    entries: readonly RustLocated<IpsetEntry>[],
    vmid: number | undefined,
    path: string | undefined,
  ) {
    return entries.map(({ value: e, lineNumber }) => {
      let cidr: RustCidr | undefined;
      if (e.address.kind === 'cidr') cidr = e.address.cidr;
      else {
        cidr = this.alias(e.address.alias, vmid);
        if (!cidr) {
          const a = e.address.alias;
          throw new UpdateError(
            `could not find alias ${a.kind === 'scoped' ? `${a.scope}/${a.name}` : a.name} in environment`,
            path !== undefined ? { path, lineNumber } : undefined,
          );
        }
      }
      return { nomatch: e.nomatch, family: cidr.family, range: cidrBounds(cidr) };
    });
  }

  /** Firewall::create_ipsets for sets of a .fw file (cluster or guest), without ipfilters. */
  private fwSets(table: TableId, sets: ReadonlyMap<string, RustIpset>, guest?: GuestInput): void {
    for (const [name, set] of byName(sets)) {
      if ((set.scope === 'guest' && isIpfilterName(name)) || name === 'management') continue;
      this.sets(
        table,
        { scope: set.scope, name },
        guest?.vmid,
        this.fwEntries(set.entries, guest?.vmid, guest ? guest.path : this.input.clusterPath),
      );
    }
  }

  /** Firewall::create_ipsets for generated (SDN, IPAM) sets. */
  private generatedSets(table: TableId, sets: ReadonlyMap<string, readonly SetEntry[]>): void {
    for (const [name, entries] of byName(sets))
      if (name !== 'management') this.sets(table, { scope: 'sdn', name }, undefined, entries);
  }

  /** create_management_ipset: the cluster's management set, then local_network or the node's networks. */
  private management(table: TableId): void {
    const own = this.input.cluster.ipsets.get('management');
    const entries = own ? this.fwEntries(own.entries, undefined, this.input.clusterPath) : [];
    const local = this.input.cluster.aliases.get('local_network')?.value.address;
    for (const cidr of local ? [local] : this.input.managementIps)
      entries.push({ nomatch: false, family: cidr.family, range: cidrBounds(cidr) });
    this.sets(table, { scope: 'dc', name: 'management' }, undefined, entries);
  }

  private env(table: TableId, chain: string, direction: Direction, vmid?: number): RuleEnv {
    return {
      table,
      chain,
      direction,
      ...(vmid !== undefined ? { vmid } : {}),
      lookups: this.lookups,
      ...(this.logLimit ? { logLimit: this.logLimit } : {}),
    };
  }

  /** The rules of a .fw file's rule list in one chain, each with its line. */
  private fileRules(
    table: TableId,
    chain: string,
    rules: RustConfig['rules'],
    env: RuleEnv,
    path: string | undefined,
  ): void {
    for (const r of rules) {
      const origin = path !== undefined ? { origin: { path, lineNumber: r.lineNumber } } : {};
      for (const nft of rulesOf(r.value, { ...env, ...origin }, this.skipped))
        this.addRule(table, chain, nft);
    }
  }

  /** create_log_rule: a log rule for the chain's policy when its log level is not nolog. */
  private logRule(
    table: TableId,
    chain: string,
    level: string | undefined,
    verdict: RustVerdict,
    vmid?: number,
  ): void {
    if (level === undefined || level === 'nolog') return;
    const statement = logStatement(
      level as Parameters<typeof logStatement>[0],
      chain,
      verdict,
      vmid,
      this.logLimit,
    );
    this.addRule(table, chain, { matches: [], statement });
  }

  private groups(table: TableId): void {
    for (const [name, group] of byName(this.input.cluster.groups))
      for (const direction of DIRECTIONS) {
        const chain = `group-${name}-${direction}`;
        this.chain('add', table, chain);
        this.chain('flush', table, chain);
        this.fileRules(
          table,
          chain,
          group.rules,
          this.env(table, chain, direction),
          this.input.clusterPath,
        );
      }
  }

  private clusterRules(direction: Direction): void {
    const chain = `cluster-${direction}`;
    const env = this.env('inet', chain, direction);
    this.fileRules('inet', chain, this.input.cluster.rules, env, this.input.clusterPath);
    const policy =
      this.input.cluster.options.policies.get(`policy_${direction}`) ??
      (direction === 'in' ? 'DROP' : 'ACCEPT');
    // The policy's log rule follows the node's log_level_<direction> (host.fw), not cluster.fw.
    this.logRule(
      'inet',
      chain,
      this.input.host.options.logLevels.get(`log_level_${direction}`),
      policy,
    );
    this.addRule('inet', chain, { matches: [], statement: verdictStatement(policy, env) });
  }

  /** setup_ct_helper: for each helper of nf_conntrack_helpers, its objects and ct-in rules. */
  private ctHelpers(): void {
    for (const name of this.input.host.options.conntrackHelpers ?? []) {
      const helper = CT_HELPERS.get(name);
      if (!helper) continue;
      const ports = (['tcp', 'udp'] as const).flatMap((p) => {
        const port = helper[p];
        return port === undefined ? [] : [{ p, port }];
      });
      const l3proto = helper.family === 4 ? 'ip' : helper.family === 6 ? 'ip6' : undefined;
      for (const { p } of ports)
        this.push({
          op: 'add',
          kind: 'ct-helper',
          table: 'inet',
          name: `helper-${name}-${p}`,
          type: name,
          protocol: p,
          ...(l3proto ? { l3proto } : {}),
        });
      for (const { p, port } of ports) {
        const proto: NftMatch[] = [
          { kind: 'l4proto', protos: [p] },
          { kind: 'port', field: 'dport', proto: 'th', ranges: [[port, port]] },
        ];
        this.addRule('inet', 'ct-in', {
          matches: [...proto, { kind: 'ct-state', states: ['new', 'established'] }],
          statement: { kind: 'accept' },
        });
        this.addRule('inet', 'ct-in', {
          matches: proto,
          statement: { kind: 'ct-helper-set', name: `helper-${name}-${p}` },
        });
      }
      this.addRule('inet', 'ct-in', {
        matches: [
          {
            kind: 'ct-helper',
            name,
            ...(helper.family !== undefined ? { family: helper.family } : {}),
          },
        ],
        statement: { kind: 'accept' },
      });
    }
  }

  /** handle_host_options. */
  private hostOptions(): void {
    const flag = (key: string, fallback: boolean): boolean =>
      this.input.host.options.bools.get(key) ?? fallback;
    const ndp = flag('ndp', true);
    const jumpTo = (chain: string, target: string): void =>
      this.addRule('inet', chain, { matches: [], statement: { kind: 'jump', target } });
    jumpTo('option-in', ndp ? 'allow-ndp-in' : 'block-ndp-in');
    jumpTo('option-out', ndp ? 'allow-ndp-out' : 'block-ndp-out');
    if (flag('protection_synflood', false)) {
      const rate = this.input.host.options.ints.get('protection_synflood_rate') ?? 200;
      const burst = this.input.host.options.ints.get('protection_synflood_burst') ?? 1000;
      jumpTo('option-in', 'block-synflood');
      for (const family of [4, 6] as const)
        this.addRule('inet', 'ratelimit-synflood', {
          matches: [],
          statement: { kind: 'synflood-limit', family, rate, burst },
        });
    }
    if (flag('tcpflags', false)) {
      jumpTo('option-in', 'block-invalid-tcp');
      this.logRule(
        'inet',
        'log-invalid-tcp',
        this.input.host.options.logLevels.get('tcp_flags_log_level'),
        'DROP',
      );
    }
    if (flag('nosmurfs', true)) {
      jumpTo('option-in', 'block-smurfs');
      this.logRule(
        'inet',
        'log-smurfs',
        this.input.host.options.logLevels.get('smurf_log_level'),
        'DROP',
      );
    }
    if (!flag('nf_conntrack_allow_invalid', false)) {
      this.addRule('bridge', 'invalid-conntrack', { matches: [], statement: { kind: 'drop' } });
      this.addRule('inet', 'invalid-conntrack', { matches: [], statement: { kind: 'drop' } });
    }
  }

  private hostRules(direction: Direction): void {
    const chain = `host-${direction}`;
    this.fileRules(
      'inet',
      chain,
      this.input.host.rules,
      this.env('inet', chain, direction),
      this.input.hostPath,
    );
  }

  /** Firewall::create_ipfilter_rules (Ipfilter::to_nft_rules). */
  private ipfilterRules(guest: GuestInput, index: number, set: FoundSet): void {
    if (guest.config.options.bools.get('ipfilter') !== true) return;
    const iface = ifaceName(guest, index);
    const setName = (family: Family, nomatch: boolean): string =>
      nftSetName(family, set, guest.vmid, nomatch);
    const chainIn = `guest-${guest.vmid}-in`;
    const chainOut = `guest-${guest.vmid}-out`;
    const drop: NftStatement = { kind: 'drop' };
    this.addRule('bridge', chainIn, {
      matches: [
        { kind: 'oifname', name: iface },
        { kind: 'arp-addr', field: 'daddr', ranges: [], negate: true, set: setName(4, false) },
      ],
      statement: drop,
    });
    for (const family of [4, 6] as const)
      for (const nomatch of [false, true])
        this.addRule('bridge', chainOut, {
          matches: [
            { kind: 'iifname', name: iface },
            {
              kind: 'addr',
              family,
              field: 'saddr',
              ranges: [],
              negate: !nomatch,
              set: setName(family, nomatch),
            },
          ],
          statement: drop,
        });
    this.addRule('bridge', chainOut, {
      matches: [
        { kind: 'iifname', name: iface },
        { kind: 'arp-addr', field: 'saddr', ranges: [], negate: true, set: setName(4, false) },
      ],
      statement: drop,
    });
  }

  /** create_ipsets of a guest: its sets, then per firewalled NIC its ipfilter set and rules. */
  private guestSets(guest: GuestInput): void {
    this.fwSets('bridge', guest.config.ipsets, guest);
    for (const nic of [...guest.nics].sort((a, b) => a.index - b.index)) {
      if (!nic.firewall) continue;
      const name = `ipfilter-net${nic.index}`;
      const own = guest.config.ipsets.get(name);
      const found: FoundSet = { scope: 'guest', name };
      if (own) {
        this.sets('bridge', found, guest.vmid, this.fwEntries(own.entries, guest.vmid, guest.path));
        this.ipfilterRules(guest, nic.index, found);
      } else if (guest.config.options.bools.get('ipfilter') === true) {
        const cidrs = [
          ...(nic.mac !== undefined ? [linkLocalOf(nic.mac)] : []),
          ...(nic.ip ? [{ ...nic.ip, mask: 32 }] : []),
          ...(nic.ip6 ? [{ ...nic.ip6, mask: 128 }] : []),
        ].filter((c): c is RustCidr => c !== undefined);
        this.sets(
          'bridge',
          found,
          guest.vmid,
          cidrs.map((c) => ({ nomatch: false, family: c.family, range: cidrBounds(c) })),
        );
        this.ipfilterRules(guest, nic.index, found);
      }
    }
  }

  /** handle_guest_options. */
  private guestOptions(guest: GuestInput): void {
    const flag = (key: string, fallback: boolean): boolean =>
      guest.config.options.bools.get(key) ?? fallback;
    const chainIn = `guest-${guest.vmid}-in`;
    const chainOut = `guest-${guest.vmid}-out`;
    const firewalled = [...guest.nics].sort((a, b) => a.index - b.index).filter((n) => n.firewall);
    if (flag('macfilter', true) && firewalled.length > 0) {
      const pairs = firewalled.map((n): [string, string] => [
        ifaceName(guest, n.index),
        n.mac ?? '',
      ]);
      for (const via of ['ether', 'arp'] as const)
        this.addRule('bridge', chainOut, {
          matches: [{ kind: 'mac-pairs', via, pairs }],
          statement: { kind: 'drop' },
        });
    }
    const jumpTo = (chain: string, target: string): void =>
      this.addRule('bridge', chain, { matches: [], statement: { kind: 'jump', target } });
    const dhcp = flag('dhcp', true);
    jumpTo(chainIn, dhcp ? 'allow-dhcp-in' : 'block-dhcp-in');
    jumpTo(chainOut, dhcp ? 'allow-dhcp-out' : 'block-dhcp-out');
    const ndp = flag('ndp', true);
    jumpTo(chainIn, ndp ? 'allow-ndp-in' : 'block-ndp-in');
    jumpTo(chainOut, ndp ? 'allow-ndp-out' : 'block-ndp-out');
    jumpTo(chainOut, flag('radv', false) ? 'allow-ra-out' : 'block-ra-out');
    // Outgoing ARP is accepted, unless the MAC filter above dropped it.
    this.addRule('bridge', chainOut, {
      matches: [{ kind: 'ether-arp', negate: false }],
      statement: { kind: 'accept' },
    });
  }

  /** create_guest_rules. */
  private guestRules(guest: GuestInput, direction: 'in' | 'out'): void {
    const chain = `guest-${guest.vmid}-${direction}`;
    const env = this.env('bridge', chain, direction, guest.vmid);
    // A connection mark with the VMID on everything in and out of the guest, always first.
    this.addRule('bridge', chain, {
      matches: [],
      statement: { kind: 'ct-mark', value: guest.vmid },
    });
    this.fileRules('bridge', chain, guest.config.rules, env, guest.path);
    if (guest.nics.length > 0) {
      const entries = [...guest.nics]
        .sort((a, b) => a.index - b.index)
        .filter((n) => n.firewall)
        .map((n) => ({
          key: ifaceName(guest, n.index),
          verdict: { kind: 'goto' as const, target: chain },
        }));
      if (entries.length > 0)
        this.push({
          op: 'add',
          kind: 'map-element',
          table: 'bridge',
          name: `vm-map-${direction}`,
          entries,
        });
    }
    const policy =
      guest.config.options.policies.get(`policy_${direction}`) ??
      (direction === 'in' ? 'DROP' : 'ACCEPT');
    this.logRule(
      'bridge',
      chain,
      guest.config.options.logLevels.get(`log_level_${direction}`),
      policy,
      guest.vmid,
    );
    this.addRule('bridge', chain, { matches: [], statement: verdictStatement(policy, env) });
  }

  private guest(guest: GuestInput): void {
    for (const direction of ['in', 'out'] as const) {
      const chain = `guest-${guest.vmid}-${direction}`;
      this.chain('add', 'bridge', chain);
      this.chain('flush', 'bridge', chain);
      this.addRule('bridge', chain, {
        matches: [],
        statement: { kind: 'jump', target: `pre-vm-${direction}` },
      });
    }
    this.guestSets(guest);
    this.guestOptions(guest);
    this.guestRules(guest, 'in');
    this.guestRules(guest, 'out');
  }

  /** create_bridge_chain: a VNet's chain in one table and its entry in that table's bridge-map. */
  private bridgeChain(table: TableId, bridge: BridgeInput): void {
    const chain = `bridge-${bridge.name}`;
    this.chain('add', table, chain);
    this.chain('flush', table, chain);
    this.addRule(table, chain, {
      matches: [],
      statement: { kind: 'jump', target: 'before-bridge' },
    });
    this.fileRules(
      table,
      chain,
      bridge.config.rules,
      this.env(table, chain, 'forward'),
      bridge.path,
    );
    const policy = bridge.config.options.policies.get('policy_forward') ?? 'ACCEPT';
    this.logRule(table, chain, bridge.config.options.logLevels.get('log_level_forward'), policy);
    // The policy is the verdict itself (`Statement::from`): REJECT is a bare reject here.
    const statement: NftStatement =
      policy === 'REJECT'
        ? { kind: 'reject', with: 'default' }
        : { kind: policy === 'ACCEPT' ? 'accept' : 'drop' };
    this.addRule(table, chain, { matches: [], statement });
    this.push({
      op: 'add',
      kind: 'map-element',
      table,
      name: 'bridge-map',
      entries: [
        {
          key: table === 'inet' ? bridge.name : `${bridge.name}.${bridge.name}`,
          verdict: { kind: 'jump', target: chain },
        },
      ],
    });
  }

  /** Firewall::full_host_fw, for a node whose firewall is enabled (cluster enable and nftables). */
  build(): void {
    this.reset();
    for (const table of ['inet', 'bridge'] as const)
      if (this.input.sdnSets) this.generatedSets(table, this.input.sdnSets);
    for (const table of ['inet', 'bridge'] as const)
      if (this.input.ipamSets) this.generatedSets(table, this.input.ipamSets);
    const hostEnabled = this.input.host.options.bools.get('enable') ?? true;
    if (hostEnabled) {
      this.management('inet');
      this.fwSets('inet', this.input.cluster.ipsets);
      this.groups('inet');
      for (const d of DIRECTIONS) this.clusterRules(d);
      this.ctHelpers();
      this.hostOptions();
      for (const d of DIRECTIONS) this.hostRules(d);
    } else this.push({ op: 'delete', kind: 'table', table: 'inet' });
    const guests = [...this.input.guests]
      .filter((g) => g.config.options.bools.get('enable') === true)
      .sort((a, b) => a.vmid - b.vmid);
    const bridges = byName(this.input.bridges.map((b): [string, BridgeInput] => [b.name, b]))
      .map(([, b]) => b)
      .filter((b) => b.config.options.bools.get('enable') === true);
    if (guests.length > 0 || bridges.length > 0) {
      this.management('bridge');
      this.fwSets('bridge', this.input.cluster.ipsets);
      this.groups('bridge');
    } else this.push({ op: 'delete', kind: 'table', table: 'bridge' });
    for (const g of guests) this.guest(g);
    for (const b of bridges) {
      this.bridgeChain('bridge', b);
      if (hostEnabled) this.bridgeChain('inet', b);
    }
  }
}

/** proxmox-ve-config's resources/ct_helper.json: helpers, their family and their port. */
const CT_HELPERS: ReadonlyMap<string, { family?: Family; tcp?: number; udp?: number }> = new Map([
  ['amanda', { udp: 10080 }],
  ['ftp', { tcp: 21 }],
  ['irc', { family: 4, tcp: 6667 }],
  ['netbios-ns', { family: 4, udp: 137 }],
  ['pptp', { family: 4, tcp: 1723 }],
  ['sane', { tcp: 6566 }],
  ['sip', { udp: 5060 }],
  ['snmp', { family: 4, udp: 161 }],
  ['tftp', { udp: 69 }],
]);

/** The commands of one update; throws UpdateError when proxmox-firewall aborts it. */
export function updateCommands(input: FirewallInput): UpdateCommands {
  const b = new Builder(input);
  b.build();
  return { commands: b.commands, skipped: b.skipped };
}
