import {
  walkChain,
  type AbstractChains,
  type Decision,
  type RuleRef,
  type Verdict,
  type WalkResult,
} from './chain-walk';
import { ANY_MARK, boxIntersect, NO_MARK, type Box } from './packet-space';

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
  /** Packets of the rule that reach it. */
  readonly reaching: readonly Box[];
  /** True when no packet of the rule reaches it. */
  readonly dead: boolean;
}

/** What would happen to a rule's packets if it were not there. */
export interface RestWalk {
  /** Decided by the rules after it (or by what they jump to). */
  readonly decided: readonly Decision[];
  /** Rules with a match we do not model that might take some of them first. */
  readonly maybe: WalkResult['maybe'];
  /** Packets that would leave the chain undecided. */
  readonly undecided: boolean;
  /** Some packet would get another verdict than the one expected (then nothing else is kept). */
  readonly contradicted?: boolean;
}

/** The box a walk for this rule can skip everything outside of. */
export function focusOf(instance: RuleInstance): Box {
  return { ...instance.match, mark: ANY_MARK };
}

export function reachInstance(chains: AbstractChains, instance: RuleInstance): InstanceReach {
  // New packets reach a chain without the accept mark; groups set it, their callers test it.
  const start = { ...instance.match, mark: NO_MARK };
  const walk = walkChain(chains, instance.ref.chain, [start], { stopAt: instance.ref.index });
  return {
    instance,
    decided: walk.decided,
    reaching: walk.remaining,
    dead: walk.remaining.length === 0,
  };
}

/**
 * Follows the packets that reach a rule past it, as if it (and `without`: the other compiled
 * copies of its line) were not there: the rules after it, to the end of its chain.
 */
export function restOfChain(
  chains: AbstractChains,
  reach: InstanceReach,
  without: ReadonlySet<string>,
  expect: Verdict,
): RestWalk {
  const { ref } = reach.instance;
  const end = chains.rules.get(ref.chain)?.length ?? 0;
  const walk = walkChain(chains, ref.chain, reach.reaching, {
    from: ref.index + 1,
    stopAt: end,
    without,
    focus: focusOf(reach.instance),
    expect,
  });
  if (walk.contradicted) return { decided: [], maybe: [], undecided: false, contradicted: true };
  return {
    decided: walk.decided,
    maybe: walk.maybe,
    undecided: walk.remaining.length > 0,
  };
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
