/**
 * Sets of integers as sorted, disjoint, non-adjacent closed intervals. Every dimension of the
 * packet space (addresses, ports, protocol, ICMP type, interface, mark) is one of these, so the
 * analysis is exact over the whole space rather than sampled.
 */
export type Interval = readonly [bigint, bigint];
export type IntervalSet = readonly Interval[];

export function normalise(intervals: readonly Interval[]): IntervalSet {
  const sorted = [...intervals]
    .filter(([a, b]) => a <= b)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1n) {
      if (b > last[1]) last[1] = b;
    } else {
      out.push([a, b]);
    }
  }
  return out;
}

function covers(y: IntervalSet, x: IntervalSet): boolean {
  return y.length === 1 && x.length > 0 && y[0]![0] <= x[0]![0] && y[0]![1] >= x[x.length - 1]![1];
}

function apart(x: IntervalSet, y: IntervalSet): boolean {
  return (
    x.length === 0 ||
    y.length === 0 ||
    x[x.length - 1]![1] < y[0]![0] ||
    y[y.length - 1]![1] < x[0]![0]
  );
}

/** Position of the first interval of `x` that ends at or after `v`. */
function firstEndingFrom(x: IntervalSet, v: bigint): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid]![1] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether a one-interval set and any set share a value: a binary search, not a scan. */
function meetsRange(lo: bigint, hi: bigint, y: IntervalSet): boolean {
  const j = firstEndingFrom(y, lo);
  return j < y.length && y[j]![0] <= hi;
}

/** Whether `v` is in the set. */
export function contains(x: IntervalSet, v: bigint): boolean {
  return meetsRange(v, v, x);
}

/** Whether two sets share a value, without building their intersection. */
export function overlaps(x: IntervalSet, y: IntervalSet): boolean {
  // Boxes share their sets (every full dimension is one object): no value needs comparing.
  if (x === y) return x.length > 0;
  // Most sets are one interval; sets of addresses can hold thousands, searched, not scanned.
  if (x.length === 1) {
    const a = x[0]!;
    if (y.length === 1) {
      const b = y[0]!;
      return a[0] <= b[1] && b[0] <= a[1];
    }
    return meetsRange(a[0], a[1], y);
  }
  if (y.length === 1) return meetsRange(y[0]![0], y[0]![1], x);
  if (apart(x, y)) return false;
  let i = firstEndingFrom(x, y[0]![0]);
  let j = firstEndingFrom(y, x[0]![0]);
  while (i < x.length && j < y.length) {
    const a = x[i]!;
    const b = y[j]!;
    if (a[1] < b[0]) i++;
    else if (b[1] < a[0]) j++;
    else return true;
  }
  return false;
}

/** The part of `x` inside {lo..hi}, sharing every interval that lies wholly inside. */
function clip(x: IntervalSet, lo: bigint, hi: bigint): IntervalSet {
  const from = firstEndingFrom(x, lo);
  let to = firstEndingFrom(x, hi);
  if (to < x.length && x[to]![0] <= hi) to++;
  if (from >= to) return [];
  if (from === 0 && to === x.length && x[0]![0] >= lo && x[to - 1]![1] <= hi) return x;
  const out = x.slice(from, to);
  const first = out[0]!;
  if (first[0] < lo) out[0] = [lo, first[1]];
  const last = out[out.length - 1]!;
  if (last[1] > hi) out[out.length - 1] = [last[0], hi];
  return out;
}

export function intersect(x: IntervalSet, y: IntervalSet): IntervalSet {
  // Shortcuts for the common cases, which spare copying long address lists.
  if (x === y) return x;
  if (covers(y, x)) return x;
  if (covers(x, y)) return y;
  if (apart(x, y)) return [];
  if (y.length === 1) return clip(x, y[0]![0], y[0]![1]);
  if (x.length === 1) return clip(y, x[0]![0], x[0]![1]);
  const out: Interval[] = [];
  let i = firstEndingFrom(x, y[0]![0]);
  let j = firstEndingFrom(y, x[0]![0]);
  while (i < x.length && j < y.length) {
    const p = x[i]!;
    const q = y[j]!;
    const [a1, b1] = p;
    const [a2, b2] = q;
    const lo = a1 > a2 ? a1 : a2;
    const hi = b1 < b2 ? b1 : b2;
    // Reuse an interval that lies wholly inside the other set: long lists stay cheap.
    if (lo <= hi) out.push(lo === a1 && hi === b1 ? p : lo === a2 && hi === b2 ? q : [lo, hi]);
    if (b1 < b2) i++;
    else j++;
  }
  return out;
}

