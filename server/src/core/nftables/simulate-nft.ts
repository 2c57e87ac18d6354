// A packet on a node that runs proxmox-firewall, walked rule by rule through every netfilter hook
// it meets, as the kernel evaluates them: the bridge table's prerouting (vm-out: the sending
// guest's chain), forward (a VNet's chain) and postrouting (vm-in: the receiving guest's chain)
// hooks, and the inet table's input, output and forward hooks (the node's chains; a VNet's chain
// for traffic to and from the node over the VNet). Within a hook the base chains run in priority
// order; a drop or reject ends the packet, an accept only its base chain. Bridged traffic meets
// no inet hook (no br_netfilter: proxmox-firewall needs none, and pve-firewall, which loads it,
// is off on such a node).
import { PROTOCOLS } from '../facts';
import { modelNode } from '../compile';
import type { ClusterModel } from '../model';
import { requestPacket } from '../simulate';
import type { Packet, SimulateRequest, SimulationResult } from '../simulate';
import { resolveZone, ZoneError, type Endpoint } from '../simulate';
import { parseIpv4, parseIpv6, type Family } from './rust-text';
import { icmpTypeNumber } from './rust-types';
import { matchText } from './nft-text';
import { HOOK_CHAINS } from './fixed-tables';
import type { NftMatch, NftRule, NftTable, NodeTables, TableId, TcpFlag } from './nft-model';
import type { NftEntry } from './nft-space';
import type { Packet as WitnessPacket } from '../analysis';
import { buildNodeRuleset, type NodeBuildOptions, type NodeSkip } from './ruleset';
import { icmpRange } from '../facts';

export type NftVerdict = 'ACCEPT' | 'DROP' | 'REJECT';

export interface NftStep {
  readonly table: TableId;
  readonly chain: string;
  readonly index: number;
  readonly rule: NftRule;
  readonly effect: string;
}

/** One hook the packet meets: where, with which interfaces, and what its chains decided. */
export interface NftHookWalk {
  readonly table: TableId;
  readonly hook: string;
  /** The interfaces the hook sees, as text (`iifname tap100i0`). */
  readonly where: string;
  readonly verdict: NftVerdict;
  readonly rejectWith?: string;
  readonly steps: readonly NftStep[];
}

export interface NftSimulation {
  readonly verdict: NftVerdict;
  /** The reply a REJECT sends, e.g. `tcp reset`, `icmpx port-unreachable`. */
  readonly rejectWith?: string;
  readonly hooks: readonly NftHookWalk[];
  /** Every rule that matched, hook after hook. */
  readonly steps: readonly NftStep[];
  readonly packet: Packet;
  readonly notes: readonly string[];
  readonly skipped: readonly NodeSkip[];
}

interface NftPacket {
  readonly family: Family;
  readonly proto: number;
  readonly sport?: number;
  readonly dport?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly saddr: bigint;
  readonly daddr: bigint;
  readonly iifname?: string;
  readonly oifname?: string;
  readonly ibrname?: string;
  readonly obrname?: string;
  /** The frame's source MAC when it leaves a guest NIC (undefined: the NIC's own). */
  readonly mac?: string;
  readonly ctstate: string;
  readonly pkttype: string;
  readonly tcpFlags: ReadonlySet<TcpFlag>;
}

const PROTO_NUMBERS = new Map<string, number>([
  ...PROTOCOLS.filter((p) => p.number !== null).map((p): [string, number] => [p.name, p.number!]),
  ['icmpv6', 58],
  ['ipv6-icmp', 58],
]);

function protoNumber(proto: string | number): number | undefined {
  if (typeof proto === 'number') return proto;
  if (/^[0-9]+$/.test(proto)) return Number(proto);
  return PROTO_NUMBERS.get(proto);
}

const PORTED = new Set([6, 17, 33, 132, 136]);

function addressValue(text: string, family: Family): bigint {
  if (family === 4) return BigInt(parseIpv4(text) ?? 0);
  return parseIpv6(text) ?? 0n;
}

function portNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

function inRanges(value: bigint, ranges: readonly (readonly [bigint, bigint])[]): boolean {
  return ranges.some(([a, b]) => value >= a && value <= b);
}

