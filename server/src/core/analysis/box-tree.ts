import { DIMENSIONS, type Box } from './packet-space';
import { runToEnd, type Steps } from '../steps';

const EXACT = 2 ** 53;

/** The dimensions the tree files boxes by: all of them. */
const DIMS = DIMENSIONS;
const D = DIMS.length;
/** Boxes per leaf: a leaf is read rule by rule. */
const LEAF = 16;
/** Rules filed between two pauses of grow(). */
const RULES_PER_PAUSE = 4000;

/**
 * Bounds of a box's hull as doubles. Number() rounds a bigint to the nearest double, which never
 * reverses an order (a <= b gives Number(a) <= Number(b)): two hulls that share a value still
 * overlap as doubles, so the tree can only let through too much, never drop an overlap. IPv4
 * addresses, ports and the small dimensions are exact; IPv6 addresses lose their low bits.
 * Returns whether the hull is the box: one interval per dimension, every bound exact as a
 * double (then two such boxes meet exactly when their hulls do).
 */
export function hullBounds(box: Box, lo: Float64Array, hi: Float64Array, at: number): boolean {
  let exact = true;
  for (let d = 0; d < D; d++) {
    const set = box[DIMS[d]!];
    // An empty set (no packet) is given an empty hull: lo above hi meets nothing.
    if (set.length === 0) {
      lo[at + d] = Infinity;
      hi[at + d] = -Infinity;
      exact = false;
    } else {
      lo[at + d] = Number(set[0]![0]);
      hi[at + d] = Number(set[set.length - 1]![1]);
      if (set.length > 1 || hi[at + d]! >= EXACT) exact = false;
    }
  }
  return exact;
}

/** Nodes of more rules than this choose their split from a sample of them. */
const SAMPLED = 1024;

/** Every k-th of the rules, about 256 of them. */
function sampleOf(ids: readonly number[]): number[] {
  const step = ids.length / 256;
  const out: number[] = [];
  for (let k = 0; k < 256; k++) out.push(ids[Math.floor(k * step)]!);
  return out;
}

/** A split the sample chose that leaves nearly every rule in one part. */
function lopsided(parts: readonly number[][], n: number): boolean {
  return parts.some((p) => p.length * 16 > n * 15);
}

/** The k-th smallest value of `values` (reordered in place): Hoare's selection. */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k]!;
}

/**
 * A spatial index of a chain's rules: finds the rules whose boxes meet a region, in chain order,
 * at a cost that follows the rules found rather than the length of the chain.
 *
 * A node holds the hull of its rules (per dimension, the lowest and highest value) and the
 * first and last chain position among them. Each inner node splits its rules at a value of one
 * dimension into those wholly below it, those wholly above it and those that straddle it (an
 * interval k-d tree): a rule that names one port sits apart from rules for other ports, and a
 * rule for every port sits with the straddlers, which are split again by another dimension
 * (source, protocol, …). A query visits only the nodes whose hull meets the region's hull and
 * that hold a rule between the positions asked for.
 */
export class BoxTree {
  private lo: Float64Array;
  private hi: Float64Array;
  private first: Int32Array;
  private last: Int32Array;
  /** Children of an inner node, by node; leaves have none. */
  private readonly children: (readonly number[])[] = [];
  /** A leaf's rules in `items`, from `start` to `end`, in chain order. */
  private start: Int32Array;
  private end: Int32Array;
  private readonly items: Int32Array;
  /** Each rule's own hull, by chain position. */
  private readonly ruleLo: Float64Array;
  private readonly ruleHi: Float64Array;
  /** By chain position: whether the rule's hull is its box (see hullBounds). */
  private readonly exact: Uint8Array;
  private nodes = 0;
  private filled = 0;
  private readonly scratch = new Float64Array(D);
  private readonly scratch2 = new Float64Array(D);
  /** The nodes a query has still to visit (a query runs to its end before the next starts). */
  private readonly stack: number[] = [];
  /** Nodes numbered but not yet filled in, with their rules. */
  private readonly pending: { ids: number[]; node: number }[] = [];

