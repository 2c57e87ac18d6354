// The flows a change gives another verdict, as classes a person reads ("inbound tcp port 8006 to
// pve1 from anywhere except +mgmt: ACCEPT → DROP"), each with one concrete packet as proof.
// The classes are exact: the boxes of each class together are the packets that change, merged
// only where their union is itself a box.
import { networksOf } from '../analysis';
import {
  contains,
  equals,
  isEmpty,
  isSubset,
  normalise,
  size,
  subtract,
  type IntervalSet,
} from '../analysis';
import type { InterfaceNames } from '../analysis';
import {
  ANY_MARK,
  boxesOverlap,
  boxIntersect,
  boxOf,
  DIMENSIONS,
  DST_TYPES,
  fullBox,
  regionSubtract,
  type Box,
  type Family,
} from '../analysis';
import {
  describePacket,
  icmpName,
  naturalness,
  pickPacket,
  type PreferredAddresses,
} from '../analysis';
import { PROTOCOLS } from '../facts';
import type { FlowChange } from './impact';

export type FlowVerdict = 'ACCEPT' | 'DROP' | 'REJECT';

/** A verdict and the packets that get it, from either backend's walk of one entry. */
export interface VerdictRegion<Ref = unknown> {
  readonly verdict: FlowVerdict;
  readonly region: readonly Box[];
  /** What decided: a rule, a policy; the caller names it (see FlowClass.beforeBy). */
  readonly by?: Ref;
}

/** An address set with a name people know it by: a node, a guest, an ipset, an alias. */
export interface NamedAddresses {
  readonly name: string;
  readonly set: IntervalSet;
}

/** Where the packets enter: a host's or a guest NIC's chain, in one direction. */
export interface FlowEntry {
  /** `host pve1`, `guest 100 (web) net0`. */
  readonly where: string;
  /** `forwarded`: traffic the node routes or a VNet bridges (proxmox-firewall). */
  readonly direction: 'inbound' | 'outbound' | 'forwarded';
  /** The firewalled side as the class text names it: `pve1`, `guest 100`. */
  readonly self: string;
  /** The firewalled side's own addresses, for the example packet. */
  readonly selfAddresses: readonly bigint[];
}

export interface ClassContext {
  readonly family: Family;
  readonly names: InterfaceNames;
  /** Names for address sets, most specific first: the first exact match is used. */
  readonly known: readonly NamedAddresses[];
}

export interface FlowClass<Ref = unknown> {
  readonly where: string;
  /** e.g. `inbound tcp port 8006 to pve1 from anywhere except +mgmt`. */
  readonly text: string;
  readonly before: FlowVerdict;
  readonly after: FlowVerdict;
  /** One packet of the class, e.g. `IPv4 tcp 192.0.2.1:40000 → 10.0.0.11:8006`. */
  readonly example: string;
  /** What decided the class's packets before and after (a few, the most common first). */
  readonly beforeBy: readonly Ref[];
  readonly afterBy: readonly Ref[];
}

export interface EntryClasses<Ref = unknown> {
  readonly classes: FlowClass<Ref>[];
  /** Further classes of this entry not listed. */
  readonly more: number;
}

const MAX_PIECES = 4000;
const MAX_CLASSES_PER_CHANGE = 4;

/** Packets whose verdict changes, with what decided them on each side. */
interface ChangedPiece<Ref> {
  readonly box: Box;
  readonly before: Ref | undefined;
  readonly after: Ref | undefined;
}

/** The packets whose verdict goes from one to another, per (before, after) pair. */
function changedRegions<Ref>(
  was: readonly VerdictRegion<Ref>[],
  now: readonly VerdictRegion<Ref>[],
): Map<string, ChangedPiece<Ref>[]> {
  const out = new Map<string, ChangedPiece<Ref>[]>();
  let pieces = 0;
  for (const d1 of was) {
    for (const d2 of now) {
      if (d1.verdict === d2.verdict) continue;
      const key = `${d1.verdict} ${d2.verdict}`;
      for (const b1 of d1.region) {
        for (const b2 of d2.region) {
          // The accept mark is how groups talk to their callers, not a property of the packet:
          // a packet a group accepts leaves the walk marked, the same packet dropped unmarked.
          const piece = boxIntersect({ ...b1, mark: ANY_MARK }, { ...b2, mark: ANY_MARK });
          if (!piece) continue;
          const changed = { box: piece, before: d1.by, after: d2.by };
          const list = out.get(key);
          if (list) list.push(changed);
          else out.set(key, [changed]);
          if (++pieces >= MAX_PIECES) return out;
        }
      }
    }
  }
  return out;
}