/** A match against the packet; sets are read from the table, as the kernel reads them. */
function matches(
  match: NftMatch,
  p: NftPacket,
  table: NftTable,
  helper: string | undefined,
): boolean {
  switch (match.kind) {
    case 'iifname':
      return p.iifname === match.name;
    case 'oifname':
      return p.oifname === match.name;
    case 'nfproto':
      return p.family === match.family;
    case 'tcp-flags': {
      if (p.proto !== 6) return false;
      const masked = match.mask.filter((f) => p.tcpFlags.has(f));
      const equal =
        masked.length === match.value.length && match.value.every((f) => masked.includes(f));
      return equal !== match.negate;
    }
    case 'pkttype':
      return p.pkttype === match.value;
    case 'l4proto':
      return match.protos.some((x) => protoNumber(x) === p.proto);
    case 'port': {
      if (match.proto === 'tcp' && p.proto !== 6) return false;
      if (match.proto === 'udp' && p.proto !== 17) return false;
      if (!PORTED.has(p.proto)) return false;
      const port = match.field === 'sport' ? p.sport : p.dport;
      return port !== undefined && match.ranges.some(([a, b]) => port >= a && port <= b);
    }
    case 'addr': {
      // `ip saddr` carries `meta nfproto ipv4` (`meta protocol ip` in the bridge family).
      if (p.family !== match.family) return false;
      const value = match.field === 'saddr' ? p.saddr : p.daddr;
      const ranges = match.set !== undefined ? (table.sets.get(match.set) ?? []) : match.ranges;
      return inRanges(value, ranges) !== (match.negate === true);
    }
    case 'icmp': {
      if (p.family !== match.family || p.proto !== (match.family === 4 ? 1 : 58)) return false;
      if (
        match.types &&
        !match.anyType &&
        (p.icmpType === undefined || !match.types.includes(p.icmpType))
      )
        return false;
      if (match.code !== undefined && p.icmpCode !== match.code) return false;
      return true;
    }
    // The packets simulated are IP: no ARP frame, no ARP header.
    case 'ether-arp':
      return match.negate;
    case 'arp-addr':
      return false;
    case 'ct-state':
      return match.states.includes(p.ctstate);
    case 'ct-helper': {
      const own = helper !== undefined ? table.helpers.get(helper) : undefined;
      return own?.type === match.name && (match.family === undefined || match.family === p.family);
    }
    case 'mac-pairs': {
      const pair = match.pairs.find(([iface]) => iface === p.iifname);
      // A pair not in the set matches (`!=`); an unknown MAC is the NIC's own.
      if (!pair) return true;
      return pair[1] !== '' && p.mac !== undefined && p.mac.toUpperCase() !== pair[1];
    }
    case 'udp-pairs':
      return p.proto === 17 && match.pairs.some(([s, d]) => s === p.sport && d === p.dport);
  }
}

type Outcome =
  | { readonly kind: 'verdict'; readonly verdict: NftVerdict; readonly rejectWith?: string }
  | { readonly kind: 'end' };

function rejectReply(how: string, family: Family): string {
  if (how !== 'default') return how;
  return family === 4 ? 'icmp port-unreachable' : 'icmpv6 port-unreachable';
}

