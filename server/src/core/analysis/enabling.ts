// What enabling a disabled rule would do, worked out while the analysis walks the rules anyway:
// the packets it would take from the rules after it (one example whose verdict would change),
// and the later rules it would leave nothing to (they could then never match). The staging trap
// of the guides: a catch-all `|IN DROP` created through the API lands first in its chain.
import type { RuleOrigin } from '../compile';
import type { FamilyModel } from './family-model';
import { BoxTree, HULL_DIMENSIONS } from './box-tree';
import { walkChain, type Verdict } from './symbolic-walk';
import { DIMENSIONS, isBoxSubset, type Box } from './packet-space';
import type { InstanceReach } from './rule-reach';
import { lineKey } from './what-if';
import { describePacket, pickPacketFrom } from './witness';

export interface EnablingImpact {
  readonly own: Verdict;
  /** One packet the rule would take that gets another verdict now, and from which rule. */
  readonly change?: {
    readonly packet: string;
    readonly now: Verdict;
    readonly by: { readonly origin?: RuleOrigin; readonly builtin?: string };
  };
  /** Later rules all of whose packets the rule would take first. */
  readonly silenced: readonly RuleOrigin[];
}

interface DisabledCopy {
  readonly key: string;
  readonly index: number;
  readonly match: Box;
  readonly exact: boolean;
}

/** A later rule: how many of its live copies a disabled rule would cover, of how many. */
interface Covered {
  readonly origin: RuleOrigin;
  readonly copies: number;
  readonly of: number;
}

interface Reached {
  readonly model: FamilyModel;
  readonly reach: InstanceReach;
}

/** A chain's disabled copies that match exactly, filed by chain position to be found by a point. */
interface ExactCopies {
  readonly tree: BoxTree;
  readonly at: ReadonlyMap<number, DisabledCopy>;
}

/**
 * One packet of the box as a query for a BoxTree (its lowest value in every dimension but the
 * accept mark, which isBoxSubset leaves aside): a box that holds the whole box holds this
 * packet, so its hull meets the query. Undefined when some dimension of the box is empty.
 */
function cornerQuery(box: Box): { lo: Float64Array; hi: Float64Array } | undefined {
  const query = { lo: new Float64Array(HULL_DIMENSIONS), hi: new Float64Array(HULL_DIMENSIONS) };
  for (let d = 0; d < DIMENSIONS.length; d++) {
    const dimension = DIMENSIONS[d]!;
    if (dimension === 'mark') {
      query.lo[d] = -Infinity;
      query.hi[d] = Infinity;
      continue;
    }
    const set = box[dimension];
    if (set.length === 0) return undefined;
    query.lo[d] = query.hi[d] = Number(set[0]![0]);
  }
  return query;
}

export class EnablingImpacts {
  /** Disabled rules' copies by chain (per family model), in chain order. */
  private readonly disabledIn = new Map<FamilyModel, Map<string, DisabledCopy[]>>();
  private readonly changes = new Map<string, NonNullable<EnablingImpact['change']>>();
  private readonly analysed = new Map<string, Verdict>();
  /** For each disabled rule, per later live rule: how many of its live copies it would cover. */
  private readonly covered = new Map<
    string,
    Map<string, { origin: RuleOrigin; copies: number; of: number }>
  >();
  /** Per family model and chain, its exact disabled copies in a tree, built on first use. */
  private readonly exactIn = new Map<FamilyModel, Map<string, ExactCopies>>();

  constructor(families: readonly FamilyModel[], disabled: ReadonlySet<string>) {
    for (const model of families) {
      const byChain = new Map<string, DisabledCopy[]>();
      for (const [key, list] of model.instances) {
        if (!disabled.has(key)) continue;
        for (const instance of list) {
          const copies = byChain.get(instance.ref.chain) ?? [];
          copies.push({
            key,
            index: instance.ref.index,
            match: instance.match,
            exact: instance.exact !== false,
          });
          byChain.set(instance.ref.chain, copies);
        }
      }
      this.disabledIn.set(model, byChain);
    }
  }

