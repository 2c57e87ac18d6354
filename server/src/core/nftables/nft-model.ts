// The pieces of proxmox-firewall's ruleset as pvefw holds them: matches, statements and rules of
// the two tables it owns (`inet proxmox-firewall` for the node, `bridge proxmox-firewall-guests`
// for guests and VNets), the commands that build them (the libnftables JSON commands of
// proxmox-firewall's `full_host_fw`, one by one), and the tables those commands leave behind.
import { PROTOCOLS } from '../facts';
import { utf8Length } from './rust-network';
import type { Family } from './rust-text';

export type Range = readonly [bigint, bigint];

/** `inet proxmox-firewall` (the node) or `bridge proxmox-firewall-guests` (guests, VNets). */
export type TableId = 'inet' | 'bridge';

export type TcpFlag = 'fin' | 'syn' | 'rst' | 'psh' | 'ack' | 'urg';

export type NftMatch =
  | { readonly kind: 'iifname' | 'oifname'; readonly name: string }
  | { readonly kind: 'l4proto'; readonly protos: readonly (string | number)[] }
  | {
      readonly kind: 'port';
      readonly field: 'sport' | 'dport';
      /** tcp/udp: `tcp dport` (implies the protocol); th: any protocol with ports. */
      readonly proto: 'tcp' | 'udp' | 'th';
      readonly ranges: readonly (readonly [number, number])[];
    }
  | {
      readonly kind: 'addr';
      readonly family: Family;
      readonly field: 'saddr' | 'daddr';
      readonly ranges: readonly Range[];
      readonly negate?: boolean;
      /** The set's name when the match is `@set`. */
      readonly set?: string;
    }
  | {
      readonly kind: 'icmp';
      readonly family: Family;
      readonly types?: readonly number[];
      /** `icmp type 0-255` (the type `any`). */
      readonly anyType?: boolean;
      readonly code?: number;
    }
  | { readonly kind: 'nfproto'; readonly family: Family }
  /** `tcp flags & (mask) == value` (or `!=`); an empty value is `0x0`. */
  | {
      readonly kind: 'tcp-flags';
      readonly mask: readonly TcpFlag[];
      readonly value: readonly TcpFlag[];
      readonly negate: boolean;
    }
  | { readonly kind: 'pkttype'; readonly value: string }
  /** `meta protocol arp` / `meta protocol != arp` (the frame's ether type). */
  | { readonly kind: 'ether-arp'; readonly negate: boolean }
  /** `arp saddr ip` / `arp daddr ip` against a set (always `!=` where proxmox-firewall uses it). */
  | {
      readonly kind: 'arp-addr';
      readonly field: 'saddr' | 'daddr';
      readonly ranges: readonly Range[];
      readonly negate: boolean;
      readonly set: string;
    }
  | { readonly kind: 'ct-state'; readonly states: readonly string[] }
  /** `ct helper "ftp"` (`ct ip helper` when the helper is for one family). */
  | { readonly kind: 'ct-helper'; readonly name: string; readonly family?: Family }
  /**
   * macfilter: `iifname . ether saddr != { "tap100i0" . 0e:…, … }` (via ether), or the same with
   * `arp saddr ether` (via arp). A frame matches when its pair is not in the set.
   */
  | {
      readonly kind: 'mac-pairs';
      readonly via: 'ether' | 'arp';
      readonly pairs: readonly (readonly [string, string])[];
    }
  /** `udp sport . udp dport { 67 . 68, 547 . 546 }` (the fixed DHCP chains). */
  | { readonly kind: 'udp-pairs'; readonly pairs: readonly (readonly [number, number])[] };

export interface LogLimit {
  readonly rate: number;
  readonly per: string;
  readonly burst: number;
}

export type NftStatement =
  | { readonly kind: 'accept' | 'drop' | 'return' }
  /** `log prefix … group 0`, after the cluster's `limit` (one packet is never over it). */
  | { readonly kind: 'log'; readonly prefix?: string; readonly limit?: LogLimit }
  | { readonly kind: 'jump' | 'goto'; readonly target: string }
  /** `reject with …`: the reply the sender gets; `default` is a bare `reject`. */
  | { readonly kind: 'reject'; readonly with: string }
  /** `ct state vmap { established : accept, related : accept, invalid : jump invalid-conntrack }` */
  | { readonly kind: 'ct-vmap' }
  /** `iifname vmap @vm-map-out`, `meta ibrname . meta obrname vmap @bridge-map`, … */
  | {
      readonly kind: 'vmap';
      readonly key: 'iifname' | 'oifname' | 'ibrname.obrname';
      readonly map: string;
    }
  /** `ct mark set <vmid>`: marks the connection, and the walk goes on. */
  | { readonly kind: 'ct-mark'; readonly value: number }
  /** `ct helper set "helper-ftp-tcp"`: assigns the helper, and the walk goes on. */
  | { readonly kind: 'ct-helper-set'; readonly name: string }
  /**
   * ratelimit-synflood: `update @vN-synflood-limit { ip saddr limit rate over R/second burst B }
   * drop`; one packet is never over the rate, so a walk never stops here.
   */
  | {
      readonly kind: 'synflood-limit';
      readonly family: Family;
      readonly rate: number;
      readonly burst: number;
    };