/** One base chain, rule by rule, with jumps, gotos and verdict maps. */
function walk(
  table: NftTable,
  id: TableId,
  start: string,
  p: NftPacket,
  steps: NftStep[],
): Outcome {
  const stack: { chain: string; index: number }[] = [];
  let chain = start;
  let index = 0;
  let helper: string | undefined;
  /** Back to the rule after the last jump; false at the end of the base chain. */
  const back = (): boolean => {
    const to = stack.pop();
    if (!to) return false;
    ({ chain, index } = to);
    return true;
  };
  const enter = (kind: 'jump' | 'goto', target: string): void => {
    if (kind === 'jump') stack.push({ chain, index });
    chain = target;
    index = 0;
  };
  for (let guard = 0; guard < 100000; guard++) {
    const rules = table.chains.get(chain) ?? [];
    if (index >= rules.length) {
      if (!back()) return { kind: 'end' };
      continue;
    }
    const rule = rules[index]!;
    const here = index;
    index++;
    if (!rule.matches.every((x) => matches(x, p, table, helper))) continue;
    const s = rule.statement;
    const step = (effect: string): void => {
      steps.push({ table: id, chain, index: here, rule, effect });
    };
    switch (s.kind) {
      case 'log':
        step('log');
        continue;
      case 'ct-mark':
        step(`ct mark set ${s.value}`);
        continue;
      case 'ct-helper-set':
        step(`ct helper set "${s.name}"`);
        helper = s.name;
        continue;
      case 'synflood-limit':
        // Its set update reads the source address of its own family; one packet is under the rate.
        if (s.family === p.family) step('under the rate: no drop');
        continue;
      case 'accept':
        step('accept');
        return { kind: 'verdict', verdict: 'ACCEPT' };
      case 'drop':
        step('drop');
        return { kind: 'verdict', verdict: 'DROP' };
      case 'reject': {
        const reply = rejectReply(s.with, p.family);
        step(`reject with ${reply}`);
        return { kind: 'verdict', verdict: 'REJECT', rejectWith: reply };
      }
      case 'return':
        step('return');
        if (!back()) return { kind: 'end' };
        continue;
      case 'jump':
      case 'goto':
        step(`${s.kind} ${s.target}`);
        enter(s.kind, s.target);
        continue;
      case 'vmap': {
        const key =
          s.key === 'iifname'
            ? p.iifname
            : s.key === 'oifname'
              ? p.oifname
              : `${p.ibrname ?? ''}.${p.obrname ?? ''}`;
        const to = key !== undefined ? table.maps.get(s.map)?.get(key) : undefined;
        if (!to) continue;
        step(`${s.key} ${key} in @${s.map}: ${to.kind} ${to.target}`);
        enter(to.kind, to.target);
        continue;
      }
      case 'ct-vmap':
        if (p.ctstate === 'invalid') {
          step('ct state invalid: jump invalid-conntrack');
          enter('jump', 'invalid-conntrack');
        } else if (p.ctstate === 'established' || p.ctstate === 'related') {
          step(`ct state ${p.ctstate}: accept`);
          return { kind: 'verdict', verdict: 'ACCEPT' };
        }
        continue;
    }
  }
  throw new Error('nftables walk did not end');
}

function tcpFlagsOf(packet: Packet): Set<TcpFlag> {
  const flags =
    packet.tcpFlags ??
    (packet.ctstate === 'NEW' || packet.ctstate === 'RELATED' ? ['SYN'] : ['ACK']);
  return new Set(flags.map((f) => f.toLowerCase() as TcpFlag));
}

function nftPacket(packet: Packet): NftPacket {
  const proto = protoNumber(packet.proto) ?? -1;
  const icmp = proto === 1 || proto === 58;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (icmp && packet.dport !== undefined) {
    const n = /^[0-9]+$/.test(packet.dport)
      ? Number(packet.dport)
      : icmpTypeNumber(packet.dport, packet.family);
    if (n !== undefined) icmpType = n;
    else {
      const range = icmpRange(packet.dport, packet.family);
      if (range) {
        icmpType = range[0] >> 8;
        if (range[0] === range[1]) icmpCode = range[0] & 255;
      }
    }
  }
  const dsttype = packet.dsttype.toUpperCase();
  return {
    family: packet.family,
    proto,
    ...(!icmp && portNumber(packet.sport) !== undefined
      ? { sport: portNumber(packet.sport)! }
      : {}),
    ...(!icmp && portNumber(packet.dport) !== undefined
      ? { dport: portNumber(packet.dport)! }
      : {}),
    ...(icmpType !== undefined ? { icmpType, icmpCode: icmpCode ?? 0 } : {}),
    saddr: addressValue(packet.source, packet.family),
    daddr: addressValue(packet.dest, packet.family),
    ...(packet.macSource !== undefined ? { mac: packet.macSource } : {}),
    ctstate: packet.ctstate.toLowerCase(),
    pkttype: dsttype === 'BROADCAST' ? 'broadcast' : dsttype === 'MULTICAST' ? 'multicast' : 'host',
    tcpFlags: tcpFlagsOf(packet),
  };
}

/** A hook on the packet's way, with the interfaces it sees there. */
interface Stop {
  readonly table: TableId;
  readonly hook: string;
  readonly ifaces: Pick<NftPacket, 'iifname' | 'oifname' | 'ibrname' | 'obrname'>;
}

function portOf(end: Endpoint): string | undefined {
  return end.type === 'guest' ? end.tapdev : end.type === 'bport' ? end.iface : undefined;
}

