// A packet to or from a node on proxmox-firewall, walked rule by rule through the node's
// `inet proxmox-firewall` table (input or output hook) as the kernel evaluates it: jump and goto,
// the conntrack vmap, `do-reject`'s replies. Guests (the bridge table) are not walked here.
import { PROTOCOLS } from '../facts/generated/netbase';
import { modelNode } from '../compile/node-input';
import type { ClusterModel } from '../model/cluster-model';
import { requestPacket } from '../simulate/simulate';
import type { Packet, SimulateRequest, SimulationResult } from '../simulate/types';
import { resolveZone, ZoneError } from '../simulate/zones';
import { parseIpv4, parseIpv6, type Family } from './rust-text';
import { icmpTypeNumber } from './rust-types';
import { matchText } from './nft-text';
import { buildNodeRuleset, type NftMatch, type NftRule, type NodeSkip } from './ruleset';
import { icmpRange } from '../facts/icmp-codes';

export type NftVerdict = 'ACCEPT' | 'DROP' | 'REJECT';

export interface NftStep {
  readonly chain: string;
  readonly index: number;
  readonly rule: NftRule;
  readonly effect: string;
}

export interface NftSimulation {
  readonly verdict: NftVerdict;
  /** The reply a REJECT sends, e.g. `tcp reset`, `icmpx port-unreachable`. */
  readonly rejectWith?: string;
  readonly hook: 'input' | 'output';
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
  readonly ctstate: string;
  readonly pkttype: string;
  /** A TCP packet whose flags (of fin, syn, rst, ack) are syn alone. */
  readonly syn: boolean;
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

function matches(match: NftMatch, p: NftPacket): boolean {
  switch (match.kind) {
    case 'iifname':
      return p.iifname === match.name;
    case 'oifname':
      return p.oifname === match.name;
    case 'nfproto':
      return p.family === match.family;
    case 'tcp-syn':
      return p.proto === 6 && p.syn !== match.negate;
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
      if (p.family !== match.family) return false;
      const value = match.field === 'saddr' ? p.saddr : p.daddr;
      const inside = match.ranges.some(([a, b]) => value >= a && value <= b);
      return match.negate ? !inside : inside;
    }
    case 'icmp': {
      if (p.family !== match.family || p.proto !== (match.family === 4 ? 1 : 58)) return false;
      if (match.types && (p.icmpType === undefined || !match.types.includes(p.icmpType)))
        return false;
      if (match.code !== undefined && p.icmpCode !== match.code) return false;
      return true;
    }
  }
}

type Outcome =
  | { readonly kind: 'verdict'; readonly verdict: NftVerdict; readonly rejectWith?: string }
  | { readonly kind: 'end' };

function walk(
  chains: ReadonlyMap<string, readonly NftRule[]>,
  start: string,
  p: NftPacket,
  steps: NftStep[],
): Outcome {
  const stack: { chain: string; index: number }[] = [];
  let chain = start;
  let index = 0;
  /** Back to the rule after the last jump; false at the end of the base chain. */
  const back = (): boolean => {
    const to = stack.pop();
    if (!to) return false;
    ({ chain, index } = to);
    return true;
  };
  for (let guard = 0; guard < 100000; guard++) {
    const rules = chains.get(chain) ?? [];
    if (index >= rules.length) {
      if (!back()) return { kind: 'end' };
      continue;
    }
    const rule = rules[index]!;
    const here = index;
    index++;
    if (!rule.matches.every((x) => matches(x, p))) continue;
    const s = rule.statement;
    const step = (effect: string): void => {
      steps.push({ chain, index: here, rule, effect });
    };
    switch (s.kind) {
      case 'log':
        step('log');
        continue;
      case 'accept':
        step('accept');
        return { kind: 'verdict', verdict: 'ACCEPT' };
      case 'drop':
        step('drop');
        return { kind: 'verdict', verdict: 'DROP' };
      case 'reject':
        step(`reject with ${s.with}`);
        return { kind: 'verdict', verdict: 'REJECT', rejectWith: s.with };
      case 'return':
        step('return');
        if (!back()) return { kind: 'end' };
        continue;
      case 'jump':
      case 'goto':
        step(`${s.kind} ${s.target}`);
        if (s.kind === 'jump') stack.push({ chain, index });
        chain = s.target;
        index = 0;
        continue;
      case 'ct-vmap':
        if (p.ctstate === 'invalid') {
          step('ct state invalid: jump invalid-conntrack');
          stack.push({ chain, index });
          chain = 'invalid-conntrack';
          index = 0;
        } else if (p.ctstate === 'established' || p.ctstate === 'related') {
          step(`ct state ${p.ctstate}: accept`);
          return { kind: 'verdict', verdict: 'ACCEPT' };
        }
        continue;
    }
  }
  throw new Error('nftables walk did not end');
}

