import { intersect, isSubset, isEmpty, overlaps, subtract, type IntervalSet } from './intervals';

export type Family = 4 | 6;

/**
 * The dimensions a packet has for the analysis. `iface` numbers interface names (0 stands for
 * every name no rule mentions); `mark` is the accept bit groups set; `dsttype` the address
 * type (unicast, broadcast, …) of the destination.
 */
// Small dimensions first: most intersections fail there, before the long address lists.
export const DIMENSIONS = [
  'mark',
  'proto',
  'dport',
  'sport',
  'icmp',
  'iface',
  'dsttype',
  'source',
  'dest',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A product of one interval set per dimension: all packets whose every field lies in its set. */
export type Box = Readonly<Record<Dimension, IntervalSet>>;

/**
 * The one shape every box of the analysis has. The walks read boxes made by a rule's conversion,
 * by an intersection, by a cut and by a change of the accept mark; made as literals, spreads and
 * class instances they had as many hidden classes, and every read of a field in the hot loops
 * went through V8's megamorphic lookup.
 */
export class PacketBox implements Box {
  constructor(
    readonly mark: IntervalSet,
    readonly proto: IntervalSet,
    readonly dport: IntervalSet,
    readonly sport: IntervalSet,
    readonly icmp: IntervalSet,
    readonly iface: IntervalSet,
    readonly dsttype: IntervalSet,
    readonly source: IntervalSet,
    readonly dest: IntervalSet,
  ) {}
}

/** The box with some dimensions replaced. */
export function boxWith(box: Box, changes: Partial<Box>): Box {
  return new PacketBox(
    changes.mark ?? box.mark,
    changes.proto ?? box.proto,
    changes.dport ?? box.dport,
    changes.sport ?? box.sport,
    changes.icmp ?? box.icmp,
    changes.iface ?? box.iface,
    changes.dsttype ?? box.dsttype,
    changes.source ?? box.source,
    changes.dest ?? box.dest,
  );
}

const NO_CHANGES: Partial<Box> = {};

/** A box with these fields (a PacketBox, whatever object holds them). */
export function boxOf(fields: Box): Box {
  return boxWith(fields, NO_CHANGES);
}

/** The box with this accept mark; most rules leave the mark open, and serve as they are. */
export function withMark(box: Box, mark: Box['mark']): Box {
  return box.mark === mark ? box : boxWith(box, { mark });
}

/** A disjoint union of boxes. */
export type Region = readonly Box[];

export const DST_TYPES = ['UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST'] as const;

const MAX_ADDRESS: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

const fullBoxes = new Map<string, Box>();

/**
 * Every packet of a family. Boxes share their interval arrays (they are never mutated), so the
 * dimensions a rule leaves open cost nothing per rule: this keeps 50,000-rule models small.
 */
export function fullBox(family: Family, interfaceCount: number): Box {
  const key = `${family} ${interfaceCount}`;
  const known = fullBoxes.get(key);
  if (known) return known;
  // Not frozen: a frozen object has a shape of its own (see PacketBox); its fields are readonly.
  const full = family === 4 ? FULL_V4 : FULL_V6;
  const box = new PacketBox(
    ANY_MARK,
    FULL_PROTO,
    FULL_PORTS,
    FULL_PORTS,
    // ICMP type * 256 + code
    FULL_PORTS,
    sharedRange(0n, BigInt(interfaceCount)),
    FULL_DST_TYPES,
    full,
    full,
  );
  if (fullBoxes.size > 64) fullBoxes.clear();
  fullBoxes.set(key, box);
  return box;
}

/**
 * {lo..hi} as an interval set that boxes can share: never mutated (IntervalSet is readonly).
 * Not frozen: frozen arrays have hidden classes of their own, and every interval loop of the
 * walks then read two kinds of array.
 */
export function sharedRange(lo: bigint, hi: bigint): IntervalSet {
  return [[lo, hi]];
}

const FULL_PROTO = sharedRange(0n, 255n);
const FULL_PORTS = sharedRange(0n, 65535n);
const FULL_V4 = sharedRange(0n, MAX_ADDRESS[4]);
const FULL_V6 = sharedRange(0n, MAX_ADDRESS[6]);
const FULL_DST_TYPES = sharedRange(0n, BigInt(DST_TYPES.length - 1));
/** Either value of the accept mark, or exactly one: shared because every walk sets one. */
export const ANY_MARK = sharedRange(0n, 1n);
export const NO_MARK = sharedRange(0n, 0n);
export const HAS_MARK = sharedRange(1n, 1n);

/** Whether two boxes share a packet, without building their intersection. */
export function boxesOverlap(a: Box, b: Box): boolean {
  // Written out: a loop over DIMENSIONS reads each field by a changing key, which V8 cannot
  // cache, and this runs millions of times per analysis.
  return (
    overlaps(a.mark, b.mark) &&
    overlaps(a.proto, b.proto) &&
    overlaps(a.dport, b.dport) &&
    overlaps(a.sport, b.sport) &&
    overlaps(a.icmp, b.icmp) &&
    overlaps(a.iface, b.iface) &&
    overlaps(a.dsttype, b.dsttype) &&
    overlaps(a.source, b.source) &&
    overlaps(a.dest, b.dest)
  );
}

/** a ∩ b, or undefined when they share no packet. */
export function boxIntersect(a: Box, b: Box): Box | undefined {
  // Written out, as boxesOverlap (and for the same reason), ending at the first empty dimension.
  const mark = intersect(a.mark, b.mark);
  if (isEmpty(mark)) return undefined;
  const proto = intersect(a.proto, b.proto);
  if (isEmpty(proto)) return undefined;
  const dport = intersect(a.dport, b.dport);
  if (isEmpty(dport)) return undefined;
  const sport = intersect(a.sport, b.sport);
  if (isEmpty(sport)) return undefined;
  const icmp = intersect(a.icmp, b.icmp);
  if (isEmpty(icmp)) return undefined;
  const iface = intersect(a.iface, b.iface);
  if (isEmpty(iface)) return undefined;
  const dsttype = intersect(a.dsttype, b.dsttype);
  if (isEmpty(dsttype)) return undefined;
  const source = intersect(a.source, b.source);
  if (isEmpty(source)) return undefined;
  const dest = intersect(a.dest, b.dest);
  if (isEmpty(dest)) return undefined;
  return new PacketBox(mark, proto, dport, sport, icmp, iface, dsttype, source, dest);
}

/** a \ b as disjoint boxes. */
export function boxSubtract(a: Box, b: Box): Box[] {
  if (!boxesOverlap(a, b)) return [a];
  const pieces: Box[] = [];
  cut(a, b, pieces);
  return pieces;
}

/**
 * Cuts `a`, which meets `b`, into a ∩ b (returned) and the disjoint pieces of a \ b (pushed to
 * `outside`): one pass over the dimensions gives both, since what is left of `a` after cutting
 * off, dimension by dimension, what lies outside `b` is their intersection.
 */
function cut(a: Box, b: Box, outside: Box[]): Box {
  // Written out, dimension by dimension in DIMENSIONS order (as boxesOverlap, and for the same
  // reason): the walks cut millions of pieces. Each piece cut off takes the dimensions before
  // its own from the intersection so far, and the later ones from `a`.
  let mark = a.mark;
  let proto = a.proto;
  let dport = a.dport;
  let sport = a.sport;
  let icmp = a.icmp;
  let iface = a.iface;
  let dsttype = a.dsttype;
  let source = a.source;
  let dest = a.dest;
  let changed = false;
  let inside: IntervalSet;
  let out: IntervalSet;
  // Where b spans the whole dimension nothing is cut off: most dimensions of most rules.
  if ((inside = intersect(mark, b.mark)) !== mark) {
    if (!isEmpty((out = subtract(mark, b.mark))))
      outside.push(new PacketBox(out, proto, dport, sport, icmp, iface, dsttype, source, dest));
    mark = inside;
    changed = true;
  }
  if ((inside = intersect(proto, b.proto)) !== proto) {
    if (!isEmpty((out = subtract(proto, b.proto))))
      outside.push(new PacketBox(mark, out, dport, sport, icmp, iface, dsttype, source, dest));
    proto = inside;
    changed = true;
  }
  if ((inside = intersect(dport, b.dport)) !== dport) {
    if (!isEmpty((out = subtract(dport, b.dport))))
      outside.push(new PacketBox(mark, proto, out, sport, icmp, iface, dsttype, source, dest));
    dport = inside;
    changed = true;
  }
  if ((inside = intersect(sport, b.sport)) !== sport) {
    if (!isEmpty((out = subtract(sport, b.sport))))
      outside.push(new PacketBox(mark, proto, dport, out, icmp, iface, dsttype, source, dest));
    sport = inside;
    changed = true;
  }
  if ((inside = intersect(icmp, b.icmp)) !== icmp) {
    if (!isEmpty((out = subtract(icmp, b.icmp))))
      outside.push(new PacketBox(mark, proto, dport, sport, out, iface, dsttype, source, dest));
    icmp = inside;
    changed = true;
  }
  if ((inside = intersect(iface, b.iface)) !== iface) {
    if (!isEmpty((out = subtract(iface, b.iface))))
      outside.push(new PacketBox(mark, proto, dport, sport, icmp, out, dsttype, source, dest));
    iface = inside;
    changed = true;
  }
  if ((inside = intersect(dsttype, b.dsttype)) !== dsttype) {
    if (!isEmpty((out = subtract(dsttype, b.dsttype))))
      outside.push(new PacketBox(mark, proto, dport, sport, icmp, iface, out, source, dest));
    dsttype = inside;
    changed = true;
  }
  if ((inside = intersect(source, b.source)) !== source) {
    if (!isEmpty((out = subtract(source, b.source))))
      outside.push(new PacketBox(mark, proto, dport, sport, icmp, iface, dsttype, out, dest));
    source = inside;
    changed = true;
  }
  if ((inside = intersect(dest, b.dest)) !== dest) {
    if (!isEmpty((out = subtract(dest, b.dest))))
      outside.push(new PacketBox(mark, proto, dport, sport, icmp, iface, dsttype, source, out));
    dest = inside;
    changed = true;
  }
  return changed ? new PacketBox(mark, proto, dport, sport, icmp, iface, dsttype, source, dest) : a;
}

/**
 * The packets of a region in a box (`hit`) and out of it (`rest`), each a disjoint union: what
 * regionIntersect and regionSubtract give, in one pass with one overlap test per piece.
 */
export function regionSplit(region: Region, box: Box): { hit: Box[]; rest: Box[] } {
  const hit: Box[] = [];
  const rest: Box[] = [];
  for (const piece of region) {
    if (!boxesOverlap(piece, box)) rest.push(piece);
    else hit.push(cut(piece, box, rest));
  }
  return { hit, rest };
}

/** Whether some piece of the region shares a packet with the box. */
export function regionMeets(region: Region, box: Box): boolean {
  return region.some((piece) => boxesOverlap(piece, box));
}

export function regionSubtract(region: Region, box: Box): Box[] {
  const out: Box[] = [];
  for (const piece of region) {
    if (!boxesOverlap(piece, box)) out.push(piece);
    else for (const part of boxSubtract(piece, box)) out.push(part);
  }
  return out;
}

export function regionIntersect(region: Region, box: Box): Box[] {
  const out: Box[] = [];
  for (const piece of region) {
    if (!boxesOverlap(piece, box)) continue;
    const both = boxIntersect(piece, box);
    if (both) out.push(both);
  }
  return out;
}

/** One concrete packet of a box: the lowest value in every dimension, which is deterministic. */
export function pickPoint(box: Box): Record<Dimension, bigint> {
  const point: Partial<Record<Dimension, bigint>> = {};
  for (const d of DIMENSIONS) point[d] = box[d][0]![0];
  return point as Record<Dimension, bigint>;
}

export function pointInBox(point: Record<Dimension, bigint>, box: Box): boolean {
  return DIMENSIONS.every((d) => box[d].some(([lo, hi]) => point[d] >= lo && point[d] <= hi));
}

/** Whether every packet of `a` is in `b`. */
export function isBoxSubset(a: Box, b: Box): boolean {
  // Written out, as boxesOverlap: the disabled rules' checks run it for many pairs of rules.
  return (
    isSubset(a.proto, b.proto) &&
    isSubset(a.dport, b.dport) &&
    isSubset(a.sport, b.sport) &&
    isSubset(a.icmp, b.icmp) &&
    isSubset(a.iface, b.iface) &&
    isSubset(a.dsttype, b.dsttype) &&
    isSubset(a.source, b.source) &&
    isSubset(a.dest, b.dest)
  );
}
