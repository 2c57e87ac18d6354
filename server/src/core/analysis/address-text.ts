// Address sets of the packet space as people write them: CIDR networks.
import type { IntervalSet } from './intervals';
import type { Family } from './packet-space';
import { formatAddress } from './witness';

const BITS: Record<Family, bigint> = { 4: 32n, 6: 128n };

/** The largest network that starts at `lo` and ends at or before `hi`: its prefix length. */
function largestBlock(lo: bigint, hi: bigint, bits: bigint): bigint {
  let size = 0n;
  // Grow while the block stays aligned at lo and inside [lo, hi].
  while (size < bits) {
    const next = size + 1n;
    const mask = (1n << next) - 1n;
    if ((lo & mask) !== 0n || lo + mask > hi) break;
    size = next;
  }
  return bits - size;
}

/**
 * The networks that make up a set, in address order, at most `limit` of them (then `more` counts
 * the rest): `10.0.0.0/8`, a single address without its `/32`.
 */
export function networksOf(
  set: IntervalSet,
  family: Family,
  limit: number,
): { networks: string[]; more: number } {
  const bits = BITS[family];
  const networks: string[] = [];
  let more = 0;
  for (const [first, last] of set) {
    let lo = first;
    while (lo <= last) {
      const prefix = largestBlock(lo, last, bits);
      if (networks.length < limit)
        networks.push(formatAddress(lo, family) + (prefix === bits ? '' : `/${prefix}`));
      else more++;
      lo += 1n << (bits - prefix);
      // A set of many odd ranges is counted, not walked to the end.
      if (more > 10_000) return { networks, more };
    }
  }
  return { networks, more };
}