function setKey(set: IntervalSet): string {
  return set.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/**
 * Merges boxes that differ in one dimension only into one box (their union is then exactly
 * that box), until none do: a disjoint region of many small pieces becomes a few readable ones.
 */
export function coalesce(boxes: readonly Box[]): Box[] {
  let current = [...boxes];
  for (let round = 0; round < 16; round++) {
    let merged = false;
    for (const d of DIMENSIONS) {
      const groups = new Map<string, [Box, ...Box[]]>();
      for (const box of current) {
        const key = DIMENSIONS.filter((o) => o !== d)
          .map((o) => setKey(box[o]))
          .join('|');
        const group = groups.get(key);
        if (group) group.push(box);
        else groups.set(key, [box]);
      }
      if (groups.size === current.length) continue;
      merged = true;
      current = [...groups.values()].map((group) =>
        group.length === 1 ? group[0] : { ...group[0], [d]: normalise(group.flatMap((b) => b[d])) },
      );
    }
    if (!merged) break;
  }
  return current;
}

function protocolName(n: bigint, family: Family): string {
  if (n === 58n) return 'icmpv6';
  if (n === 1n && family === 4) return 'icmp';
  return (
    PROTOCOLS.find((p) => p.number !== null && BigInt(p.number) === n)?.name ?? `protocol ${n}`
  );
}

/** Values and ranges, a short range spelt out: `22, 80, 5900–5999`. */
function listOf(set: IntervalSet, name: (n: bigint) => string, limit: number): string {
  const parts: string[] = [];
  for (const [lo, hi] of set) {
    if (hi - lo < 3n) for (let v = lo; v <= hi; v++) parts.push(name(v));
    else parts.push(`${name(lo)}–${name(hi)}`);
  }
  return parts.length > limit ? `${parts.slice(0, limit).join(', ')}, …` : parts.join(', ');
}

/** A set of values read naturally: the values, or "all but" the few it lacks. */
function valuesText(
  set: IntervalSet,
  full: IntervalSet,
  name: (n: bigint) => string,
): string | undefined {
  if (equals(set, full)) return undefined;
  const missing = subtract(full, set);
  if (missing.length < set.length && size(missing) < size(set))
    return `all but ${listOf(missing, name, 4)}`;
  return listOf(set, name, 4);
}

/** ICMP types (the dimension holds type * 256 + code): whole types by name, else type/code. */
function icmpText(set: IntervalSet, family: Family): string | undefined {
  if (equals(set, ALL_PORTS)) return undefined;
  const types: [bigint, bigint][] = [];
  const parts: string[] = [];
  for (const [lo, hi] of set) {
    if (lo % 256n === 0n && hi % 256n === 255n) types.push([lo / 256n, hi / 256n]);
    else if (lo === hi) parts.push(icmpName(lo, family));
    else parts.push(`type ${lo / 256n} codes ${lo % 256n}–${hi % 256n}`);
  }
  for (const [first, last] of types) {
    if (last - first > 4n) parts.push(`types ${first}–${last}`);
    else for (let t = first; t <= last; t++) parts.push(icmpName(t * 256n, family));
  }
  return parts.length > 5 ? `${parts.slice(0, 5).join(', ')}, …` : parts.join(', ');
}

/** The one value a set holds, else undefined. */
function onlyValue(set: IntervalSet): bigint | undefined {
  const [first] = set;
  return set.length === 1 && first !== undefined && first[0] === first[1] ? first[0] : undefined;
}

const PORTED = [6n, 17n, 33n, 132n, 136n];
const ALL_PORTS: IntervalSet = [[0n, 65535n]];
const ALL_PROTOCOLS: IntervalSet = [[0n, 255n]];

/** `tcp port 8006`, `udp ports 5404–5405`, `icmp echo-request`, `all traffic`. */
export function serviceText(box: Box, family: Family): string {
  const protocols = valuesText(box.proto, ALL_PROTOCOLS, (n) => protocolName(n, family));
  if (protocols === undefined) return 'all traffic';
  const words = [protocols];
  const ported = box.proto.every(([lo, hi]) => lo === hi && PORTED.includes(lo));
  if (ported) {
    const ports = valuesText(box.dport, ALL_PORTS, String);
    if (ports !== undefined) {
      const single = onlyValue(box.dport) !== undefined;
      words.push(single ? `port ${ports}` : `ports ${ports}`);
    }
    const sports = valuesText(box.sport, ALL_PORTS, String);
    if (sports !== undefined) words.push(`(source port ${sports})`);
  }
  const proto = onlyValue(box.proto);
  if (proto === 1n || proto === 58n) {
    const types = icmpText(box.icmp, family);
    if (types !== undefined) words.push(types);
  }
  return words.join(' ');
}

/**
 * Sources no peer really sends from (multicast, unspecified, loopback): the kernel or Proxmox's
 * own rules treat them apart, and naming them in every class would hide what changed. The
 * example packet always comes from the class's real packets.
 */
export const UNREAL_SOURCES: Record<Family, IntervalSet> = {
  4: normalise([
    [0n, 0n],
    [0x7f000000n, 0x7fffffffn],
    [0xe0000000n, 0xefffffffn],
  ]),
  6: normalise([
    [0n, 1n],
    [0xffn << 120n, (1n << 128n) - 1n],
  ]),
};

/** An address set by its known name, as "anywhere except" a name, or as its networks. */
export function addressesText(
  set: IntervalSet,
  family: Family,
  known: readonly NamedAddresses[],
  everything: string,
  unreal: IntervalSet = [],
): string {
  const full = fullBox(family, 0).source;
  const exact = known.find((k) => equals(k.set, set));
  if (exact) return exact.name;
  const missing = subtract(subtract(full, set), unreal);
  if (isEmpty(missing)) return everything;
  const except = known.find((k) => equals(k.set, missing));
  if (except) return `${everything} except ${except.name}`;
  const shown = isSubset(set, unreal) ? set : subtract(set, unreal);
  const direct = networksOf(shown, family, 3);
  const inverse = networksOf(missing, family, 3);
  const asText = (n: { networks: string[]; more: number }): string =>
    n.more > 0 ? `${n.networks.join(', ')} and ${n.more} more networks` : n.networks.join(', ');
  if (inverse.networks.length + inverse.more < direct.networks.length + direct.more)
    return `${everything} except ${asText(inverse)}`;
  const named = namedCover(shown, family, known);
  if (named && named.parts < direct.networks.length + direct.more) return named.text;
  // A set inside a known one reads better as part of it: "part of +office".
  const within = known.find((k) => isSubset(shown, k.set) && !isEmpty(k.set));
  return within && direct.more > 0 ? `part of ${within.name}` : asText(direct);
}

/**
 * The set as known names it wholly holds (the largest first) plus the networks left:
 * `+management, 192.168.10.0/24`. Undefined when no known set fits.
 */
function namedCover(
  set: IntervalSet,
  family: Family,
  known: readonly NamedAddresses[],
): { text: string; parts: number } | undefined {
  const fitting = known
    .filter((k) => !isEmpty(k.set) && isSubset(k.set, set))
    .sort((a, b) => (size(b.set) > size(a.set) ? 1 : size(b.set) < size(a.set) ? -1 : 0));
  const names: string[] = [];
  let rest = set;
  for (const k of fitting) {
    if (names.length === 3 || isEmpty(rest)) break;
    // A set whose addresses an earlier name already covers adds nothing.
    if (isSubset(k.set, subtract(set, rest))) continue;
    names.push(k.name);
    rest = subtract(rest, k.set);
  }
  if (names.length === 0) return undefined;
  const left = networksOf(rest, family, 3);
  const parts = [...names, ...left.networks];
  const more = left.more > 0 ? ` and ${left.more} more networks` : '';
  return { text: `${parts.join(', ')}${more}`, parts: parts.length + left.more };
}

/** The interfaces, where a class is limited to some; loopback traffic is never a flow here. */
function interfaceText(box: Box, names: InterfaceNames): string | undefined {
  const all: IntervalSet = [[0n, BigInt(names.count)]];
  const lo = names.numberOf('lo');
  const relevant = lo === undefined ? all : subtract(all, [[BigInt(lo), BigInt(lo)]]);
  const set = intersectOf(box.iface, relevant);
  if (equals(set, relevant)) return undefined;
  // 0 stands for every interface no rule names: a set with it is "all but" the named ones.
  const name = (n: bigint): string => names.nameOf(Number(n));
  if (set.some(([a]) => a === 0n)) {
    const missing = subtract(relevant, set);
    return `not on ${listOf(missing, name, 4)}`;
  }
  return `on ${listOf(set, name, 4)}`;
}

function intersectOf(a: IntervalSet, b: IntervalSet): IntervalSet {
  return subtract(a, subtract(a, b));
}

function destinationTypeText(box: Box): string | undefined {
  if (box.dsttype.some(([lo]) => lo === 0n)) return undefined;
  return `(${listOf(box.dsttype, (n) => (DST_TYPES[Number(n)] ?? 'other').toLowerCase(), 5)})`;
}

function classText(box: Box, entry: FlowEntry, context: ClassContext): string {
  const { family, known } = context;
  const service = serviceText(box, family);
  const source = addressesText(box.source, family, known, 'anywhere', UNREAL_SOURCES[family]);
  const dest = addressesText(box.dest, family, known, 'anywhere');
  const words =
    entry.direction === 'inbound'
      ? ['inbound', service, 'to', dest === 'anywhere' ? entry.self : dest, 'from', source]
      : entry.direction === 'outbound'
        ? ['outbound', service, 'from', source === 'anywhere' ? entry.self : source, 'to', dest]
        : ['forwarded', service, 'through', entry.self, 'from', source, 'to', dest];
  const iface = interfaceText(box, context.names);
  if (iface) words.push(iface);
  const type = destinationTypeText(box);
  if (type) words.push(type);
  return words.join(' ');
}

/** A part of a class, told by what sets it apart from the class: `tcp port 22 from +office`. */
function partText(part: Box, whole: Box, entry: FlowEntry, context: ClassContext): string {
  const { family, known } = context;
  const words: string[] = [];
  if (!equals(part.proto, whole.proto) || !equals(part.dport, whole.dport)) {
    words.push(serviceText(part, family));
  } else if (!equals(part.icmp, whole.icmp)) words.push(serviceText(part, family));
  if (!equals(part.source, whole.source))
    words.push(
      `from ${addressesText(part.source, family, known, 'anywhere', UNREAL_SOURCES[family])}`,
    );
  if (!equals(part.dest, whole.dest))
    words.push(`to ${addressesText(part.dest, family, known, 'anywhere')}`);
  const iface = equals(part.iface, whole.iface) ? undefined : interfaceText(part, context.names);
  if (iface) words.push(iface);
  const type = equals(part.dsttype, whole.dsttype) ? undefined : destinationTypeText(part);
  if (type) words.push(type);
  return words.length > 0 ? words.join(' ') : classText(part, entry, context);
}

/** Whether no real flow is in the box (only unreal sources, or loopback). */
export function unrealOnly(box: Box, family: Family, names: InterfaceNames): boolean {
  const lo = names.numberOf('lo');
  return (
    isSubset(box.source, UNREAL_SOURCES[family]) ||
    (lo !== undefined && onlyValue(box.iface) === BigInt(lo))
  );
}

/** Per dimension, the union of every box's values: the smallest box holding them all. */
function boundingBox(boxes: readonly Box[]): Box {
  const out: Partial<Record<(typeof DIMENSIONS)[number], IntervalSet>> = {};
  for (const d of DIMENSIONS) out[d] = normalise(boxes.flatMap((b) => b[d]));
  return boxOf(out as Box);
}

/** How ordinary the packets of a box read: unicast first, then whole services. */
function weight(box: Box): number {
  return (
    (box.dsttype.some(([lo]) => lo === 0n) ? 4 : 0) + (equals(box.proto, ALL_PROTOCOLS) ? 2 : 0)
  );
}

const ORDER: Record<string, number> = {
  'ACCEPT DROP': 0,
  'ACCEPT REJECT': 0,
  'DROP ACCEPT': 1,
  'REJECT ACCEPT': 1,
};

const MAX_EXCEPTIONS = 3;
/** Ports an example packet of a wide class goes to, before port 0. */
const EXAMPLE_PORTS = [443n, 22n, 80n, 8006n, 1024n];

/** The piece whose packet reads most naturally: to the node's own address, unicast, tcp. */
function exampleOf(pieces: readonly Box[], preferred: PreferredAddresses, family: Family): Box {
  const holds = (set: IntervalSet, values: readonly bigint[] = []): boolean =>
    values.some((v) => contains(set, v));
  const score = (box: Box): number =>
    (holds(box.dest, preferred.dest) ? 8 : 0) +
    (holds(box.source, preferred.source) ? 8 : 0) +
    naturalness(box, family) +
    (contains(box.proto, 6n) || contains(box.proto, 17n) ? 1 : 0);
  return pieces.reduce((best, piece) => (score(piece) > score(best) ? piece : best));
}

/** One change's packets as few classes: pieces, or one wide class with a few exceptions. */
function describeChange(
  boxes: readonly Box[],
  entry: FlowEntry,
  context: ClassContext,
): { text: string; pieces: Box[] }[] {
  const pieces = coalesce(boxes)
    .filter((b) => !unrealOnly(b, context.family, context.names))
    .sort((a, b) => weight(b) - weight(a));
  if (pieces.length === 0) return [];
  const byText = new Map<string, Box[]>();
  for (const piece of pieces) {
    const text = classText(piece, entry, context);
    const same = byText.get(text);
    if (same) same.push(piece);
    else byText.set(text, [piece]);
  }
  if (byText.size > 1 && pieces.length <= 400) {
    const whole = boundingBox(pieces);
    let holes: Box[] = [whole];
    for (const piece of pieces) holes = regionSubtract(holes, piece);
    const exceptions = [
      ...new Set(
        coalesce(holes)
          .filter((h) => !unrealOnly(h, context.family, context.names))
          .sort((a, b) => weight(b) - weight(a))
          .map((h) => partText(h, whole, entry, context)),
      ),
    ];
    if (exceptions.length + 1 <= byText.size) {
      const listed = exceptions.slice(0, MAX_EXCEPTIONS).join('; ');
      const more =
        exceptions.length > MAX_EXCEPTIONS ? `; ${exceptions.length - MAX_EXCEPTIONS} more` : '';
      const text = classText(whole, entry, context);
      return [
        {
          text: exceptions.length > 0 ? `${text}, except ${listed}${more}` : text,
          pieces,
        },
      ];
    }
  }
  return [...byText].map(([text, same]) => ({ text, pieces: same }));
}

const MAX_RESPONSIBLE = 3;

/** The deciding refs of the pieces a class holds, the most common first. */
function responsible<Ref>(
  pieces: readonly ChangedPiece<Ref>[],
  inClass: readonly Box[],
  side: 'before' | 'after',
): Ref[] {
  const counts = new Map<Ref, number>();
  for (const piece of pieces) {
    const ref = piece[side];
    if (ref === undefined || !inClass.some((b) => boxesOverlap(b, piece.box))) continue;
    counts.set(ref, (counts.get(ref) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_RESPONSIBLE)
    .map(([ref]) => ref);
}

/** The classes of flows of one entry whose verdict changes from `was` to `now`. */
export function flowClasses<Ref>(
  was: readonly VerdictRegion<Ref>[],
  now: readonly VerdictRegion<Ref>[],
  entry: FlowEntry,
  context: ClassContext,
): EntryClasses<Ref> {
  const classes: FlowClass<Ref>[] = [];
  let more = 0;
  const regions = [...changedRegions(was, now)].sort(
    ([a], [b]) => (ORDER[a] ?? 2) - (ORDER[b] ?? 2),
  );
  const preferred: PreferredAddresses = {
    ...(entry.direction === 'inbound'
      ? { dest: entry.selfAddresses }
      : entry.direction === 'outbound'
        ? { source: entry.selfAddresses }
        : {}),
    dport: EXAMPLE_PORTS,
  };
  for (const [key, changed] of regions) {
    const [before, after] = key.split(' ') as [FlowVerdict, FlowVerdict];
    const described = describeChange(
      changed.map((c) => c.box),
      entry,
      context,
    );
    more += Math.max(0, described.length - MAX_CLASSES_PER_CHANGE);
    for (const { text, pieces } of described.slice(0, MAX_CLASSES_PER_CHANGE)) {
      classes.push({
        where: entry.where,
        text,
        before,
        after,
        example: describePacket(
          pickPacket(
            exampleOf(pieces, preferred, context.family),
            context.family,
            context.names,
            preferred,
          ),
        ),
        beforeBy: responsible(changed, pieces, 'before'),
        afterBy: responsible(changed, pieces, 'after'),
      });
    }
  }
  return { classes, more };
}

/** An entry's classes as the plan lists them, with what decided each side named for people. */
export function classChanges<Ref>(
  found: EntryClasses<Ref>,
  beforeBy: (refs: readonly Ref[]) => string[],
  afterBy: (refs: readonly Ref[]) => string[],
): FlowChange[] {
  return found.classes.map((c) => ({
    where: c.where,
    flow: c.text,
    before: c.before,
    after: c.after,
    example: c.example,
    beforeBy: beforeBy(c.beforeBy),
    afterBy: afterBy(c.afterBy),
  }));
}
