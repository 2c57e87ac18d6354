// What one analysis of a node keeps for the next: rules already read, and each rule's walks, so
// that after an edit only the walks the edit can reach are redone.
import { ConversionCache } from './conversion-cache';
import type { FamilyModel } from './family-model';
import type { Box, Family } from './packet-space';
import { movedDecisions, oldIndex, touched, type ChainChanges } from './reuse';
import { focusOf, type InstanceReach, type RestWalk } from './rule-reach';
import type { RuleRef } from './symbolic-walk';

/** The walks of one analysis, by rule position (`chain index`), for the next one to reuse. */
export interface FamilyRun {
  readonly model: FamilyModel;
  readonly walks: Map<string, InstanceWalk>;
}

export interface InstanceWalk {
  readonly reach: InstanceReach;
  rest?: RestWalk;
}

/**
 * What the analysis of one node keeps for the next analysis of the same node: rules already
 * read into boxes, and each rule's walks with the ruleset they were made in. An editor holds
 * one per node; after a one-line edit only the walks the edit can reach are redone.
 */
export class NodeMemo {
  readonly conversions = { 4: new ConversionCache(4), 6: new ConversionCache(6) } as const;
  readonly runs = new Map<Family, FamilyRun>();
}

export const refKey = (ref: RuleRef): string => `${ref.chain} ${ref.index}`;

/** The previous walk of a rule, still true after the edit, with its rules' new positions. */
export function reuseReach(
  previous: { run: FamilyRun; changes: ChainChanges } | undefined,
  instance: { ref: RuleRef; match: Box },
): InstanceWalk | undefined {
  if (!previous) return undefined;
  const index = oldIndex(previous.changes, instance.ref);
  if (index === undefined) return undefined;
  const old = previous.run.walks.get(refKey({ chain: instance.ref.chain, index }));
  if (!old) return undefined;
  const focus = focusOf(instance);
  if (touched(previous.changes, instance.ref.chain, instance.ref.index, focus, false))
    return undefined;
  const decided = movedDecisions(previous.changes, old.reach.decided);
  if (!decided) return undefined;
  const reach: InstanceReach = { ...old.reach, instance, decided };
  const walk: InstanceWalk = { reach };
  if (old.rest && !touched(previous.changes, instance.ref.chain, 0, focus, true)) {
    const restDecided = movedDecisions(previous.changes, old.rest.decided);
    const maybe = movedDecisions(previous.changes, old.rest.maybe);
    if (restDecided && maybe) walk.rest = { ...old.rest, decided: restDecided, maybe };
  }
  return walk;
}