  /** A disabled rule that some packets would reach: the first packet whose verdict it changes. */
  noteDisabled(key: string, own: Verdict, reached: readonly Reached[]): void {
    this.analysed.set(key, own);
    for (const { model, reach } of reached) {
      if (reach.dead) continue;
      const { ref } = reach.instance;
      const end = model.chains.rules.get(ref.chain)?.length ?? 0;
      const walk = walkChain(model.chains, ref.chain, reach.reaching, {
        from: ref.index + 1,
        stopAt: end,
      });
      const other = walk.decided.find((d) => d.verdict !== own && d.region.length > 0);
      if (!other) continue;
      const rule = model.compiled.get(other.by.chain)?.[other.by.index];
      this.changes.set(key, {
        packet: describePacket(pickPacketFrom(other.region, model.family, model.names)),
        now: other.verdict,
        by: {
          ...(rule?.origin ? { origin: rule.origin } : {}),
          ...(rule?.builtin ? { builtin: rule.builtin } : {}),
        },
      });
      return;
    }
  }

  private exactCopies(model: FamilyModel, chain: string): ExactCopies | undefined {
    let byChain = this.exactIn.get(model);
    if (!byChain) {
      byChain = new Map();
      this.exactIn.set(model, byChain);
    }
    const known = byChain.get(chain);
    if (known) return known;
    const copies = this.disabledIn.get(model)?.get(chain);
    if (!copies) return undefined;
    const boxes: (Box | undefined)[] = [];
    const at = new Map<number, DisabledCopy>();
    for (const copy of copies) {
      if (!copy.exact) continue;
      boxes[copy.index] = copy.match;
      at.set(copy.index, copy);
    }
    const built = { tree: new BoxTree(boxes), at };
    byChain.set(chain, built);
    return built;
  }

  /** A live rule: which disabled rules before it would take every packet that reaches it. */
  noteLive(origin: RuleOrigin, reached: readonly Reached[]): void {
    const live = reached.filter((r) => !r.reach.dead);
    const counts = new Map<string, number>();
    for (const { model, reach } of live) {
      const { chain, index } = reach.instance.ref;
      const exact = this.exactCopies(model, chain);
      if (!exact) continue;
      const first = reach.reaching[0];
      const query = first && cornerQuery(first);
      // Only a copy that holds a packet of the rule's can hold them all: the tree finds those.
      const found: Iterable<number> = query
        ? exact.tree.meeting(query.lo, query.hi, 0, index)
        : [...exact.at.keys()].filter((i) => i < index).sort((a, b) => a - b);
      const seen = new Set<string>();
      for (const i of found) {
        const copy = exact.at.get(i)!;
        if (seen.has(copy.key)) continue;
        // The accept mark aside: isBoxSubset does not compare it, and rules leave it open.
        if (reach.reaching.every((box) => isBoxSubset(box, copy.match))) {
          seen.add(copy.key);
          counts.set(copy.key, (counts.get(copy.key) ?? 0) + 1);
        }
      }
    }
    const key = lineKey(origin.path, origin.lineNumber);
    for (const [disabled, copies] of counts) {
      const list = this.covered.get(disabled) ?? new Map<string, Covered>();
      list.set(key, { origin, copies, of: live.length });
      this.covered.set(disabled, list);
    }
  }

  /** Per disabled rule that packets would reach (by line key), what enabling it would do. */
  result(): Map<string, EnablingImpact> {
    const out = new Map<string, EnablingImpact>();
    for (const [key, own] of this.analysed) {
      const silenced = [...(this.covered.get(key)?.values() ?? [])]
        .filter((c) => c.copies === c.of)
        .map((c) => c.origin)
        .sort((a, b) => a.lineNumber - b.lineNumber);
      const change = this.changes.get(key);
      out.set(key, { own, silenced, ...(change ? { change } : {}) });
    }
    return out;
  }
}
