// proxmox-firewall's tables over the whole packet space: every rule as the region of packets it
// matches (boxes of the analysis' packet space), walked through the chains of a hook as the
// kernel walks one packet (jumps, gotos, returns, verdict maps, base chains in priority order),
// so that each verdict comes with the exact region of packets that gets it. The packets are
// those that open a connection (conntrack NEW, a TCP SYN) and carry their NIC's own MAC: for
// them the conntrack verdict map, the ARP rules and the MAC filter match nothing.
import { PROTOCOLS } from '../facts';
import type { InterfaceNames } from '../analysis';
import { normalise, subtract, type IntervalSet } from '../analysis';
import {
  boxIntersect,
  DST_TYPES,
  sharedRange,
  fullBox,
  regionSubtract,
  type Box,
  type Dimension,
  type Family,
} from '../analysis';
import { HOOK_CHAINS } from './fixed-tables';
import type {
  MapVerdict,
  NftMatch,
  NftRule,
  NftTable,
  NodeTables,
  TableId,
  TcpFlag,
} from './nft-model';

export type NftVerdict = 'ACCEPT' | 'DROP' | 'REJECT';

/** Where packets enter the tables: a hook, the interfaces it fixes, the one it leaves open. */
export interface NftEntry {
  readonly table: TableId;
  readonly hook: string;
  /** What the entry is, for people: `host in`, `guest 100 net0 in`, `vnet vnet1`. */
  readonly label: string;
  readonly fixed: Readonly<Partial<Record<'iifname' | 'oifname' | 'ibrname' | 'obrname', string>>>;
  /** The interface that varies over the `iface` dimension. */
  readonly open?: 'iifname' | 'oifname';
}

/** What decided: the rule (its chain, position and the rule), or none for a hook's policy. */
export interface NftDecider {
  readonly table: TableId;
  readonly chain: string;
  readonly index: number;
  readonly rule: NftRule;
}

export interface NftDecision {
  readonly verdict: NftVerdict;
  readonly region: readonly Box[];
  readonly by?: NftDecider;
}

const PROTO_NUMBER = new Map<string, number>([
  ...PROTOCOLS.filter((p) => p.number !== null).map((p): [string, number] => [p.name, p.number!]),
  ['icmpv6', 58],
]);
const PORTED = [6n, 17n, 33n, 132n, 136n];
/** The flags of a connection's first TCP packet. */
const NEW_TCP_FLAGS: ReadonlySet<TcpFlag> = new Set(['syn']);

/** One entry's view of a table for one family: what the matches of its rules are read against. */
export interface NftSpace {
  readonly family: Family;
  readonly names: InterfaceNames;
  readonly entry: NftEntry;
  readonly table: NftTable;
  readonly full: Box;
}
type Space = NftSpace;

function constrained(space: Space, dims: Partial<Record<Dimension, IntervalSet>>): Box[] {
  return [{ ...space.full, ...dims }];
}

function ofValues(values: readonly bigint[]): IntervalSet {
  return normalise(values.map((v) => [v, v] as const));
}

const DST = (name: string): bigint => BigInt(DST_TYPES.indexOf(name as (typeof DST_TYPES)[number]));

