import {
  walkChain,
  type AbstractChains,
  type Decision,
  type RuleRef,
  type Verdict,
} from './chain-walk';
import { boxIntersect, NO_MARK, type Box } from './packet-space';

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
  // New packets reach a chain without the accept mark; groups set it, their callers test it.
  const start = { ...instance.match, mark: NO_MARK };
  const walk = walkChain(chains, instance.ref.chain, [start], instance.ref.index);
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

/** The packets of the rule that `decision` takes, to pick a witness from. */
export function witnessBoxes(reach: InstanceReach, decision: Decision): Box[] {
  const out: Box[] = [];
  for (const piece of decision.region) {
    const both = boxIntersect(piece, reach.instance.match);
    if (both) out.push(both);
  }
  return out;
}

export function differentVerdicts(reach: InstanceReach, own: Verdict): Decision[] {
  return reach.decided.filter((d) => d.verdict !== own);
}