export interface NftRuleOrigin {
  readonly path: string;
  readonly lineNumber: number;
}

export interface NftRule {
  readonly matches: readonly NftMatch[];
  readonly statement: NftStatement;
  readonly origin?: NftRuleOrigin;
}

/** A verdict map's value: where a key sends the packet. */
export interface MapVerdict {
  readonly kind: 'jump' | 'goto';
  readonly target: string;
}

/** One table as the kernel holds it after the commands: chains, sets and verdict maps. */
export interface NftTable {
  readonly chains: Map<string, NftRule[]>;
  /** Interval sets by name; an element is an address range. */
  readonly sets: Map<string, Range[]>;
  /** Verdict maps by name; keys are interface names (`a.b` for a concatenation). */
  readonly maps: Map<string, Map<string, MapVerdict>>;
  /** `ct helper` objects by name. */
  readonly helpers: Map<string, { readonly type: string; readonly protocol: string }>;
}

export type NodeTables = { -readonly [K in TableId]?: NftTable };

/** One libnftables JSON command of proxmox-firewall's update, in the order it sends them. */
export type NftCommand =
  | {
      readonly op: 'add' | 'flush' | 'delete';
      readonly kind: 'chain';
      readonly table: TableId;
      readonly name: string;
    }
  | { readonly op: 'flush'; readonly kind: 'map'; readonly table: TableId; readonly name: string }
  | {
      readonly op: 'add' | 'flush';
      readonly kind: 'set';
      readonly table: TableId;
      readonly name: string;
      /** `add set`: the element type (ipv4_addr or ipv6_addr). */
      readonly family?: Family;
    }
  | {
      readonly op: 'add';
      readonly kind: 'element';
      readonly table: TableId;
      readonly name: string;
      readonly elements: readonly Range[];
    }
  | {
      readonly op: 'add';
      readonly kind: 'map-element';
      readonly table: TableId;
      readonly name: string;
      readonly entries: readonly { readonly key: string; readonly verdict: MapVerdict }[];
    }
  | {
      readonly op: 'add';
      readonly kind: 'rule';
      readonly table: TableId;
      readonly chain: string;
      readonly rule: NftRule;
    }
  | {
      readonly op: 'add';
      readonly kind: 'ct-helper';
      readonly table: TableId;
      readonly name: string;
      readonly type: string;
      readonly protocol: 'tcp' | 'udp';
      readonly l3proto?: 'ip' | 'ip6';
    }
  | { readonly op: 'delete'; readonly kind: 'table'; readonly table: TableId };

export function emptyTable(): NftTable {
  return { chains: new Map(), sets: new Map(), maps: new Map(), helpers: new Map() };
}

export function copyTable(t: NftTable): NftTable {
  return {
    chains: new Map([...t.chains].map(([k, v]) => [k, [...v]])),
    sets: new Map([...t.sets].map(([k, v]) => [k, [...v]])),
    maps: new Map([...t.maps].map(([k, v]) => [k, new Map(v)])),
    helpers: new Map(t.helpers),
  };
}

/** A command nft refuses: the whole batch fails, and nothing of it is applied. */
export interface ApplyError {
  /** 0-based index of the command in the batch. */
  readonly index: number;
  readonly message: string;
}

const NO_SUCH = 'Could not process rule: No such file or directory';

/**
 * Names nft resolves a protocol by (getprotobyname, /etc/protocols of Debian's netbase): each
 * protocol's name and its alias, which nft matches case for case.
 */