  /**
   * `boxes[i]`: what the rule at chain position i can touch; undefined rules are left out.
   * `later`: the caller builds the tree with grow() before asking it anything.
   */
  constructor(boxes: readonly (Box | undefined)[], later = false) {
    const n = boxes.length;
    this.ruleLo = new Float64Array(n * D);
    this.ruleHi = new Float64Array(n * D);
    this.exact = new Uint8Array(n);
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const box = boxes[i];
      if (!box) continue;
      this.exact[i] = hullBounds(box, this.ruleLo, this.ruleHi, i * D) ? 1 : 0;
      ids.push(i);
    }
    // Leaves hold up to 16 rules: a tenth of the rules is a good first guess of the nodes.
    const cap = Math.max(8, Math.ceil(ids.length / 8));
    this.lo = new Float64Array(cap * D);
    this.hi = new Float64Array(cap * D);
    this.first = new Int32Array(cap);
    this.last = new Int32Array(cap);
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.items = new Int32Array(ids.length);
    if (ids.length > 0) this.pending.push({ ids, node: this.newNode() });
    if (!later) runToEnd(this.grow());
  }

  /** Numbers a node, making room for it (twice the room when it is full). */
  private newNode(): number {
    const node = this.nodes++;
    if (node >= this.first.length) {
      const cap = 2 * this.first.length;
      const more = <T extends Float64Array | Int32Array>(a: T, size: number): T => {
        const b = new (a.constructor as new (n: number) => T)(size);
        b.set(a);
        return b;
      };
      this.lo = more(this.lo, cap * D);
      this.hi = more(this.hi, cap * D);
      this.first = more(this.first, cap);
      this.last = more(this.last, cap);
      this.start = more(this.start, cap);
      this.end = more(this.end, cap);
    }
    return node;
  }

  /**
   * Builds the tree (all of it, before any query), pausing after each few thousand rules
   * filed: a chain of 20,000 rules takes tens of milliseconds.
   */
  *grow(): Steps<void> {
    let work = 0;
    for (;;) {
      const task = this.pending.pop();
      if (!task) return;
      this.build(task.ids, task.node);
      work += task.ids.length;
      if (work >= RULES_PER_PAUSE) {
        work = 0;
        yield;
      }
    }
  }

  /** Fills in one node and files its children's rules for later. */
  private build(ids: number[], node: number): void {
    const at = node * D;
    const { lo, hi, ruleLo, ruleHi } = this;
    let first = Infinity;
    let last = -1;
    for (let d = 0; d < D; d++) {
      lo[at + d] = Infinity;
      hi[at + d] = -Infinity;
    }
    // With the hull, the highest low and lowest high bound: a dimension where they are the
    // hull's own holds one interval for every rule, and cannot set any two apart.
    const topLo = this.scratch;
    const bottomHi = this.scratch2;
    topLo.fill(-Infinity);
    bottomHi.fill(Infinity);
    for (const i of ids) {
      if (i < first) first = i;
      if (i > last) last = i;
      for (let d = 0; d < D; d++) {
        const a = ruleLo[i * D + d]!;
        const b = ruleHi[i * D + d]!;
        if (a < lo[at + d]!) lo[at + d] = a;
        if (a > topLo[d]!) topLo[d] = a;
        if (b > hi[at + d]!) hi[at + d] = b;
        if (b < bottomHi[d]!) bottomHi[d] = b;
      }
    }
    this.first[node] = first;
    this.last[node] = last;
    const varies: boolean[] = [];
    for (let d = 0; d < D; d++)
      varies[d] =
        lo[at + d] !== hi[at + d] && (topLo[d] !== lo[at + d] || bottomHi[d] !== hi[at + d]);
    let parts: number[][] | undefined;
    if (ids.length > LEAF) {
      // A large node chooses where to split from a sample of its rules; should the choice
      // leave almost every rule on one side, it chooses again from all of them.
      const sample = ids.length > SAMPLED ? sampleOf(ids) : ids;
      parts = this.partition(ids, this.split(sample, varies));
      if (sample !== ids && (!parts || lopsided(parts, ids.length)))
        parts = this.partition(ids, this.split(ids, varies));
    }
    if (!parts) {
      ids.sort((a, b) => a - b);
      this.start[node] = this.filled;
      for (const i of ids) this.items[this.filled++] = i;
      this.end[node] = this.filled;
      this.children[node] = [];
      return;
    }
    const children: number[] = [];
    for (const part of parts) {
      if (part.length === 0) continue;
      const child = this.newNode();
      children.push(child);
      this.pending.push({ ids: part, node: child });
    }
    this.children[node] = children;
  }

  /**
   * The dimension and value to split at: the median of the rules' centres in the dimension
   * where the fewest rules straddle it. None (a leaf) when every dimension leaves most rules
   * straddling, as rules that all meet one another do.
   */
  /** The rules below, straddling and above a split; undefined for none or a useless one. */
  private partition(
    ids: readonly number[],
    split: { d: number; at: number } | undefined,
  ): number[][] | undefined {
    if (!split) return undefined;
    const { ruleLo, ruleHi } = this;
    const parts: number[][] = [[], [], []];
    for (const i of ids) {
      const part =
        ruleHi[i * D + split.d]! < split.at ? 0 : ruleLo[i * D + split.d]! > split.at ? 2 : 1;
      parts[part]!.push(i);
    }
    return parts.some((p) => p.length === ids.length) ? undefined : parts;
  }

  private split(
    ids: readonly number[],
    varies: readonly boolean[],
  ): { d: number; at: number } | undefined {
    const n = ids.length;
    const centres = new Float64Array(n);
    let best: { d: number; at: number; straddle: number } | undefined;
    for (let d = 0; d < D; d++) {
      if (!varies[d]) continue;
      for (let k = 0; k < n; k++) {
        const i = ids[k]!;
        centres[k] = this.ruleLo[i * D + d]! / 2 + this.ruleHi[i * D + d]! / 2;
      }
      const median = select(centres, n >> 1);
      // Between two integers where it can be: a rule that names the median value goes below.
      const value = median + 0.5 > median ? median + 0.5 : median;
      let below = 0;
      let above = 0;
      for (const i of ids) {
        if (this.ruleHi[i * D + d]! < value) below++;
        else if (this.ruleLo[i * D + d]! > value) above++;
      }
      const straddle = n - below - above;
      // At most 7/8 of the rules in any part: the tree stays O(log n) deep.
      if (below === 0 || above === 0 || Math.max(below, above, straddle) * 8 > n * 7) continue;
      // The fewest straddling rules: a query reads one side and the straddlers (measured on the
      // bench's shapes, this visits a third to a half of the nodes that balance alone does).
      if (!best || straddle < best.straddle) best = { d, at: value, straddle };
    }
    return best;
  }

  /** Whether the rule at chain position i is its hull: then meeting its hull is meeting it. */
  isExact(i: number): boolean {
    return this.exact[i] === 1;
  }

  /**
   * Chain positions in [from, stopAt) of the rules whose hull meets the hull `q` (`hullBounds`
   * at 0), smallest first.
   */
  meeting(qlo: Float64Array, qhi: Float64Array, from: number, stopAt: number): number[] {
    const out: number[] = [];
    this.collect(qlo, qhi, from, stopAt, out);
    return out;
  }

  /**
   * As meeting(), appended to `out`. All at once, not as a walk asks: a tree holds one block of a
   * chain (see BlockTree), and a query meets few of its rules, so a lazy heap of leaves cost
   * more than the rules it spared a walk that ended early.
   */
  collect(qlo: Float64Array, qhi: Float64Array, from: number, stopAt: number, out: number[]): void {
    if (this.nodes === 0) return;
    const { lo, hi, first, last, children, start, end, items, ruleLo, ruleHi, stack } = this;
    const base = out.length;
    // Leaves are met in no particular order: several leaves' rules are sorted once at the end.
    let leaves = 0;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      if (last[node]! < from || first[node]! >= stopAt) continue;
      // Whether the node's hull meets q, written out here and below: the programs have V8 inline
      // nothing (see cli/main.ts), and a query of a 10,000-rule chain tests a million hulls.
      const at = node * D;
      let d = 0;
      while (d < D && lo[at + d]! <= qhi[d]! && qlo[d]! <= hi[at + d]!) d++;
      if (d < D) continue;
      const kids = children[node]!;
      if (kids.length > 0) {
        for (const kid of kids) stack[top++] = kid;
        continue;
      }
      const before = out.length;
      for (let place = start[node]!, stop = end[node]!; place < stop; place++) {
        const i = items[place]!;
        if (i >= stopAt) break;
        if (i < from) continue;
        const at = i * D;
        let d = 0;
        while (d < D && ruleLo[at + d]! <= qhi[d]! && qlo[d]! <= ruleHi[at + d]!) d++;
        if (d === D) out.push(i);
      }
      if (out.length > before) leaves++;
    }
    if (leaves > 1) {
      const found = out.splice(base).sort((a, b) => a - b);
      for (const i of found) out.push(i);
    }
  }
}