/** The packets a match admits, as boxes (most matches constrain one dimension). */
function matchRegion(m: NftMatch, space: Space): Box[] {
  const all = [space.full];
  const none: Box[] = [];
  switch (m.kind) {
    case 'iifname':
    case 'oifname': {
      if (space.entry.open === m.kind) {
        const n = space.names.numberOf(m.name);
        return n === undefined
          ? none
          : constrained(space, { iface: sharedRange(BigInt(n), BigInt(n)) });
      }
      return space.entry.fixed[m.kind] === m.name ? all : none;
    }
    case 'nfproto':
      return m.family === space.family ? all : none;
    case 'l4proto': {
      const numbers = m.protos.flatMap((p) => {
        const n = typeof p === 'number' ? p : PROTO_NUMBER.get(p);
        return n !== undefined ? [BigInt(n)] : [];
      });
      return numbers.length > 0 ? constrained(space, { proto: ofValues(numbers) }) : none;
    }
    case 'port': {
      const proto = m.proto === 'tcp' ? [6n] : m.proto === 'udp' ? [17n] : PORTED;
      const ports = normalise(m.ranges.map(([a, b]) => [BigInt(a), BigInt(b)] as const));
      return constrained(space, { proto: ofValues(proto), [m.field]: ports });
    }
    case 'addr': {
      if (m.family !== space.family) return none;
      const dim = m.field === 'saddr' ? 'source' : 'dest';
      const ranges = m.set !== undefined ? (space.table.sets.get(m.set) ?? []) : m.ranges;
      const inside = normalise(ranges.map(([a, b]) => [a, b] as const));
      return constrained(space, { [dim]: m.negate ? subtract(space.full[dim], inside) : inside });
    }
    case 'icmp': {
      if (m.family !== space.family) return none;
      const proto = sharedRange(m.family === 4 ? 1n : 58n, m.family === 4 ? 1n : 58n);
      let icmp: IntervalSet;
      const types = m.anyType || !m.types ? undefined : m.types.map(BigInt);
      if (m.code !== undefined) {
        const code = BigInt(m.code);
        const each = types ?? Array.from({ length: 256 }, (_, t) => BigInt(t));
        icmp = ofValues(each.map((t) => t * 256n + code));
      } else if (types) icmp = normalise(types.map((t) => [t * 256n, t * 256n + 255n] as const));
      else icmp = space.full.icmp;
      return constrained(space, { proto, icmp });
    }
    case 'tcp-flags': {
      const masked = m.mask.filter((f) => NEW_TCP_FLAGS.has(f));
      const equal = masked.length === m.value.length && m.value.every((f) => masked.includes(f));
      return equal !== m.negate ? constrained(space, { proto: sharedRange(6n, 6n) }) : none;
    }
    case 'pkttype': {
      const types =
        m.value === 'broadcast'
          ? [DST('BROADCAST')]
          : m.value === 'multicast'
            ? [DST('MULTICAST')]
            : [DST('UNICAST'), DST('LOCAL'), DST('ANYCAST')];
      return constrained(space, { dsttype: ofValues(types) });
    }
    case 'ether-arp':
      return m.negate ? all : none;
    case 'ct-state':
      return m.states.includes('new') ? all : none;
    case 'udp-pairs':
      return m.pairs.flatMap(([s, d]) =>
        constrained(space, {
          proto: sharedRange(17n, 17n),
          sport: sharedRange(BigInt(s), BigInt(s)),
          dport: sharedRange(BigInt(d), BigInt(d)),
        }),
      );
    // No ARP header, no helper yet, the NIC's own MAC.
    case 'arp-addr':
    case 'ct-helper':
    case 'mac-pairs':
      return none;
  }
}

function intersectRegions(a: readonly Box[], b: readonly Box[]): Box[] {
  const out: Box[] = [];
  for (const x of a)
    for (const y of b) {
      const both = boxIntersect(x, y);
      if (both) out.push(both);
    }
  return out;
}

function subtractRegion(a: readonly Box[], b: readonly Box[]): Box[] {
  let out: Box[] = [...a];
  for (const box of b) out = regionSubtract(out, box);
  return out;
}

/** The packets a rule matches. */
export function ruleRegion(rule: NftRule, space: Space): Box[] {
  let region: Box[] = [space.full];
  for (const m of rule.matches) {
    region = intersectRegions(region, matchRegion(m, space));
    if (region.length === 0) break;
  }
  return region;
}

interface ChainResult {
  readonly decisions: NftDecision[];
  /** Packets that come back to the caller (end of chain, return, the end of a goto). */
  readonly rest: Box[];
}

function walkChain(space: Space, chain: string, region: Box[], depth: number): ChainResult {
  const decisions: NftDecision[] = [];
  const rest: Box[] = [];
  if (depth > 64) throw new Error(`nftables chains nest too deep at ${chain}`);
  let live = region;
  for (const [index, rule] of (space.table.chains.get(chain) ?? []).entries()) {
    if (live.length === 0) break;
    const s = rule.statement;
    // Statements that do not end the rule's packets' walk: nothing to split.
    if (
      s.kind === 'log' ||
      s.kind === 'ct-mark' ||
      s.kind === 'ct-helper-set' ||
      s.kind === 'synflood-limit' ||
      s.kind === 'ct-vmap'
    )
      continue;
    const matched = intersectRegions(live, ruleRegion(rule, space));
    if (matched.length === 0) continue;
    const follow = (kind: 'jump' | 'goto', target: string, packets: Box[]): void => {
      const inner = walkChain(space, target, packets, depth + 1);
      decisions.push(...inner.decisions);
      if (kind === 'jump') live = [...live, ...inner.rest];
      else rest.push(...inner.rest);
    };
    live = subtractRegion(live, matched);
    const by: NftDecider = { table: space.entry.table, chain, index, rule };
    switch (s.kind) {
      case 'accept':
        decisions.push({ verdict: 'ACCEPT', region: matched, by });
        break;
      case 'drop':
        decisions.push({ verdict: 'DROP', region: matched, by });
        break;
      case 'reject':
        decisions.push({ verdict: 'REJECT', region: matched, by });
        break;
      case 'return':
        rest.push(...matched);
        break;
      case 'jump':
      case 'goto':
        follow(s.kind, s.target, matched);
        break;
      case 'vmap': {
        const map = space.table.maps.get(s.map) ?? new Map<string, MapVerdict>();
        let unmatched = matched;
        if (s.key === 'ibrname.obrname' || space.entry.open !== s.key) {
          const key =
            s.key === 'ibrname.obrname'
              ? `${space.entry.fixed.ibrname ?? ''}.${space.entry.fixed.obrname ?? ''}`
              : space.entry.fixed[s.key];
          const to = key !== undefined ? map.get(key) : undefined;
          if (to) {
            follow(to.kind, to.target, matched);
            unmatched = [];
          }
        } else
          for (const [name, to] of map) {
            const n = space.names.numberOf(name);
            if (n === undefined) continue;
            const part = intersectRegions(
              unmatched,
              constrained(space, { iface: sharedRange(BigInt(n), BigInt(n)) }),
            );
            if (part.length === 0) continue;
            unmatched = subtractRegion(unmatched, part);
            follow(to.kind, to.target, part);
          }
        live = [...live, ...unmatched];
        break;
      }
    }
  }
  rest.push(...live);
  return { decisions, rest };
}

