import {
  walkChain,
  type AbstractChains,
  type AbstractRule,
  type Decision,
  type MaybeTaken,
  type RuleRef,
  type Verdict,
  type WalkResult,
} from './symbolic-walk';
import {
  ANY_MARK,
  boxIntersect,
  DIMENSIONS,
  HAS_MARK,
  NO_MARK,
  regionIntersect,
  regionMeets,
  withMark,
  type Box,
} from './packet-space';
import type { IntervalSet } from './intervals';

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
  return withMark(instance.match, ANY_MARK);
}

export function reachInstance(chains: AbstractChains, instance: RuleInstance): InstanceReach {
  // New packets reach a chain without the accept mark; groups set it, their callers test it.
  const start = withMark(instance.match, NO_MARK);
  const walk = walkChain(chains, instance.ref.chain, [start], {
    stopAt: instance.ref.index,
    focus: focusOf(instance),
  });
  return {
    instance,
    decided: walk.decided,
    reaching: walk.remaining,
    dead: walk.remaining.length === 0,
  };
}

/** What the end of a chain, after its last user rule, does to every packet of the family. */
interface ChainTail {
  readonly start: number;
  readonly decided: readonly Decision[];
  readonly maybe: readonly MaybeTaken[];
  /** Packets that leave the chain undecided. */
  readonly undecided: readonly Box[];
}

const tailsByModel = new WeakMap<
  AbstractChains,
  { byChain: Map<string, ChainTail>; byRules: Map<string, { chain: string; tail: ChainTail }> }
>();

function setKey(set: IntervalSet): string {
  return set.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/** What a chain's rules are for a walk, whatever chain they sit in. */
function rulesKey(rules: readonly AbstractRule[]): string {
  const box = (b: Box | undefined): string =>
    b ? DIMENSIONS.map((d) => setKey(b[d])).join(' ') : '-';
  return rules
    .map((r) => {
      const t = r.target;
      const target =
        t.kind === 'verdict'
          ? t.verdict
          : t.kind === 'jump' || t.kind === 'goto'
            ? `${t.kind} ${t.chain}`
            : t.kind === 'set-mark'
              ? `mark ${t.value}`
              : t.kind;
      return `${target}|${box(r.match)}|${box(r.maybe)}`;
    })
    .join('\n');
}

/** A tail walked in one chain, for another whose tail holds the same rules. */
function movedTail(tail: ChainTail, from: string, to: string, start: number): ChainTail {
  const move = <T extends { by: RuleRef }>(d: T): T =>
    d.by.chain === from ? { ...d, by: { chain: to, index: d.by.index - tail.start + start } } : d;
  return {
    start,
    decided: tail.decided.map(move),
    maybe: tail.maybe.map(move),
    undecided: tail.undecided,
  };
}

/**
 * The policy part of a chain, walked once for all packets: every walk past a user rule ends
 * there, and splitting each one's packets again through Proxmox's drop chains cost more than
 * all the user rules together.
 */
function tailOf(chains: AbstractChains, chain: string): ChainTail | undefined {
  const start = chains.tails?.start.get(chain);
  if (!chains.tails || start === undefined) return undefined;
  let known = tailsByModel.get(chains);
  if (!known) {
    known = { byChain: new Map(), byRules: new Map() };
    tailsByModel.set(chains, known);
  }
  const cached = known.byChain.get(chain);
  if (cached) return cached;
  const end = chains.rules.get(chain)?.length ?? 0;
  // Every guest's NIC chains end alike: walk one, and move its answer to the others.
  const key = rulesKey(chains.rules.get(chain)?.slice(start, end) ?? []);
  const twin = known.byRules.get(key);
  if (twin) {
    const moved = movedTail(twin.tail, twin.chain, chain, start);
    known.byChain.set(chain, moved);
    return moved;
  }
  const tail = {
    start,
    decided: [] as Decision[],
    maybe: [] as MaybeTaken[],
    undecided: [] as Box[],
  };
  // A walk changes only the accept mark of the packets it follows. Walked once per mark value
  // the packets arrive with, and with that value put back, the regions say which arriving
  // packets meet each rule.
  for (const mark of [NO_MARK, HAS_MARK]) {
    const walk = walkChain(chains, chain, [withMark(chains.tails.universe, mark)], {
      from: start,
      stopAt: end,
      maybeRegions: true,
    });
    const arriving = (region: readonly Box[]): Box[] => region.map((b) => withMark(b, mark));
    for (const d of walk.decided) tail.decided.push({ ...d, region: arriving(d.region) });
    for (const m of walk.maybe) tail.maybe.push({ ...m, region: arriving(m.region ?? []) });
    tail.undecided.push(...arriving(walk.remaining));
  }
  known.byChain.set(chain, tail);
  known.byRules.set(key, { chain, tail });
  return tail;
}

function regionsMeet(a: readonly Box[], b: readonly Box[]): boolean {
  return a.some((x) => regionMeets(b, x));
}

const CONTRADICTED: RestWalk = { decided: [], maybe: [], undecided: false, contradicted: true };

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
  const tail = tailOf(chains, ref.chain);
  // Copies of the rule are user rules, so none lies in the tail.
  const walk = walkChain(chains, ref.chain, reach.reaching, {
    from: ref.index + 1,
    stopAt: tail && tail.start > ref.index ? tail.start : end,
    without,
    focus: focusOf(reach.instance),
    expect,
  });
  if (walk.contradicted) return CONTRADICTED;
  if (!tail || tail.start <= ref.index || walk.remaining.length === 0)
    return { decided: walk.decided, maybe: walk.maybe, undecided: walk.remaining.length > 0 };
  // The packets that reach the tail meet exactly the tail's decisions they share a packet with.
  const rest = walk.remaining;
  const decided = [...walk.decided];
  const maybe = [...walk.maybe];
  for (const m of tail.maybe) {
    if (!regionsMeet(rest, m.region ?? [])) continue;
    if (m.verdict !== expect) return CONTRADICTED;
    maybe.push({ verdict: m.verdict, by: m.by });
  }
  for (const d of tail.decided) {
    const part = d.region.flatMap((box) => regionIntersect(rest, box));
    if (part.length === 0) continue;
    if (d.verdict !== expect) return CONTRADICTED;
    decided.push({ region: part, verdict: d.verdict, by: d.by });
  }
  return { decided, maybe, undecided: regionsMeet(rest, tail.undecided) };
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
