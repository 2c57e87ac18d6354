// From a line's walks to what is said of it: dead (shadowed or redundant) with the rules that
// take its packets, removable (the rules after it decide the same), or overlapping an earlier one.
import type { RuleOrigin } from '../compile';
import type { FamilyModel } from './family-model';
import { isBoxSubset, type Box } from './packet-space';
import type { Blocker, DeadRule, Overlap, RemovableRule } from './reachability-report';
import { witnessBoxes, type InstanceReach, type RestWalk } from './rule-reach';
import type { Decision, RuleRef, Verdict } from './symbolic-walk';
import { lineKey } from './what-if';
import { describePacket, naturalness, pickPacketFrom } from './witness';

function blockerOf(model: FamilyModel, ref: RuleRef): Blocker {
  const rule = model.compiled.get(ref.chain)?.[ref.index];
  const origin = rule?.origin;
  const builtin = rule?.builtin;
  // Made without spreads: a dead rule of a crowded chain names a blocker per decision, and each
  // spread made and copied two more objects.
  if (origin && builtin) return { chain: ref.chain, origin, builtin };
  if (origin) return { chain: ref.chain, origin };
  return { chain: ref.chain, builtin: builtin ? builtin : `rule ${ref.index + 1} of ${ref.chain}` };
}

function sameBlocker(a: Blocker, b: Blocker): boolean {
  if (a.origin && b.origin)
    return a.origin.path === b.origin.path && a.origin.lineNumber === b.origin.lineNumber;
  return !a.origin && !b.origin && a.builtin === b.builtin && a.chain === b.chain;
}

export interface Reached {
  readonly model: FamilyModel;
  readonly reach: InstanceReach;
}

export function overlapsOf(origin: RuleOrigin, own: Verdict, reached: Reached[]): Overlap[] {
  const out: Overlap[] = [];
  for (const { model, d, reach } of explainingDecisions(reached)) {
    const rule = model.compiled.get(d.by.chain)?.[d.by.index];
    const earlier = rule?.origin;
    if (!earlier || d.verdict === own) continue;
    if (
      out.some(
        (o) => o.earlier.path === earlier.path && o.earlier.lineNumber === earlier.lineNumber,
      )
    )
      continue;
    const earlierMatch = model.chains.rules.get(d.by.chain)?.[d.by.index]?.match;
    const general = earlierMatch !== undefined && isBoxSubset(earlierMatch, reach.instance.match);
    const boxes = witnessBoxes(reach, d);
    const witness = describePacket(
      pickPacketFrom(boxes.length > 0 ? boxes : [reach.instance.match], model.family, model.names),
    );
    out.push({
      origin,
      ownVerdict: own,
      earlier,
      earlierVerdict: d.verdict,
      kind: general ? 'generalization' : 'correlation',
      witness,
    });
  }
  return out;
}

function isUserDecision(model: FamilyModel, d: Decision): boolean {
  return model.compiled.get(d.by.chain)?.[d.by.index]?.origin !== undefined;
}

/**
 * Proxmox's own rules (loopback, smurf and conntrack filters) take some packets of every rule;
 * when user rules decide the rest, those are the explanation users need, so only they count.
 */
function explainingDecisions(
  reached: Reached[],
): { model: FamilyModel; reach: InstanceReach; d: Decision }[] {
  const all = reached.flatMap(({ model, reach }) =>
    reach.decided.map((d) => ({ model, reach, d })),
  );
  const user = all.filter(({ model, d }) => isUserDecision(model, d));
  return user.length > 0 ? user : all;
}

export function deadRule(
  origin: RuleOrigin,
  own: Verdict,
  reached: Reached[],
  disabled: boolean,
): DeadRule {
  const explaining = explainingDecisions(reached);
  const blockers: Blocker[] = [];
  for (const { model, d } of explaining) {
    const b = blockerOf(model, d.by);
    if (!blockers.some((x) => sameBlocker(x, b))) blockers.push(b);
  }
  const differing = explaining.filter(({ d }) => d.verdict !== own);
  const pick = differing[0] ?? explaining[0]!;
  const boxes = witnessBoxes(pick.reach, pick.d);
  const sample = pickPacketFrom(
    boxes.length > 0 ? boxes : [pick.reach.instance.match],
    pick.model.family,
    pick.model.names,
  );
  return {
    origin,
    ownVerdict: own,
    kind: differing.length > 0 ? 'shadowed' : 'redundant',
    blockers,
    witness: {
      packet: describePacket(sample),
      sample,
      chain: pick.reach.instance.ref.chain,
      takenBy: blockerOf(pick.model, pick.d.by),
      verdict: pick.d.verdict,
    },
    disabled,
  };
}

export interface LiveCandidate {
  readonly origin: RuleOrigin;
  readonly own: Verdict;
  readonly rests: { model: FamilyModel; rest: RestWalk }[];
}

/**
 * A live rule whose packets would all get its own verdict anyway, and from which rules; with
 * the line keys of the user rules among those, which must not be dead themselves.
 */
export function removableRule(
  candidate: LiveCandidate,
): { rule: RemovableRule; deciders: string[] } | undefined {
  const takers: Blocker[] = [];
  const deciders: string[] = [];
  for (const { rest } of candidate.rests) {
    if (rest.contradicted || rest.undecided) return undefined;
    if (rest.maybe.some((m) => m.verdict !== candidate.own)) return undefined;
    if (rest.decided.some((d) => d.verdict !== candidate.own)) return undefined;
  }
  // The packets a rest walk follows are the rule's own, so each decision holds a witness.
  let best: { model: FamilyModel; boxes: readonly Box[]; by: Blocker; score: number } | undefined;
  for (const { model, rest } of candidate.rests) {
    for (const d of rest.decided) {
      const by = blockerOf(model, d.by);
      if (!takers.some((x) => sameBlocker(x, by))) takers.push(by);
      if (by.origin) deciders.push(lineKey(by.origin.path, by.origin.lineNumber));
      if (d.region.length === 0) continue;
      let score = -1;
      for (const box of d.region) score = Math.max(score, naturalness(box, model.family));
      if (!best || score > best.score) best = { model, boxes: d.region, by, score };
    }
  }
  if (!best) return undefined;
  const packet = describePacket(pickPacketFrom(best.boxes, best.model.family, best.model.names));
  const rule = {
    origin: candidate.origin,
    ownVerdict: candidate.own,
    takers,
    witness: { packet, takenBy: best.by },
  };
  return { rule, deciders };
}
