// Proxmox's writer sorts ipset entries by their text (Perl's byte order), so after any write the
// cluster holds them sorted; big sets are kept sorted here with a binary search.
import type { ProxmoxIpSetEntry } from '../model';
import { comparePerlStrings } from '../writer';

const ASCII = /^[\x20-\x7e]*$/;

/** Perl's sort order; plain comparison where both are ASCII (addresses always are). */
export function perlCompare(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return comparePerlStrings(a, b);
}

/** Inserts `entry` where the writer would put it among the already sorted `entries`. */
export function insertSorted(entries: ProxmoxIpSetEntry[], entry: ProxmoxIpSetEntry): void {
  const key = entry.cidr ?? '';
  let [lo, hi] = [0, entries.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (perlCompare(entries[mid]!.cidr ?? '', key) < 0) lo = mid + 1;
    else hi = mid;
  }
  entries.splice(lo, 0, entry);
}
