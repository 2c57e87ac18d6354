import type { AbstractChains, AbstractRule } from './chain-walk';
import { boxIntersect, boxesOverlap, type Box } from './packet-space';

const BUCKET = 64n;
const WIDE_PORTS = 4096n;

interface ChainEntry {
  readonly byProto: Map<string, { wide: number[]; buckets: Map<number, number[]> }>;
  /** A rule testing the accept mark, by the jump just before it that can set the mark. */
  readonly markCheckAfter: Map<number, number>;
  /** What each rule can do to packets at all (its match cut down to what it jumps into). */
  readonly reach: (Box | undefined)[];
}

function hullOf(boxes: readonly Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  const out: Record<string, [bigint, bigint][]> = {};
  for (const d of Object.keys(boxes[0]!)) {
    let lo: bigint | undefined;
    let hi: bigint | undefined;
    for (const b of boxes) {
      const set = b[d as keyof Box];
      if (set.length === 0) continue;
      const a = set[0]![0];
      const z = set[set.length - 1]![1];
      if (lo === undefined || a < lo) lo = a;
      if (hi === undefined || z > hi) hi = z;
    }
    out[d] = lo === undefined ? [] : [[lo, hi!]];
  }
  return out as unknown as Box;
}

/** Position of the first value >= `from` in a sorted list. */
function firstAtLeast(list: readonly number[], from: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Finds, for a region of packets, the rules of a chain that can touch it, without scanning the
 * whole chain: rules are filed by protocol and destination-port range, and a jump is filed by
 * the hull of what its target chain can do. This turns the per-rule analysis of a chain from
 * quadratic into roughly linear in the number of rules.
 */
export class ChainIndex {
  private readonly entries = new Map<string, ChainEntry>();
  private readonly hulls = new Map<string, Box | undefined>();
  private readonly building = new Set<string>();

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
      case 'jump':
      case 'goto': {
        const hull = this.hull(t.chain);
        return hull ? boxIntersect(match, hull) : undefined;
      }
    }
  }

  private entry(chain: string): ChainEntry {
    const cached = this.entries.get(chain);
    if (cached) return cached;
    const rules = this.chains.rules.get(chain) ?? [];
    const entry: ChainEntry = { byProto: new Map(), markCheckAfter: new Map(), reach: [] };
    this.entries.set(chain, entry);
    rules.forEach((rule, index) => {
      const reach = this.reachOf(rule);
      entry.reach[index] = reach;
      if (!reach) return;
      // Only packets a group marked can match a mark test, and the group jump comes right before
      // it: file the test under that jump instead of among the rules every packet must meet.
      const previous = rules[index - 1];
      const marksOnly = reach.mark.length === 1 && reach.mark[0]![0] === 1n;
      if (
        marksOnly &&
        previous &&
        (previous.target.kind === 'jump' || previous.target.kind === 'goto')
      ) {
        entry.markCheckAfter.set(index - 1, index);
        return;
      }
      const proto =
        reach.proto.length === 1 && reach.proto[0]![0] === reach.proto[0]![1]
          ? String(reach.proto[0]![0])
          : 'any';
      const slot = entry.byProto.get(proto) ?? { wide: [], buckets: new Map<number, number[]>() };
      entry.byProto.set(proto, slot);
      const lo = reach.dport[0]![0];
      const hi = reach.dport[reach.dport.length - 1]![1];
      if (hi - lo >= WIDE_PORTS) slot.wide.push(index);
      else
        for (let b = Number(lo / BUCKET); b <= Number(hi / BUCKET); b++) {
          const list = slot.buckets.get(b);
          if (list) list.push(index);
          else slot.buckets.set(b, [index]);
        }
    });
    return entry;
  }

  /**
   * Indices of the rules before `stopAt` that may touch packets in `focus`, in chain order, as
   * they are needed: a walk that finds every packet decided early stops reading here too.
   */
  *candidates(chain: string, focus: Box, stopAt: number, from = 0): Generator<number, void, void> {
    const entry = this.entry(chain);
    const single = focus.proto.length === 1 && focus.proto[0]![0] === focus.proto[0]![1];
    const keys = single ? [String(focus.proto[0]![0]), 'any'] : [...entry.byProto.keys()];
    const lo = focus.dport[0]![0];
    const hi = focus.dport[focus.dport.length - 1]![1];
    const narrow = hi - lo < WIDE_PORTS;
    // Every list is in chain order; merge them, smallest index first.
    const lists: number[][] = [];
    for (const key of keys) {
      const slot = entry.byProto.get(key);
      if (!slot) continue;
      lists.push(slot.wide);
      if (narrow) {
        for (let b = Number(lo / BUCKET); b <= Number(hi / BUCKET); b++) {
          const list = slot.buckets.get(b);
          if (list) lists.push(list);
        }
      } else {
        lists.push(...slot.buckets.values());
      }
    }
    const heads = lists.map((list) => firstAtLeast(list, from));
    let last = -1;
    for (;;) {
      let best = -1;
      for (let l = 0; l < lists.length; l++) {
        const value = lists[l]![heads[l]!];
        if (value !== undefined && (best < 0 || value < lists[best]![heads[best]!]!)) best = l;
      }
      if (best < 0) return;
      const i = lists[best]![heads[best]!++]!;
      if (i >= stopAt) return;
      if (i === last) continue;
      last = i;
      if (!boxesOverlap(focus, entry.reach[i]!)) continue;
      yield i;
      const check = entry.markCheckAfter.get(i);
      if (check !== undefined && check < stopAt) yield check;
    }
  }
}
