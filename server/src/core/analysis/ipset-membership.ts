import { perlNetIpNew } from '../syntax/perl-net-ip';
import { normalise, subtract, type Interval, type IntervalSet } from './intervals';

export interface SetMember {
  readonly cidr: string;
  readonly nomatch: boolean;
}

/**
 * The addresses a kernel `hash:net` set matches: an address belongs to the set when the most
 * specific entry containing it is not `nomatch` — line order plays no part. Entries are
 * painted from the least to the most specific, each overriding what lies beneath it.
 */
export function setMembership(members: readonly SetMember[]): IntervalSet {
  const ranges = members
    .map((m) => {
      const parsed = perlNetIpNew(m.cidr);
      return parsed.ok ? { first: parsed.first, last: parsed.last, nomatch: m.nomatch } : undefined;
    })
    .filter((r): r is { first: bigint; last: bigint; nomatch: boolean } => r !== undefined)
    // Larger networks first; within one network a plain entry and a nomatch one cannot both
    // exist in the kernel (same key), so their order does not matter.
    .sort((a, b) => {
      const sa = a.last - a.first;
      const sb = b.last - b.first;
      return sa > sb ? -1 : sa < sb ? 1 : 0;
    });
  let painted: IntervalSet = [];
  for (const r of ranges) {
    const span: Interval = [r.first, r.last];
    painted = r.nomatch ? subtract(painted, [span]) : normalise([...painted, span]);
  }
  return painted;
}