export const HULL_DIMENSIONS = D;

/** Chain positions per tree of a BlockTree. */
const BLOCK = 512;

/**
 * A BoxTree per block of BLOCK consecutive chain positions, asked in chain order. One tree over
 * a whole chain files rules by what they match, so each leaf holds rules from all along the
 * chain, and a query read every leaf its hull meets, however early its walk then ended. Most
 * walks end early (an early, broad rule decides every packet of a shadowed one): they read the
 * first blocks only.
 */
export class BlockTree {
  private readonly blocks: BoxTree[] = [];
  /** With `later`: the boxes, until grow() files them. */
  private boxes: readonly (Box | undefined)[] = [];

  /** As BoxTree's. */
  constructor(boxes: readonly (Box | undefined)[], later = false) {
    if (later) this.boxes = boxes;
    else
      for (let start = 0; start < boxes.length; start += BLOCK)
        this.blocks.push(new BoxTree(boxes.slice(start, start + BLOCK)));
  }

  /** Files the boxes given with `later`, pausing after each block. */
  *grow(): Steps<void> {
    const boxes = this.boxes;
    this.boxes = [];
    for (let start = 0; start < boxes.length; start += BLOCK) {
      const block = new BoxTree(boxes.slice(start, start + BLOCK), true);
      yield* block.grow();
      this.blocks.push(block);
      yield;
    }
  }

  isExact(i: number): boolean {
    return this.blocks[Math.floor(i / BLOCK)]!.isExact(i % BLOCK);
  }

  /**
   * As BoxTree's meeting: positions in [from, stopAt) whose hull meets q, smallest first, one
   * block at a time as they are asked for.
   */
  *meeting(
    qlo: Float64Array,
    qhi: Float64Array,
    from: number,
    stopAt: number,
  ): Generator<number, void, void> {
    const found: number[] = [];
    for (let b = Math.floor(from / BLOCK); b < this.blocks.length; b++) {
      const offset = b * BLOCK;
      if (offset >= stopAt) return;
      found.length = 0;
      this.blocks[b]!.collect(qlo, qhi, Math.max(0, from - offset), stopAt - offset, found);
      for (const i of found) yield offset + i;
    }
  }
}
