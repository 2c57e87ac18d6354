/**
 * Perl's default `sort` on the byte strings pve-firewall handles: UTF-8 byte order, which is
 * code point order. JavaScript's `<` compares UTF-16 units and disagrees above U+FFFF.
 */
export function comparePerlStrings(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

export function perlSorted(keys: Iterable<string>): string[] {
  return [...keys].sort(comparePerlStrings);
}

/** A record's entries in the order perlSorted gives its keys. */
export function perlSortedEntries<V>(record: Readonly<Record<string, V>>): [string, V][] {
  return Object.entries(record).sort(([a], [b]) => comparePerlStrings(a, b));
}
