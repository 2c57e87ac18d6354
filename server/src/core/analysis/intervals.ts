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

export function intersect(x: IntervalSet, y: IntervalSet): IntervalSet {
  // Shortcuts for the common cases, which spare copying long address lists.
  if (covers(y, x)) return x;
  if (covers(x, y)) return y;
  if (apart(x, y)) return [];
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const [a1, b1] = x[i]!;
    const [a2, b2] = y[j]!;
    const lo = a1 > a2 ? a1 : a2;
    const hi = b1 < b2 ? b1 : b2;
    if (lo <= hi) out.push([lo, hi]);
    if (b1 < b2) i++;
    else j++;
  }
  return out;
}

export function subtract(x: IntervalSet, y: IntervalSet): IntervalSet {
  if (apart(x, y)) return x;
  if (covers(y, x)) return [];
  const out: Interval[] = [];
  let j = 0;
  for (const [a, b] of x) {
    let start = a;
    while (j < y.length && y[j]![1] < start) j++;
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
  return subtract(x, y).length === 0;
}

export function equals(x: IntervalSet, y: IntervalSet): boolean {
  return x.length === y.length && x.every(([a, b], i) => a === y[i]![0] && b === y[i]![1]);
}

export function size(x: IntervalSet): bigint {
  return x.reduce((n, [a, b]) => n + (b - a + 1n), 0n);
}
