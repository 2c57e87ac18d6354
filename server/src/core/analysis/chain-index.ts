import type { AbstractChains, AbstractRule } from './symbolic-walk';
import { BlockTree, HULL_DIMENSIONS, hullBounds } from './box-tree';
import type { IntervalSet } from './intervals';
import {
  boxIntersect,
  boxesOverlap,
  boxOf,
  DIMENSIONS,
  type Box,
  type Dimension,
} from './packet-space';
import type { Steps } from '../steps';

/** Chains of at most this many rules have no tree. */
const SHORT = 32;
/** Chains of more rules than this have their tree built before the walks. */
const LONG = 2000;

interface ChainEntry {
  /** The rules every packet must meet, by what they can touch; built on first use. */
  tree: BlockTree | undefined;
  /** Until then, what each of them can touch (undefined for the others). */
  filed: (Box | undefined)[];
  /** A rule testing the accept mark, by the jump just before it that can set the mark. */
  readonly markCheckAfter: Map<number, number>;
  /** What each rule can do to packets at all (its match cut down to what it jumps into). */
  readonly reach: (Box | undefined)[];
}

function hullOf(boxes: readonly Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  const out: Partial<Record<Dimension, IntervalSet>> = {};
  for (const d of DIMENSIONS) {
    let lo: bigint | undefined;
    let hi: bigint | undefined;
    for (const b of boxes) {
      const set = b[d];
      if (set.length === 0) continue;
      const a = set[0]![0];
      const z = set[set.length - 1]![1];
      if (lo === undefined || a < lo) lo = a;
      if (hi === undefined || z > hi) hi = z;
    }
    out[d] = lo === undefined ? [] : [[lo, hi!]];
  }
  return boxOf(out as Box);
}

/**
 * Finds, for a region of packets, the rules of a chain that can touch it, without scanning the
 * whole chain: rules are filed in a spatial tree by what they can touch (see BoxTree), and a
 * jump by the hull of what its target chain can do. The walks then read only the rules that
 * meet their packets, whatever the dimensions that set the others apart.
 */
export class ChainIndex {
  private readonly entries = new Map<string, ChainEntry>();
  private readonly hulls = new Map<string, Box | undefined>();
  private readonly building = new Set<string>();
  private lastBounds:
    { focus: Box; lo: Float64Array; hi: Float64Array; exact: boolean } | undefined;

  constructor(private readonly chains: AbstractChains) {}

  /** Bounding box of every packet the chain can decide or mark; undefined: it does nothing. */
  hull(chain: string): Box | undefined {
    if (this.hulls.has(chain)) return this.hulls.get(chain);
    if (this.building.has(chain)) return undefined;
    this.building.add(chain);
    const reach = this.entry(chain).reach.filter((b): b is Box => b !== undefined);
    const hull = hullOf(reach);
    this.building.delete(chain);
    this.hulls.set(chain, hull);
    return hull;
  }

  private reachOf(rule: AbstractRule): Box | undefined {
    // A rule that only may match is still filed: walks note it (see WalkResult.maybe).
    const match = rule.match ?? rule.maybe;
    if (!match) return undefined;
    const t = rule.target;
    switch (t.kind) {
      case 'verdict':
      case 'return':
        return match;
      case 'set-mark':
        // Clearing the accept mark changes nothing: live packets never carry it at that point.
        return t.value === 1n ? match : undefined;
      case 'continue':
        return undefined;
      case 'goto':
        // Every packet a goto takes leaves this chain, decided in the target or not.
        return match;
      case 'jump': {
        const hull = this.hull(t.chain);
        return hull ? boxIntersect(match, hull) : undefined;
      }
    }
  }

  private entry(chain: string): ChainEntry {
    const cached = this.entries.get(chain);
    if (cached) return cached;
    const rules = this.chains.rules.get(chain) ?? [];
    const markCheckAfter = new Map<number, number>();
    const reach: (Box | undefined)[] = [];
    const filed: (Box | undefined)[] = [];
    // Set before the rules are read: a chain that jumps into itself meets an empty hull.
    this.entries.set(chain, { tree: new BlockTree([]), filed: [], markCheckAfter, reach });
    rules.forEach((rule, index) => {
      const box = this.reachOf(rule);
      reach[index] = box;
      filed[index] = undefined;
      if (!box) return;
      // Only packets a group marked can match a mark test, and the group jump comes right before
      // it: file the test under that jump instead of among the rules every packet must meet.
      const previous = rules[index - 1];
      const marksOnly = box.mark.length === 1 && box.mark[0]![0] === 1n;
      if (
        marksOnly &&
        previous &&
        (previous.target.kind === 'jump' || previous.target.kind === 'goto')
      ) {
        markCheckAfter.set(index - 1, index);
        return;
      }
      filed[index] = box;
    });
    const entry: ChainEntry = { tree: undefined, filed, markCheckAfter, reach };
    this.entries.set(chain, entry);
    return entry;
  }

  private treeOf(entry: ChainEntry): BlockTree {
    entry.tree ??= new BlockTree(entry.filed);
    entry.filed = [];
    return entry.tree;
  }

  /**
   * Builds the index of every long chain ahead of the walks, pausing as it goes (see steps.ts):
   * built on first use, a tree of thousands of rules would hold up one step of the walks. The
   * others are built when a walk first needs them (after an edit, most walks are reused).
   */
  *prepare(): Steps<void> {
    for (const [chain, rules] of this.chains.rules) {
      if (rules.length <= LONG) continue;
      const entry = this.entry(chain);
      if (entry.tree) continue;
      const tree = new BlockTree(entry.filed, true);
      yield* tree.grow();
      entry.tree = tree;
      entry.filed = [];
      yield;
    }
  }

  /** The hull of a focus as doubles; a walk asks with one focus in every chain it enters. */
  private boundsOf(focus: Box): { lo: Float64Array; hi: Float64Array; exact: boolean } {
    if (this.lastBounds?.focus === focus) return this.lastBounds;
    const lo = new Float64Array(HULL_DIMENSIONS);
    const hi = new Float64Array(HULL_DIMENSIONS);
    const exact = hullBounds(focus, lo, hi, 0);
    this.lastBounds = { focus, lo, hi, exact };
    return this.lastBounds;
  }

  /**
   * Indices of the rules before `stopAt` that may touch packets in `focus`, in chain order, as
   * they are needed: a walk that finds every packet decided early stops reading here too.
   */
  *candidates(chain: string, focus: Box, stopAt: number, from = 0): Generator<number, void, void> {
    const entry = this.entry(chain);
    if (entry.reach.length <= SHORT) {
      // A short chain (a guest's NIC without rules of its own, Proxmox's plumbing) is read
      // rule by rule: a tree would cost more than it spares.
      const end = Math.min(stopAt, entry.reach.length);
      for (let i = from; i < end; i++) {
        const box = entry.filed[i];
        if (!box || !boxesOverlap(focus, box)) continue;
        yield i;
        const check = entry.markCheckAfter.get(i);
        if (check !== undefined && check < stopAt) yield check;
      }
      return;
    }
    const { lo, hi, exact } = this.boundsOf(focus);
    const tree = this.treeOf(entry);
    for (const i of tree.meeting(lo, hi, from, stopAt)) {
      // Two boxes that are their hulls meet exactly when their hulls do.
      if (!(exact && tree.isExact(i)) && !boxesOverlap(focus, entry.reach[i]!)) continue;
      yield i;
      const check = entry.markCheckAfter.get(i);
      if (check !== undefined && check < stopAt) yield check;
    }
  }
}