/**
 * The hooks a packet meets from one end to the other on a node without firewall bridges: a
 * guest's NIC is a port of its bridge. Traffic between two bridges is routed by the node.
 */
function stops(from: Endpoint, to: Endpoint): Stop[] {
  const out: Stop[] = [];
  const toPort = portOf(to);
  if (from.type === 'host') {
    if (to.type === 'host') throw new ZoneError('from and to need to be different');
    out.push({ table: 'inet', hook: 'output', ifaces: { oifname: to.bridge } });
    out.push({
      table: 'bridge',
      hook: 'postrouting',
      ifaces: { oifname: toPort!, obrname: to.bridge },
    });
    return out;
  }
  const fromPort = portOf(from)!;
  out.push({
    table: 'bridge',
    hook: 'prerouting',
    ifaces: { iifname: fromPort, ibrname: from.bridge },
  });
  if (to.type === 'host') {
    out.push({ table: 'inet', hook: 'input', ifaces: { iifname: from.bridge } });
    return out;
  }
  if (to.bridge === from.bridge)
    out.push({
      table: 'bridge',
      hook: 'forward',
      ifaces: { iifname: fromPort, oifname: toPort!, ibrname: from.bridge, obrname: to.bridge },
    });
  else
    out.push({
      table: 'inet',
      hook: 'forward',
      ifaces: { iifname: from.bridge, oifname: to.bridge },
    });
  out.push({
    table: 'bridge',
    hook: 'postrouting',
    ifaces: { oifname: toPort!, obrname: to.bridge },
  });
  return out;
}