const PROTOCOL_ALIASES: Readonly<Record<string, string>> = {
  ip: 'IP',
  hopopt: 'HOPOPT',
  icmp: 'ICMP',
  igmp: 'IGMP',
  ggp: 'GGP',
  ipencap: 'IP-ENCAP',
  st: 'ST',
  tcp: 'TCP',
  egp: 'EGP',
  igp: 'IGP',
  pup: 'PUP',
  udp: 'UDP',
  hmp: 'HMP',
  'xns-idp': 'XNS-IDP',
  rdp: 'RDP',
  'iso-tp4': 'ISO-TP4',
  dccp: 'DCCP',
  xtp: 'XTP',
  ddp: 'DDP',
  'idpr-cmtp': 'IDPR-CMTP',
  ipv6: 'IPv6',
  'ipv6-route': 'IPv6-Route',
  'ipv6-frag': 'IPv6-Frag',
  idrp: 'IDRP',
  rsvp: 'RSVP',
  gre: 'GRE',
  esp: 'IPSEC-ESP',
  ah: 'IPSEC-AH',
  skip: 'SKIP',
  'ipv6-icmp': 'IPv6-ICMP',
  'ipv6-nonxt': 'IPv6-NoNxt',
  'ipv6-opts': 'IPv6-Opts',
  rspf: 'RSPF',
  vmtp: 'VMTP',
  eigrp: 'EIGRP',
  ospf: 'OSPFIGP',
  'ax.25': 'AX.25',
  ipip: 'IPIP',
  etherip: 'ETHERIP',
  encap: 'ENCAP',
  pim: 'PIM',
  ipcomp: 'IPCOMP',
  vrrp: 'VRRP',
  l2tp: 'L2TP',
  isis: 'ISIS',
  sctp: 'SCTP',
  fc: 'FC',
  'mobility-header': 'Mobility-Header',
  udplite: 'UDPLite',
  'mpls-in-ip': 'MPLS-in-IP',
  hip: 'HIP',
  shim6: 'Shim6',
  wesp: 'WESP',
  rohc: 'ROHC',
  ethernet: 'Ethernet',
  mptcp: 'MPTCP',
};
const PROTOCOL_NAMES = new Set([
  ...PROTOCOLS.map((p) => p.name),
  ...Object.values(PROTOCOL_ALIASES),
]);

/** Why nft refuses a rule in its table: a chain, set or map it names is missing, a bad value. */
function refusal(t: NftTable, rule: NftRule): string | undefined {
  const s = rule.statement;
  if ((s.kind === 'jump' || s.kind === 'goto') && !t.chains.has(s.target))
    return `${NO_SUCH} (${s.kind} ${s.target}: no such chain)`;
  if (s.kind === 'vmap' && !t.maps.has(s.map)) return `${NO_SUCH} (@${s.map}: no such map)`;
  for (const m of rule.matches) {
    if ((m.kind === 'addr' || m.kind === 'arp-addr') && m.set !== undefined && !t.sets.has(m.set))
      return `${NO_SUCH} (@${m.set}: no such set)`;
    if (m.kind === 'l4proto')
      for (const p of m.protos)
        if (typeof p === 'string' && !PROTOCOL_NAMES.has(p))
          return `Could not resolve protocol name (meta l4proto ${p})`;
    // An interface name is at most 15 bytes (IFNAMSIZ with its NUL).
    if ((m.kind === 'iifname' || m.kind === 'oifname') && utf8Length(m.name) > 15)
      return `String exceeds maximum length of 16 (${m.kind} "${m.name}")`;
  }
  return undefined;
}

/**
 * The tables a node holds after `commands` ran on top of `base` (proxmox-firewall.nft), or the
 * first command nft refuses. proxmox-firewall sends its commands as one batch (`nft -j -f -`),
 * which the kernel applies atomically: a refused command leaves the tables as they were.
 */
export function applyCommands(
  base: NodeTables,
  commands: readonly NftCommand[],
): { readonly tables: NodeTables; readonly error?: ApplyError } {
  const tables: NodeTables = {};
  for (const id of ['inet', 'bridge'] as const) {
    const t = base[id];
    if (t) tables[id] = copyTable(t);
  }
  for (const [index, c] of commands.entries()) {
    if (c.kind === 'table') {
      delete tables[c.table];
      continue;
    }
    const t = (tables[c.table] ??= emptyTable());
    const refuse = (message: string) => ({ tables: base, error: { index, message } });
    const missing = (what: string) => refuse(`${NO_SUCH} (${what})`);
    switch (c.kind) {
      case 'chain':
        if (c.op === 'delete') t.chains.delete(c.name);
        else if (c.op === 'flush' || !t.chains.has(c.name)) t.chains.set(c.name, []);
        break;
      case 'map':
        t.maps.set(c.name, new Map());
        break;
      case 'set':
        if (c.op === 'flush' || !t.sets.has(c.name)) t.sets.set(c.name, []);
        break;
      case 'element':
        if (!t.sets.has(c.name)) return missing(`@${c.name}: no such set`);
        t.sets.set(c.name, [...(t.sets.get(c.name) ?? []), ...c.elements]);
        break;
      case 'map-element': {
        const map = t.maps.get(c.name);
        if (!map) return missing(`@${c.name}: no such map`);
        for (const e of c.entries) {
          if (!t.chains.has(e.verdict.target))
            return missing(`${e.verdict.kind} ${e.verdict.target}: no such chain`);
          map.set(e.key, e.verdict);
        }
        break;
      }
      case 'rule': {
        const rules = t.chains.get(c.chain);
        if (!rules) return missing(`chain ${c.chain}: no such chain`);
        const why = refusal(t, c.rule);
        if (why !== undefined) return refuse(why);
        rules.push(c.rule);
        break;
      }
      case 'ct-helper':
        t.helpers.set(c.name, { type: c.type, protocol: c.protocol });
        break;
    }
  }
  return { tables };
}