/** Above every address and port: complements are taken up to here, then clipped. */
const TOP = (1n << 128n) - 1n;
const complements = new WeakMap<IntervalSet, IntervalSet>();

/**
 * Every value not in `y`, up to TOP. Long sets are an ipset's members, shared by every rule
 * that names the set, so their complement is worked out once.
 */
function complementOf(y: IntervalSet): IntervalSet {
  let out = complements.get(y);
  if (!out) {
    out = subtractFrom(0n, TOP, y);
    complements.set(y, out);
  }
  return out;
}

function subtractFrom(lo: bigint, hi: bigint, y: IntervalSet): Interval[] {
  const out: Interval[] = [];
  let start = lo;
  for (let k = firstEndingFrom(y, lo); k < y.length && y[k]![0] <= hi; k++) {
    const [c, d] = y[k]!;
    if (c > start) out.push([start, c - 1n]);
    if (d >= start) start = d + 1n;
    if (start > hi) return out;
  }
  out.push([start, hi]);
  return out;
}

const LONG = 16;

export function subtract(x: IntervalSet, y: IntervalSet): IntervalSet {
  if (x === y) return [];
  if (apart(x, y)) return x;
  if (covers(y, x)) return [];
  if (y.length > LONG) return intersect(x, complementOf(y));
  if (y.length === 1) {
    // Keep what lies below and above the one interval taken out, sharing the untouched ones.
    const [c, d] = y[0]!;
    if (x.length === 1) {
      // One interval from another it meets: what sticks out below and above, if anything.
      const [a, b] = x[0]!;
      const out: Interval[] = [];
      if (a < c) out.push([a, c - 1n]);
      if (b > d) out.push([d + 1n, b]);
      return out;
    }
    const from = firstEndingFrom(x, c);
    let to = firstEndingFrom(x, d);
    if (to < x.length && x[to]![0] <= d) to++;
    const cut: Interval[] = [];
    const first = x[from];
    if (first && first[0] < c) cut.push([first[0], c - 1n]);
    const last = x[to - 1];
    if (to > from && last && last[1] > d) cut.push([d + 1n, last[1]]);
    // Native copies: this runs on address lists thousands of intervals long.
    return x.slice(0, from).concat(cut, x.slice(to));
  }
  const out: Interval[] = [];
  let j = 0;
  for (const interval of x) {
    const [a, b] = interval;
    let start = a;
    if (j < y.length && y[j]![1] < start) j = firstEndingFrom(y, start);
    if (j >= y.length || y[j]![0] > b) {
      out.push(interval);
      continue;
    }
    let k = j;
    while (k < y.length && y[k]![0] <= b) {
      const [c, d] = y[k]!;
      if (c > start) out.push([start, c - 1n]);
      if (d + 1n > start) start = d + 1n;
      if (start > b) break;
      k++;
    }
    if (start <= b) out.push([start, b]);
  }
  return out;
}

export function isEmpty(x: IntervalSet): boolean {
  return x.length === 0;
}

export function isSubset(x: IntervalSet, y: IntervalSet): boolean {
  if (x === y || x.length === 0) return true;
  if (y.length === 0) return false;
  // Within one interval: between its ends, nothing to build.
  if (y.length === 1) return y[0]![0] <= x[0]![0] && x[x.length - 1]![1] <= y[0]![1];
  return subtract(x, y).length === 0;
}

export function equals(x: IntervalSet, y: IntervalSet): boolean {
  return x.length === y.length && x.every(([a, b], i) => a === y[i]![0] && b === y[i]![1]);
}

export function size(x: IntervalSet): bigint {
  return x.reduce((n, [a, b]) => n + (b - a + 1n), 0n);
}