function whereText(ifaces: Stop['ifaces']): string {
  return Object.entries(ifaces)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/**
 * Sends one packet from one zone to another through the tables proxmox-firewall builds on the
 * node. Throws ZoneError for what it cannot answer.
 */
export function simulateNft(
  model: ClusterModel,
  nodeName: string,
  request: SimulateRequest,
  options: NodeBuildOptions = {},
): NftSimulation {
  const node = modelNode(model, nodeName);
  if (!node) throw new ZoneError(`no node '${nodeName}'`);
  if (request.from === request.to) throw new ZoneError('from and to need to be different');
  const topology = { ...model.topology, localNode: nodeName };
  const packet = requestPacket(request, topology);
  const from = resolveZone(request.from, topology);
  const to = resolveZone(request.to, topology);
  const built = buildNodeRuleset(model, node, options);
  const notes = [...built.notes];
  const base = { packet, skipped: built.skipped };
  if (built.ruleset.state !== 'active') {
    notes.push(`note: ${built.ruleset.why}`);
    return { verdict: 'ACCEPT', hooks: [], steps: [], notes, ...base };
  }
  const tables = built.ruleset.tables;
  if (!tables.inet)
    notes.push(
      'note: host.fw has enable: 0: proxmox-firewall deletes the table inet proxmox-firewall, every packet to and from the node passes',
    );
  if (!tables.bridge && (from.type === 'guest' || to.type === 'guest'))
    notes.push(
      'note: no local guest and no VNet has its firewall on: proxmox-firewall deletes the table bridge proxmox-firewall-guests',
    );
  const p = nftPacket(packet);
  const hooks: NftHookWalk[] = [];
  const all: NftStep[] = [];
  for (const stop of stops(from, to)) {
    const table = tables[stop.table];
    if (!table) continue;
    const seen = { ...p, ...stop.ifaces };
    const steps: NftStep[] = [];
    let outcome: Outcome = { kind: 'end' };
    // Base chains of one hook in priority order: an accept ends only its own chain.
    for (const base of HOOK_CHAINS[stop.table][stop.hook] ?? []) {
      outcome = walk(table, stop.table, base, seen, steps);
      if (outcome.kind === 'verdict' && outcome.verdict !== 'ACCEPT') break;
    }
    const verdict = outcome.kind === 'verdict' ? outcome.verdict : 'ACCEPT';
    const rejectWith = outcome.kind === 'verdict' ? outcome.rejectWith : undefined;
    hooks.push({
      table: stop.table,
      hook: stop.hook,
      where: whereText(stop.ifaces),
      verdict,
      ...(rejectWith ? { rejectWith } : {}),
      steps,
    });
    all.push(...steps);
    if (verdict !== 'ACCEPT')
      return { verdict, ...(rejectWith ? { rejectWith } : {}), hooks, steps: all, notes, ...base };
  }
  return { verdict: 'ACCEPT', hooks, steps: all, notes, ...base };
}

/** The walk as text lines, for `pvefw simulate`. */
export function formatNftSimulation(result: NftSimulation, node: string): string[] {
  const hookNames = result.hooks.map((h) => `${h.table} ${h.hook}`).join(', ');
  const lines: string[] = [
    `proxmox-firewall (nftables) on node '${node}'${hookNames ? `, hooks ${hookNames}` : ''}: ${result.verdict}${result.rejectWith ? ` (reject with ${result.rejectWith})` : ''}`,
  ];
  for (const h of result.hooks) {
    lines.push(`  ${h.table} ${h.hook} (${h.where}): ${h.verdict}`);
    for (const s of h.steps) {
      const where = s.rule.origin ? ` [${s.rule.origin.path}:${s.rule.origin.lineNumber}]` : '';
      const matched = s.rule.matches.map((x) => matchText(x)).join(' ');
      lines.push(
        `    ${s.chain} #${s.index + 1}: ${matched ? `${matched} ` : ''}→ ${s.effect}${where}`,
      );
    }
  }
  lines.push(...result.notes);
  for (const k of result.skipped)
    lines.push(`note: ${k.origin.path}:${k.origin.lineNumber}: proxmox-firewall: ${k.message}`);
  return lines;
}

/**
 * The walk as a SimulationResult, for `pvefw test`: the verdict, and the walk as text (no
 * pve-firewall rule stands behind it).
 */
export function nftAsResult(
  model: ClusterModel,
  node: string,
  request: SimulateRequest,
): SimulationResult & { readonly packet: Packet } {
  const r = simulateNft(model, node, request);
  return {
    verdict: r.verdict,
    checks: [],
    packet: r.packet,
    nftables: formatNftSimulation(r, node),
  };
}

/**
 * A packet that opens a connection, at one entry of a node's tables (a hook with the interfaces
 * it fixes, nft-space.ts), walked rule by rule: the reachability analysis's witnesses are
 * checked this way. `iface` is the entry's open interface; without one, a name no rule uses.
 */
export function walkEntry(
  tables: NodeTables,
  entry: NftEntry,
  packet: WitnessPacket,
): { readonly verdict: NftVerdict; readonly steps: readonly NftStep[] } {
  const table = tables[entry.table];
  if (!table) return { verdict: 'ACCEPT', steps: [] };
  const proto = protoNumber(packet.proto) ?? -1;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (packet.icmpType !== undefined) {
    const coded = /^type ([0-9]+) code ([0-9]+)$/.exec(packet.icmpType);
    const range = coded ? undefined : icmpRange(packet.icmpType, packet.family);
    if (coded) [icmpType, icmpCode] = [Number(coded[1]), Number(coded[2])];
    else if (range) [icmpType, icmpCode] = [range[0] >> 8, range[0] & 255];
    else icmpType = icmpTypeNumber(packet.icmpType, packet.family);
  }
  const dsttype = packet.dstType.toUpperCase();
  const p: NftPacket = {
    family: packet.family,
    proto,
    ...(packet.sport !== undefined ? { sport: packet.sport } : {}),
    ...(packet.dport !== undefined ? { dport: packet.dport } : {}),
    ...(icmpType !== undefined ? { icmpType, icmpCode: icmpCode ?? 0 } : {}),
    saddr: addressValue(packet.source, packet.family),
    daddr: addressValue(packet.dest, packet.family),
    ...entry.fixed,
    ...(entry.open ? { [entry.open]: packet.iface ?? 'pvefw-other' } : {}),
    ctstate: 'new',
    pkttype: dsttype === 'BROADCAST' ? 'broadcast' : dsttype === 'MULTICAST' ? 'multicast' : 'host',
    tcpFlags: new Set<TcpFlag>(['syn']),
  };
  const steps: NftStep[] = [];
  let outcome: Outcome = { kind: 'end' };
  for (const base of HOOK_CHAINS[entry.table][entry.hook] ?? []) {
    outcome = walk(table, entry.table, base, p, steps);
    if (outcome.kind === 'verdict' && outcome.verdict !== 'ACCEPT') break;
  }
  return { verdict: outcome.kind === 'verdict' ? outcome.verdict : 'ACCEPT', steps };
}