/** Every interface name the tables match or map, numbered for the `iface` dimension. */
export function addNftInterfaceNames(tables: NodeTables, names: InterfaceNames): void {
  for (const table of [tables.inet, tables.bridge]) {
    if (!table) continue;
    for (const rules of table.chains.values())
      for (const r of rules)
        for (const m of r.matches)
          if (m.kind === 'iifname' || m.kind === 'oifname') names.add(m.name);
    for (const map of table.maps.values())
      for (const key of map.keys()) if (!key.includes('.')) names.add(key);
  }
}

/**
 * The verdicts of one entry for every new packet of a family: the hook's base chains in
 * priority order (an accept ends only its chain), the base chains' policy accept at the end.
 */
export function entryDecisions(
  tables: NodeTables,
  entry: NftEntry,
  family: Family,
  names: InterfaceNames,
): NftDecision[] {
  const table = tables[entry.table];
  const full = fullBox(family, names.count);
  if (!table) return [{ verdict: 'ACCEPT', region: [full] }];
  const space: Space = { family, names, entry, table, full };
  const decisions: NftDecision[] = [];
  const region: Box[] = [full];
  // An accept ends only its base chain: the packets go on to the next, and the last accept (or
  // the policy) decides for them.
  let pending: NftDecision[] = [{ verdict: 'ACCEPT', region }];
  for (const base of HOOK_CHAINS[entry.table][entry.hook] ?? []) {
    const next: NftDecision[] = [];
    for (const p of pending) {
      const r = walkChain(space, base, [...p.region], 0);
      if (r.rest.length > 0) next.push({ ...p, region: r.rest });
      for (const d of r.decisions) (d.verdict === 'ACCEPT' ? next : decisions).push(d);
    }
    pending = next;
  }
  return [...decisions, ...pending];
}

/**
 * The entries of a node's tables: the host's input, output and forward hooks, each firewalled
 * guest NIC in (postrouting, to the NIC) and out (prerouting, from it), and each VNet's bridge
 * forward hook.
 */
export function nftEntries(tables: NodeTables): NftEntry[] {
  const out: NftEntry[] = [];
  if (tables.inet)
    out.push(
      { table: 'inet', hook: 'input', label: 'host in', fixed: {}, open: 'iifname' },
      { table: 'inet', hook: 'output', label: 'host out', fixed: {}, open: 'oifname' },
      { table: 'inet', hook: 'forward', label: 'host forward', fixed: {}, open: 'iifname' },
    );
  const bridge = tables.bridge;
  if (!bridge) return out;
  for (const nic of bridge.maps.get('vm-map-in')?.keys() ?? [])
    out.push({
      table: 'bridge',
      hook: 'postrouting',
      label: `${nic} in`,
      fixed: { oifname: nic },
      open: 'iifname',
    });
  for (const nic of bridge.maps.get('vm-map-out')?.keys() ?? [])
    out.push({ table: 'bridge', hook: 'prerouting', label: `${nic} out`, fixed: { iifname: nic } });
  for (const key of bridge.maps.get('bridge-map')?.keys() ?? []) {
    const [ibr, obr] = key.split('.');
    out.push({
      table: 'bridge',
      hook: 'forward',
      label: `vnet ${ibr}`,
      fixed: { ibrname: ibr!, obrname: obr! },
      open: 'iifname',
    });
  }
  return out;
}
