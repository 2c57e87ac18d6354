import {
  walkChain,
  type AbstractChains,
  type Decision,
  type RuleRef,
  type Verdict,
} from './chain-walk';
import { boxIntersect, type Box } from './packet-space';

/** One compiled copy of a user rule: where it sits and the packets it would match. */
export interface RuleInstance {
  readonly ref: RuleRef;
  /** Over-approximation of the packets the rule matches. */
  readonly match: Box;
}

export interface InstanceReach {
  readonly instance: RuleInstance;
  /** Packets of the rule that earlier rules decide, by deciding rule. */
  readonly decided: readonly Decision[];
  /** True when no packet of the rule reaches it. */
  readonly dead: boolean;
}

export function reachInstance(chains: AbstractChains, instance: RuleInstance): InstanceReach {
  const walk = walkChain(chains, instance.ref.chain, [instance.match], instance.ref.index);
  return { instance, decided: walk.decided, dead: walk.remaining.length === 0 };
}

function sameRef(a: RuleRef, b: RuleRef): boolean {
  return a.chain === b.chain && a.index === b.index;
}

/**
 * The rules that take the dead rule's packets under first match, in the order the packets meet
 * them. Each one decides some of those packets, so none is superfluous for the explanation;
 * a rule that would only take over if another were removed is not listed.
 */
export function blockingRules(reach: InstanceReach): RuleRef[] {
  const unique: RuleRef[] = [];
  for (const d of reach.decided) if (!unique.some((u) => sameRef(u, d.by))) unique.push(d.by);
  return unique;
}

/** A packet of the rule that `decision` takes, as a box to pick a point from. */
export function witnessBox(reach: InstanceReach, decision: Decision): Box | undefined {
  for (const piece of decision.region) {
    const both = boxIntersect(piece, reach.instance.match);
    if (both) return both;
  }
  return undefined;
}

export function differentVerdicts(reach: InstanceReach, own: Verdict): Decision[] {
  return reach.decided.filter((d) => d.verdict !== own);
}