/** A new or related TCP packet is a SYN unless the request says otherwise (see Packet). */
function synOnly(packet: Packet): boolean {
  const flags =
    packet.tcpFlags ??
    (packet.ctstate === 'NEW' || packet.ctstate === 'RELATED' ? ['SYN'] : ['ACK']);
  const relevant = flags
    .map((f) => f.toUpperCase())
    .filter((f) => ['FIN', 'SYN', 'RST', 'ACK'].includes(f));
  return relevant.length === 1 && relevant[0] === 'SYN';
}

function nftPacket(packet: Packet, iifname?: string, oifname?: string): NftPacket {
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
    ...(iifname !== undefined ? { iifname } : {}),
    ...(oifname !== undefined ? { oifname } : {}),
    ctstate: packet.ctstate.toLowerCase(),
    pkttype: dsttype === 'BROADCAST' ? 'broadcast' : dsttype === 'MULTICAST' ? 'multicast' : 'host',
    syn: synOnly(packet),
  };
}

/**
 * Sends one packet to or from the node (`from` or `to` is `host`) through the ruleset
 * proxmox-firewall builds there. Throws ZoneError for what it cannot answer.
 */
export function simulateNftHost(
  model: ClusterModel,
  nodeName: string,
  request: SimulateRequest,
): NftSimulation {
  const node = modelNode(model, nodeName);
  if (!node) throw new ZoneError(`no node '${nodeName}'`);
  const topology = { ...model.topology, localNode: nodeName };
  const inbound = request.to === 'host';
  if (!inbound && request.from !== 'host')
    throw new ZoneError(
      "proxmox-firewall's guest and bridge traffic (table bridge proxmox-firewall-guests) is not simulated yet: give --from host or --to host",
    );
  const packet = requestPacket(request, topology);
  const other = resolveZone(inbound ? request.from : request.to, topology);
  const bridge = other.type === 'host' ? 'lo' : other.bridge;
  const built = buildNodeRuleset(model, node);
  const notes: string[] = [];
  if (built.ruleset.state !== 'active') {
    notes.push(`note: ${built.ruleset.why}`);
    return {
      verdict: 'ACCEPT',
      hook: inbound ? 'input' : 'output',
      steps: [],
      packet,
      notes,
      skipped: built.skipped,
    };
  }
  const p = nftPacket(packet, inbound ? bridge : undefined, inbound ? undefined : bridge);
  const steps: NftStep[] = [];
  const hook = inbound ? 'input' : 'output';
  const outcome = walk(built.ruleset.chains, hook, p, steps);
  // The base chains' policy is accept.
  const verdict = outcome.kind === 'verdict' ? outcome.verdict : 'ACCEPT';
  return {
    verdict,
    ...(outcome.kind === 'verdict' && outcome.rejectWith ? { rejectWith: outcome.rejectWith } : {}),
    hook,
    steps,
    packet,
    notes,
    skipped: built.skipped,
  };
}

/** The walk as text lines, for `pvefw simulate`. */
export function formatNftSimulation(result: NftSimulation, node: string): string[] {
  const lines: string[] = [
    `proxmox-firewall (nftables) on node '${node}', hook ${result.hook}: ${result.verdict}${result.rejectWith ? ` (reject with ${result.rejectWith})` : ''}`,
  ];
  for (const s of result.steps) {
    const where = s.rule.origin ? ` [${s.rule.origin.path}:${s.rule.origin.lineNumber}]` : '';
    const matched = s.rule.matches.map((x) => matchText(x, 'named')).join(' ');
    lines.push(
      `  ${s.chain} #${s.index + 1}: ${matched ? `${matched} ` : ''}→ ${s.effect}${where}`,
    );
  }
  lines.push(...result.notes);
  for (const k of result.skipped)
    lines.push(`note: ${k.origin.path}:${k.origin.lineNumber}: proxmox-firewall: ${k.message}`);
  return lines;
}

/**
 * The walk as a SimulationResult, for `pvefw test`: the verdict, and one hook check whose events
 * name the rules it matched (no pve-firewall rule stands behind them).
 */
export function nftAsResult(
  model: ClusterModel,
  node: string,
  request: SimulateRequest,
): SimulationResult & { readonly packet: Packet } {
  const r = simulateNftHost(model, node, request);
  return {
    verdict: r.verdict,
    checks: [],
    packet: r.packet,
    nftables: formatNftSimulation(r, node),
  };
}
