import type { IptAddress, IptMatch, PortItem } from '../compile';
import type { IpSetDefinition } from '../compile';
import { icmpRange } from '../facts';
import { PROTOCOLS } from '../facts';
import { SERVICE_BY_NAME } from '../model';
import { ipsetContains, parseAddress } from './address';
import type { Packet } from './simulation-types';

const PROTOCOL_NUMBER = new Map<string, number>(
  PROTOCOLS.filter((p) => p.number !== null).map((p) => [p.name, p.number!]),
);
PROTOCOL_NUMBER.set('icmpv6', 58);

/** Protocols are compared by number, so `-p 6` matches a tcp packet. */
function sameProtocol(a: string, b: string): boolean {
  const number = (p: string): number | undefined =>
    /^[0-9]+$/.test(p) ? Number(p) : PROTOCOL_NUMBER.get(p);
  const [x, y] = [number(a), number(b)];
  return x !== undefined && y !== undefined ? x === y : a === b;
}

/** An interface name against iptables' pattern, where a trailing `+` matches any suffix. */
export function deviceMatches(pattern: string, device: string | undefined): boolean {
  if (device === undefined) return false;
  return pattern.endsWith('+') ? device.startsWith(pattern.slice(0, -1)) : device === pattern;
}

function portMatches(items: readonly PortItem[], port: string | undefined): boolean {
  if (port === undefined) return false;
  const value = /^[0-9]+$/.test(port) ? Number(port) : SERVICE_BY_NAME.get(port);
  return value !== undefined && items.some((i) => value >= i.first && value <= i.last);
}

function addressMatches(
  match: IptAddress,
  text: string,
  sets: ReadonlyMap<string, IpSetDefinition>,
): boolean {
  const address = parseAddress(text);
  if (!address) return false;
  if (match.kind === 'set') {
    const set = sets.get(match.name);
    const member = set !== undefined && ipsetContains(set, address);
    return member !== match.negated;
  }
  return match.ranges.some(
    (r) => r.family === address.family && address.value >= r.first && address.value <= r.last,
  );
}

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];

/**
 * The packet's TCP flags: as given, else SYN alone for a packet that opens a connection (new,
 * or related: a connection a helper expects) and ACK for one inside a connection or none.
 */
function packetTcpFlags(packet: Packet): ReadonlySet<string> {
  if (packet.tcpFlags) return new Set(packet.tcpFlags);
  return new Set([packet.ctstate === 'NEW' || packet.ctstate === 'RELATED' ? 'SYN' : 'ACK']);
}

function flagSet(names: readonly string[]): Set<string> {
  if (names.includes('ALL')) return new Set(TCP_FLAGS);
  return new Set(names.filter((n) => n !== 'NONE'));
}

function tcpFlagsMatch(flags: NonNullable<IptMatch['tcpFlags']>, packet: Packet): boolean {
  const mask = flagSet(flags.mask);
  const comp = flagSet(flags.comp);
  const set = packetTcpFlags(packet);
  const equal = TCP_FLAGS.every((f) => (mask.has(f) && set.has(f)) === comp.has(f));
  return equal !== flags.negated;
}

/** Whether every condition of a compiled rule holds for the packet (first failing one wins). */
export function ruleMatches(
  match: IptMatch,
  packet: Packet,
  sets: ReadonlyMap<string, IpSetDefinition>,
  mark: number,
): boolean {
  if (match.iface !== undefined && !deviceMatches(match.iface, packet.ifaceIn)) return false;
  if (match.oface !== undefined && !deviceMatches(match.oface, packet.ifaceOut)) return false;
  if (match.physdev) {
    if (match.physdev.in !== undefined && !deviceMatches(match.physdev.in, packet.physdevIn)) {
      return false;
    }
    if (match.physdev.out !== undefined && !deviceMatches(match.physdev.out, packet.physdevOut)) {
      return false;
    }
  }
  if (match.proto !== undefined && !sameProtocol(match.proto, packet.proto)) return false;
  if (match.source && !addressMatches(match.source, packet.source, sets)) return false;
  if (match.dest && !addressMatches(match.dest, packet.dest, sets)) return false;
  if (match.sport && !portMatches(match.sport, packet.sport)) return false;
  if (match.dport && !portMatches(match.dport, packet.dport)) return false;
  if (match.icmpType) {
    const family = match.icmpType.protocol === 'icmp' ? 4 : 6;
    const wanted = icmpRange(match.icmpType.type, family);
    const got = packet.dport !== undefined ? icmpRange(packet.dport, family) : undefined;
    if (!wanted || !got || got[0] < wanted[0] || got[0] > wanted[1]) return false;
  }
  if (match.ctstate && !match.ctstate.includes(packet.ctstate)) return false;
  if (match.srcType !== undefined && match.srcType !== packet.srctype) return false;
  if (match.dstType !== undefined && match.dstType !== packet.dsttype) return false;
  if (match.mark && (mark & match.mark.mask) >>> 0 !== match.mark.value >>> 0) return false;
  if (match.macSource) {
    const same = packet.macSource?.toLowerCase() === match.macSource.mac.toLowerCase();
    if (same === match.macSource.negated) return false;
  }
  if (match.tcpFlags && !tcpFlagsMatch(match.tcpFlags, packet)) return false;
  return true;
}
