// A three-way merge of ordered lists (diff3): the stretches that base, local and remote agree on
// anchor the merge; between two anchors, the side that changed the stretch wins; when both
// changed it differently, the stretch is a conflict. Items are compared by their text.

/**
 * One stretch of the merge: where all three agree (`stable`), where one side changed it and the
 * other did not (`local`, `remote`), where both made the same change (`both`), or a `conflict`.
 * Every chunk carries the three versions of the stretch.
 */
export interface Diff3Chunk {
  readonly kind: 'stable' | 'local' | 'remote' | 'both' | 'conflict';
  readonly base: readonly string[];
  readonly local: readonly string[];
  readonly remote: readonly string[];
}

/** The merged items of a chunk (undefined for a conflict). */
export function chunkItems(chunk: Diff3Chunk): readonly string[] | undefined {
  switch (chunk.kind) {
    case 'stable':
    case 'both':
    case 'local':
      return chunk.local;
    case 'remote':
      return chunk.remote;
    case 'conflict':
      return undefined;
  }
}

/**
 * For each index of `a`, the index of `b` it is matched with in a longest common subsequence
 * of the two, or -1. Common ends are matched first, so the table is over the middle only.
 */
export function lcsMatch(a: readonly string[], b: readonly string[]): Int32Array {
  const match = new Int32Array(a.length).fill(-1);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    match[start] = start;
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
    match[endA] = endB;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return match;
  // lengths[i][j]: LCS length of a[start+i..endA) and b[start+j..endB).
  const width = m + 1;
  const lengths = new Int32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[start + i] === b[start + j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[start + i] === b[start + j]) {
      match[start + i] = start + j;
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) i++;
    else j++;
  }
  return match;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** diff3 of `local` and `remote` against `base`, as a list of stretches. */
export function diff3(
  base: readonly string[],
  local: readonly string[],
  remote: readonly string[],
): Diff3Chunk[] {
  const toLocal = lcsMatch(base, local);
  const toRemote = lcsMatch(base, remote);
  const chunks: Diff3Chunk[] = [];
  const resolve = (b: readonly string[], l: readonly string[], r: readonly string[]): void => {
    if (b.length === 0 && l.length === 0 && r.length === 0) return;
    const kind = same(l, b)
      ? same(r, b)
        ? 'stable'
        : 'remote'
      : same(r, b)
        ? 'local'
        : same(l, r)
          ? 'both'
          : 'conflict';
    chunks.push({ kind, base: b, local: l, remote: r });
  };
  let i = 0;
  let j = 0;
  let k = 0;
  for (;;) {
    // The next base item both sides kept: an anchor.
    let anchor = i;
    while (anchor < base.length && (toLocal[anchor] === -1 || toRemote[anchor] === -1)) anchor++;
    if (anchor === base.length) {
      resolve(base.slice(i), local.slice(j), remote.slice(k));
      break;
    }
    const j2 = toLocal[anchor]!;
    const k2 = toRemote[anchor]!;
    resolve(base.slice(i, anchor), local.slice(j, j2), remote.slice(k, k2));
    const item = [base[anchor]!];
    chunks.push({ kind: 'stable', base: item, local: item, remote: item });
    i = anchor + 1;
    j = j2 + 1;
    k = k2 + 1;
  }
  return chunks;
}

/**
 * A finer look at a stretch both sides changed, as edits of its base items: each side keeps or
 * deletes each base item, and inserts its own items in the gaps between them (an insertion
 * goes into the gap just before the next base item it kept, so a changed item's new version
 * follows the old one's place). The stretch merges when the sides never insert different items
 * into one gap, and never one side deletes an item the other replaced (deleted, with something
 * inserted in its place). Returns the merged items, or undefined: a real conflict.
 */
export function mergeStretch(
  base: readonly string[],
  local: readonly string[],
  remote: readonly string[],
): string[] | undefined {
  const edits = (side: readonly string[]): { kept: boolean[]; inserted: string[][] } => {
    const match = lcsMatch(base, side);
    const kept = base.map((_, i) => match[i] !== -1);
    const inserted: string[][] = Array.from({ length: base.length + 1 }, () => []);
    let next = 0;
    for (let i = 0; i <= base.length; i++) {
      const upto = i < base.length ? match[i]! : side.length;
      if (upto === -1) continue;
      // The side's items since its last kept one go just before this kept item.
      inserted[i] = side.slice(next, upto);
      next = upto + 1;
    }
    return { kept, inserted };
  };
  const l = edits(local);
  const r = edits(remote);
  const out: string[] = [];
  for (let gap = 0; gap <= base.length; gap++) {
    const [il, ir] = [l.inserted[gap]!, r.inserted[gap]!];
    let items: string[];
    if (il.length > 0 && ir.length > 0) {
      if (!same(il, ir)) return undefined;
      items = il;
    } else {
      items = il.length > 0 ? il : ir;
      // One side replaced the item before this gap, the other deleted it: modify/delete.
      const before = gap - 1;
      if (items.length > 0 && before >= 0 && !l.kept[before] && !r.kept[before]) return undefined;
    }
    out.push(...items);
    if (gap < base.length && l.kept[gap] && r.kept[gap]) out.push(base[gap]!);
  }
  return out;
}
