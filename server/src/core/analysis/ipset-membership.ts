import { cidrRange } from './cidr-range';
import type { Interval, IntervalSet } from './intervals';

export interface SetMember {
  readonly cidr: string;
  readonly nomatch: boolean;
}

/** An entry as an address interval: a network, or a `nomatch` hole in one. */
export interface MemberRange {
  readonly first: bigint;
  readonly last: bigint;
  readonly nomatch: boolean;
}

/**
 * The addresses a kernel `hash:net` set matches: an address belongs to the set when the most
 * specific entry containing it is not `nomatch` — line order plays no part. CIDR networks are
 * either nested or disjoint, so one sweep over them, outermost first, with a stack of the
 * networks that enclose the cursor, decides every address range in order.
 */
export function setMembership(members: readonly SetMember[]): IntervalSet {
  // Sets Proxmox builds from an unchanged file keep their member list between analyses.
  const known = memberships.get(members);
  if (known) return known;
  const set = computeMembership(members);
  memberships.set(members, set);
  return set;
}

const memberships = new WeakMap<readonly SetMember[], IntervalSet>();

function computeMembership(members: readonly SetMember[]): IntervalSet {
  const entries: MemberRange[] = [];
  for (const m of members) {
    const range = cidrRange(m.cidr);
    if (range) entries.push({ first: range[0], last: range[1], nomatch: m.nomatch });
  }
  return sweepMembership(entries);
}

/** The member intervals of nested-or-disjoint ranges (see setMembership). */
export function sweepMembership(ranges: readonly MemberRange[]): IntervalSet {
  const entries = [...ranges].sort((a, b) =>
    a.first !== b.first
      ? a.first < b.first
        ? -1
        : 1
      : a.last > b.last
        ? -1
        : a.last < b.last
          ? 1
          : 0,
  );
  const out: Interval[] = [];
  const emit = (from: bigint, to: bigint, entry: MemberRange): void => {
    if (from > to || entry.nomatch) return;
    const last = out[out.length - 1];
    if (last && last[1] + 1n >= from) out[out.length - 1] = [last[0], to > last[1] ? to : last[1]];
    else out.push([from, to]);
  };
  const stack: MemberRange[] = [];
  let cursor = 0n;
  const closeUntil = (limit: bigint): void => {
    // Finish every enclosing network that ends before `limit`, innermost first.
    while (stack.length > 0 && stack[stack.length - 1]!.last < limit) {
      const top = stack.pop()!;
      emit(cursor, top.last, top);
      if (top.last + 1n > cursor) cursor = top.last + 1n;
    }
  };
  for (const entry of entries) {
    closeUntil(entry.first);
    const top = stack[stack.length - 1];
    if (top) emit(cursor, entry.first - 1n, top);
    if (entry.first > cursor) cursor = entry.first;
    stack.push(entry);
  }
  closeUntil(1n << 129n);
  return out;
}
