import { ICMP_CODES, ICMPV6_CODES } from '../facts';
import { PROTOCOLS } from '../facts';
import { contains, type IntervalSet } from './intervals';
import type { InterfaceNames } from './ipt-to-box';
import { DST_TYPES, type Box, type Dimension, type Family } from './packet-space';

/** A concrete packet, as the user would describe it. */
export interface Packet {
  readonly family: Family;
  readonly proto: string;
  readonly source: string;
  readonly dest: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly icmpType?: string;
  readonly iface?: string;
  readonly dstType: string;
}

// Documentation addresses (RFC 5737, RFC 3849) read as "some address" rather than a real one.
const PREFERRED_ADDRESS: Record<Family, bigint> = {
  4: 0xc0000201n,
  6: 0x20010db8000000000000000000000001n,
};
const PREFERRED_PROTO = [6n, 17n, 1n, 58n];
const PREFERRED_PROTO_V6 = [6n, 17n, 58n, 1n];
const PREFERRED_SPORT = 40000n;
// Echo request, then echo reply, then port unreachable, in each family's numbering.
const PREFERRED_ICMP: Record<Family, readonly bigint[]> = {
  4: [8n * 256n, 0n, 3n * 256n + 3n],
  6: [128n * 256n, 129n * 256n, 256n + 4n],
};

function prefer(set: IntervalSet, choices: readonly bigint[]): bigint {
  for (const c of choices) if (contains(set, c)) return c;
  const [lo, hi] = set[0]!;
  // A network's first address (…0) looks odd in a witness; take the next one when there is one.
  return lo < hi ? lo + 1n : lo;
}

export function formatAddress(value: bigint, family: Family): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (value >> BigInt((7 - i) * 16)) & 0xffffn);
  // Compress the longest run of two or more zero groups, as people write IPv6 addresses.
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (g: bigint[]): string => g.map((x) => x.toString(16)).join(':');
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

export function icmpName(value: bigint, family: Family): string {
  const type = Number(value / 256n);
  const code = Number(value % 256n);
  const table = family === 4 ? ICMP_CODES : ICMPV6_CODES;
  const exact = Object.entries(table).find(
    ([, [t, lo, hi]]) => t === type && lo === code && hi === code,
  );
  const whole = Object.entries(table).find(
    ([, [t, lo, hi]]) => t === type && lo === 0 && hi === 255,
  );
  return exact?.[0] ?? whole?.[0] ?? `type ${type} code ${code}`;
}

/** Addresses a witness should use when the box holds them (a node's own, a guest's). */
export interface PreferredAddresses {
  readonly source?: readonly bigint[];
  readonly dest?: readonly bigint[];
  /** Destination ports to use first, for a wide class (else its lowest port). */
  readonly dport?: readonly bigint[];
}

export function pickPacket(
  box: Box,
  family: Family,
  names: InterfaceNames,
  preferred: PreferredAddresses = {},
): Packet {
  const v = (d: Dimension, choices: readonly bigint[] = []): bigint => prefer(box[d], choices);
  const proto = v('proto', family === 6 ? PREFERRED_PROTO_V6 : PREFERRED_PROTO);
  const protoName =
    PROTOCOLS.find((p) => p.number === Number(proto))?.name ??
    (proto === 58n ? 'icmpv6' : String(proto));
  const ported = [6n, 17n, 33n, 132n, 136n].includes(proto);
  const icmp = proto === 1n || proto === 58n;
  const iface = box.iface[0]![0];
  return {
    family,
    proto: protoName,
    source: formatAddress(
      v('source', [...(preferred.source ?? []), PREFERRED_ADDRESS[family]]),
      family,
    ),
    dest: formatAddress(
      v('dest', [...(preferred.dest ?? []), PREFERRED_ADDRESS[family] + 1n]),
      family,
    ),
    ...(ported
      ? {
          sport: Number(v('sport', [PREFERRED_SPORT])),
          dport: Number(preferred.dport ? v('dport', preferred.dport) : box.dport[0]![0]),
        }
      : {}),
    ...(icmp
      ? {
          icmpType: icmpName(v('icmp', PREFERRED_ICMP[family]), family),
        }
      : {}),
    ...(box.iface.length === 1 && box.iface[0]![0] === box.iface[0]![1] && iface !== 0n
      ? { iface: names.nameOf(Number(iface)) }
      : {}),
    dstType: DST_TYPES[Number(box.dsttype[0]![0])] ?? 'UNICAST',
  };
}

/** Among the pieces of a region, the one whose packet reads most naturally. */
export function pickPacketFrom(
  boxes: readonly Box[],
  family: Family,
  names: InterfaceNames,
): Packet {
  // The first of the best scored, as a stable sort would give.
  let best = boxes[0]!;
  let bestScore = naturalness(best, family);
  for (const box of boxes.slice(1)) {
    const score = naturalness(box, family);
    if (score > bestScore) [best, bestScore] = [box, score];
  }
  return pickPacket(best, family, names);
}

/** How ordinary the packets of a box read: a unicast packet between documentation addresses. */
export function naturalness(box: Box, family: Family): number {
  return (
    (contains(box.source, PREFERRED_ADDRESS[family]) ? 4 : 0) +
    (contains(box.dest, PREFERRED_ADDRESS[family] + 1n) ? 2 : 0) +
    (contains(box.dsttype, 0n) ? 1 : 0)
  );
}

export function describePacket(p: Packet): string {
  const ports =
    p.dport !== undefined
      ? ` ${p.source}:${p.sport} → ${p.dest}:${p.dport}`
      : ` ${p.source} → ${p.dest}`;
  const icmp = p.icmpType ? ` ${p.icmpType}` : '';
  const iface = p.iface ? ` on ${p.iface}` : '';
  const type = p.dstType !== 'UNICAST' ? ` (${p.dstType.toLowerCase()})` : '';
  return `IPv${p.family} ${p.proto}${icmp}${ports}${iface}${type}`;
}
