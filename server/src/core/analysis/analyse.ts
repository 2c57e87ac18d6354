import { compileRulesetSteps } from '../compile';
import type { CompileInput, CompiledRule, RuleOrigin, Ruleset, SkippedRule } from '../compile';
import type { RuleDef } from '../model';
import type { AbstractChains, AbstractRule, Decision, RuleRef, Verdict } from './symbolic-walk';
import { ChainIndex } from './chain-index';
import { ConversionCache } from './conversion-cache';
import { setMembership } from './ipset-membership';
import { addInterfaceNames, convertRule, InterfaceNames } from './ipt-to-box';
import type { IntervalSet } from './intervals';
import { fullBox, isBoxSubset, type Box, type Family } from './packet-space';
import { runToEnd, type Steps } from '../steps';
import {
  focusOf,
  reachInstance,
  restOfChain,
  witnessBoxes,
  type InstanceReach,
  type RestWalk,
} from './rule-reach';
import { EnablingImpacts, type EnablingImpact } from './enabling';
import { chainChanges, movedDecisions, oldIndex, touched, type ChainChanges } from './reuse';
import { lineKey, whatIfInput } from './what-if';
import { describePacket, naturalness, pickPacketFrom, type Packet } from './witness';

/** A rule that decided some of a dead rule's packets: a user's line or one of Proxmox's own. */
export interface Blocker {
  readonly origin?: RuleOrigin;
  readonly builtin?: string;
  readonly chain: string;
}

export interface DeadRule {
  readonly origin: RuleOrigin;
  readonly ownVerdict: Verdict;
  /** Shadowed: some of its packets get another verdict; redundant: all get its own. */
  readonly kind: 'shadowed' | 'redundant';
  readonly blockers: readonly Blocker[];
  readonly witness: {
    readonly packet: string;
    /** The same packet as data, for whoever wants to send it through the simulator. */
    readonly sample: Packet;
    /** The chain of the rule's copy the packet was meant for (`tap100i0-IN`, `PVEFW-HOST-IN`…). */
    readonly chain: string;
    readonly takenBy: Blocker;
    readonly verdict: Verdict;
  };
  /** True for a `|` rule: it would be dead if enabled. */
  readonly disabled: boolean;
}

/**
 * A live rule whose removal changes nothing: every packet it takes would get the same verdict
 * from the rules after it (or the chain's policy).
 */
export interface RemovableRule {
  readonly origin: RuleOrigin;
  readonly ownVerdict: Verdict;
  /** What would take its packets instead. */
  readonly takers: readonly Blocker[];
  readonly witness: { readonly packet: string; readonly takenBy: Blocker };
}

export interface ReachabilityReport {
  /** False when nothing could be compiled (no cluster.fw). */
  readonly analysed: boolean;
  readonly dead: readonly DeadRule[];
  /** Line keys of disabled rules that would not be dead if enabled. */
  readonly liveIfEnabled: ReadonlySet<string>;
  /** Compile-time failures of enabled rules, one per line and message. */
  readonly skipped: readonly SkippedRule[];
  /** Live rules that change nothing (see RemovableRule). */
  readonly removable: readonly RemovableRule[];
  /** Live rules some of whose packets an earlier rule decides differently (when asked for). */
  readonly overlaps: readonly Overlap[];
  /** Per family, what analysis needs to answer further questions (lockout, hover). */
  readonly families: readonly FamilyModel[];
  /** Per disabled rule that packets would reach (line key): what enabling it would do. */
  readonly enabling: ReadonlyMap<string, EnablingImpact>;
}

export type RuleProvenance = Pick<CompiledRule, 'origin' | 'builtin'>;

export interface FamilyModel {
  readonly family: Family;
  readonly chains: AbstractChains;
  /** Where each rule of each chain comes from (the compiled rules without their text). */
  readonly compiled: ReadonlyMap<string, readonly RuleProvenance[]>;
  readonly names: InterfaceNames;
  readonly sets: (kernelName: string) => IntervalSet | undefined;
  /** User rule instances by line key: where each compiled copy sits and what it matches. */
  readonly instances: ReadonlyMap<string, { ref: RuleRef; match: Box; exact?: boolean }[]>;
  /**
   * Per chain, what each rule is for the analysis (see signature()), to tell what an edit
   * changed; made only for an analysis that keeps a memo (`conversions` given).
   */
  readonly signatures?: ReadonlyMap<string, readonly string[]>;
}

function isGroupJump(rule: CompiledRule): boolean {
  return /(?:^| )-[jg] GROUP-/.test(rule.text) || / -m mark --mark /.test(rule.text);
}

/**
 * The packet-space model of one family's compiled ruleset; `names` may be shared to compare two,
 * `conversions` keeps rules read from one analysis to the next.
 */
export function buildFamily(
  ruleset: Ruleset,
  family: Family,
  disabled: ReadonlySet<string>,
  names: InterfaceNames = new InterfaceNames(),
  conversions?: ConversionCache,
): FamilyModel {
  return runToEnd(buildFamilySteps(ruleset, family, disabled, names, conversions));
}

/** Rules read between two pauses of buildFamilySteps: a few milliseconds' work. */
const RULES_PER_STEP = 500;

/** buildFamily, pausing every few hundred rules and while it builds the chain index. */
function* buildFamilySteps(
  ruleset: Ruleset,
  family: Family,
  disabled: ReadonlySet<string>,
  names: InterfaceNames,
  conversions: ConversionCache | undefined,
): Steps<FamilyModel> {
  addInterfaceNames(ruleset, names);
  const cache = new Map<string, IntervalSet | undefined>();
  // Not the ruleset: the model outlives it, and must not keep every rule's text alive.
  const ipsets = ruleset.ipsets;
  const sets = (kernelName: string): IntervalSet | undefined => {
    if (!cache.has(kernelName)) {
      const def = ipsets.get(kernelName);
      cache.set(kernelName, def ? setMembership(def.members) : undefined);
    }
    return cache.get(kernelName);
  };
  conversions?.begin(names);
  const convert = (text: string): ReturnType<typeof convertRule> =>
    conversions ? conversions.convert(text, names, sets) : convertRule(text, family, names, sets);
  const rules = new Map<string, AbstractRule[]>();
  const signatures = conversions ? new Map<string, string[]>() : undefined;
  const instances = new Map<string, { ref: RuleRef; match: Box; exact?: boolean }[]>();
  /** One compiled rule as the walks see it, noting where a user rule's copies sit. */
  const abstract = (rule: CompiledRule, ref: RuleRef, signed: string[]): AbstractRule => {
    const converted = convert(rule.text);
    const key = rule.origin ? lineKey(rule.origin.path, rule.origin.lineNumber) : undefined;
    const acts = converted.target.kind !== 'continue';
    if (key && acts && converted.over && !isGroupJump(rule)) {
      const list = instances.get(key);
      const instance = { ref, match: converted.over, exact: converted.under !== undefined };
      if (list) list.push(instance);
      else instances.set(key, [instance]);
    }
    // A disabled rule is compiled only to be asked about; it decides nothing for others.
    const off = key !== undefined && disabled.has(key);
    if (signatures) signed.push(signature(rule.text, off, sets));
    if (off) return { ref, match: undefined, target: converted.target };
    if (!converted.under && converted.over)
      return { ref, match: undefined, maybe: converted.over, target: converted.target };
    return { ref, match: converted.under, target: converted.target };
  };
  let read = 0;
  for (const [chain, compiled] of ruleset.chains) {
    const signed: string[] = [];
    signatures?.set(chain, signed);
    const list: AbstractRule[] = [];
    rules.set(chain, list);
    for (let index = 0; index < compiled.length; index++) {
      if (++read % RULES_PER_STEP === 0) yield;
      list.push(abstract(compiled[index]!, { chain, index }, signed));
    }
  }
  conversions?.end();
  // Chains without any user rule are Proxmox's plumbing: credit their decisions to the caller.
  const opaque = new Set(
    [...ruleset.chains]
      .filter(([, compiled]) => !compiled.some((r) => r.origin))
      .map(([name]) => name),
  );
  // Where each chain's policy part begins: after its last user rule.
  const start = new Map<string, number>();
  for (const [chain, compiled] of ruleset.chains) {
    let last = compiled.length - 1;
    while (last >= 0 && !compiled[last]!.origin) last--;
    start.set(chain, last + 1);
  }
  const tails = { start, universe: fullBox(family, names.count) };
  const plain: AbstractChains = { rules, opaque, tails };
  const index = new ChainIndex(plain);
  yield* index.prepare();
  const chains: AbstractChains = { ...plain, index };
  return {
    family,
    chains,
    compiled: provenanceOf(ruleset),
    names,
    sets,
    instances,
    ...(signatures ? { signatures } : {}),
  };
}

function provenanceOf(ruleset: Ruleset): Map<string, RuleProvenance[]> {
  const out = new Map<string, RuleProvenance[]>();
  for (const [chain, rules] of ruleset.chains)
    out.set(
      chain,
      rules.map((r) => (r.origin ? { origin: r.origin } : r.builtin ? { builtin: r.builtin } : {})),
    );
  return out;
}

const setVersions = new WeakMap<IntervalSet, number>();
let nextSetVersion = 0;

/** Small sets by their content; large ones by identity (unchanged sets keep their object). */
function setSignature(set: IntervalSet | undefined): string {
  if (!set) return '-';
  if (set.length <= 16) return set.map(([a, b]) => `${a}-${b}`).join(',');
  let version = setVersions.get(set);
  if (version === undefined) {
    version = nextSetVersion++;
    setVersions.set(set, version);
  }
  return `#${version}`;
}

/**
 * What a rule is for the analysis, to tell what an edit changed: its text, whether it is
 * disabled, and what the sets it names hold.
 */
function signature(
  text: string,
  disabled: boolean,
  sets: (kernelName: string) => IntervalSet | undefined,
): string {
  let out = disabled ? `|${text}` : text;
  for (const m of text.matchAll(/--match-set (\S+)/g)) out += ` ${setSignature(sets(m[1]!))}`;
  return out;
}

function ruleDefs(input: CompileInput): Map<string, RuleDef> {
  const defs = new Map<string, RuleDef>();
  const sources = [input.cluster, input.host, ...(input.guests?.values() ?? [])];
  for (const source of sources) {
    if (!source) continue;
    const all = [
      ...source.config.rules,
      ...[...source.config.groups.values()].flatMap((g) => g.rules),
    ];
    for (const def of all) defs.set(lineKey(source.path, def.line.line.number), def);
  }
  return defs;
}

function blockerOf(model: FamilyModel, ref: RuleRef): Blocker {
  const rule = model.compiled.get(ref.chain)?.[ref.index];
  return {
    chain: ref.chain,
    ...(rule?.origin ? { origin: rule.origin } : {}),
    ...(rule?.builtin
      ? { builtin: rule.builtin }
      : rule?.origin
        ? {}
        : { builtin: `rule ${ref.index + 1} of ${ref.chain}` }),
  };
}

function sameBlocker(a: Blocker, b: Blocker): boolean {
  if (a.origin && b.origin)
    return a.origin.path === b.origin.path && a.origin.lineNumber === b.origin.lineNumber;
  return !a.origin && !b.origin && a.builtin === b.builtin && a.chain === b.chain;
}

interface Reached {
  readonly model: FamilyModel;
  readonly reach: InstanceReach;
}

/**
 * Al-Shaer's anomalies between a live rule and an earlier one with another verdict:
 * generalization when the later rule also matches every packet of the earlier one (the earlier
 * is an exception carved out of it), correlation when each matches packets the other does not.
 */
export interface Overlap {
  readonly origin: RuleOrigin;
  readonly ownVerdict: Verdict;
  readonly earlier: RuleOrigin;
  readonly earlierVerdict: Verdict;
  readonly kind: 'generalization' | 'correlation';
  readonly witness: string;
}

function overlapsOf(origin: RuleOrigin, own: Verdict, reached: Reached[]): Overlap[] {
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

function deadRule(
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

/** The walks of one analysis, by rule position (`chain index`), for the next one to reuse. */
interface FamilyRun {
  readonly model: FamilyModel;
  readonly walks: Map<string, InstanceWalk>;
}

interface InstanceWalk {
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

export interface AnalyseOptions {
  /** Also work out partial overlaps (rule-overlap hints); they cost a witness per pair. */
  readonly overlaps?: boolean;
  /**
   * Whether what follows the user's rules in the host chains is known (the local network, the
   * cluster's corosync addresses): only then can removing a host rule be said to change nothing.
   */
  readonly hostTailKnown?: boolean;
  readonly memo?: NodeMemo;
}

const refKey = (ref: RuleRef): string => `${ref.chain} ${ref.index}`;

const GUEST_CHAIN = /^(tap|veth)[0-9]+i[0-9]+-(IN|OUT)$/;
const HOST_CHAIN = /^PVEFW-HOST-(IN|OUT)$/;

/** The previous walk of a rule, still true after the edit, with its rules' new positions. */
function reuseReach(
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

interface LiveCandidate {
  readonly origin: RuleOrigin;
  readonly own: Verdict;
  readonly rests: { model: FamilyModel; rest: RestWalk }[];
}

/**
 * A live rule whose packets would all get its own verdict anyway, and from which rules; with
 * the line keys of the user rules among those, which must not be dead themselves.
 */
function removableRule(
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

/**
 * Which user rules can never match, exactly over the packet space, in the ruleset Proxmox
 * would generate for this node (every firewall taken as enabled). Disabled rules are analysed
 * as if enabled, without ever blocking other rules.
 */
export function analyseReachability(
  input: CompileInput,
  options: AnalyseOptions = {},
): ReachabilityReport {
  return runToEnd(analyseReachabilitySteps(input, options));
}

/**
 * Compiles the ruleset and reads both families into the packet space. The iptables text of
 * every rule is garbage once read: with 50,000 rules it held a fifth of the memory.
 */
function* compileFamilies(
  whatIf: ReturnType<typeof whatIfInput>,
  memo: NodeMemo | undefined,
): Steps<{ families: FamilyModel[]; skipped: readonly SkippedRule[] } | undefined> {
  const compiled = yield* compileRulesetSteps(whatIf.input);
  if (!compiled.enabled) return undefined;
  yield;
  const families = [
    yield* buildFamilySteps(
      compiled.v4,
      4,
      whatIf.disabled,
      new InterfaceNames(),
      memo?.conversions[4],
    ),
    yield* buildFamilySteps(
      compiled.v6,
      6,
      whatIf.disabled,
      new InterfaceNames(),
      memo?.conversions[6],
    ),
  ];
  yield;
  return { families, skipped: compiled.skipped };
}

/** analyseReachability, pausing after the compile and after each rule (see steps.ts). */
export function* analyseReachabilitySteps(
  input: CompileInput,
  options: AnalyseOptions = {},
): Steps<ReachabilityReport> {
  const whatIf = whatIfInput(input);
  const compiled = yield* compileFamilies(whatIf, options.memo);
  const empty = {
    dead: [],
    liveIfEnabled: new Set<string>(),
    skipped: [],
    families: [],
    overlaps: [],
    removable: [],
    enabling: new Map<string, EnablingImpact>(),
  };
  const memo = options.memo;
  if (!compiled) {
    memo?.runs.clear();
    return { analysed: false, ...empty };
  }
  const { families } = compiled;
  const previous = new Map<FamilyModel, { run: FamilyRun; changes: ChainChanges }>();
  const runs = new Map<FamilyModel, FamilyRun>();
  for (const model of families) {
    const run = memo?.runs.get(model.family);
    // Another interface numbering makes every box different: nothing can be reused.
    const [before, after] = [run?.model.signatures, model.signatures];
    if (run && before && after && run.model.names.key() === model.names.key())
      previous.set(model, {
        run,
        changes: chainChanges(
          { chains: run.model.chains, signatures: before },
          { chains: model.chains, signatures: after },
        ),
      });
    runs.set(model, { model, walks: new Map() });
  }
  yield;
  const defs = ruleDefs(input);
  const dead: DeadRule[] = [];
  const deadKeys = new Set<string>();
  const liveIfEnabled = new Set<string>();
  const overlaps: Overlap[] = [];
  const candidates: { rule: RemovableRule; deciders: string[] }[] = [];
  const keys = new Set(families.flatMap((f) => [...f.instances.keys()]));
  const enabling = new EnablingImpacts(families, whatIf.disabled);
  for (const key of keys) {
    yield;
    const def = defs.get(key);
    const action = def?.line.rule.action;
    if (
      !def ||
      def.line.rule.type === 'group' ||
      (action !== 'ACCEPT' && action !== 'DROP' && action !== 'REJECT')
    )
      continue;
    const reached: (Reached & { walk: InstanceWalk })[] = [];
    let origin: RuleOrigin | undefined;
    for (const model of families) {
      for (const instance of model.instances.get(key) ?? []) {
        origin ??= model.compiled.get(instance.ref.chain)?.[instance.ref.index]?.origin;
        const walk = reuseReach(previous.get(model), instance) ?? {
          reach: reachInstance(model.chains, instance),
        };
        // Kept only for a memo: an analysis of 50,000 rules cannot hold every walk at once.
        if (memo) runs.get(model)!.walks.set(refKey(instance.ref), walk);
        reached.push({ model, reach: walk.reach, walk });
      }
    }
    const isDisabled = whatIf.disabled.has(key);
    if (reached.length > 0 && reached.every((r) => r.reach.dead) && origin) {
      dead.push(deadRule(origin, action, reached, isDisabled));
      deadKeys.add(key);
      continue;
    }
    if (isDisabled) {
      liveIfEnabled.add(key);
      enabling.noteDisabled(key, action, reached);
      continue;
    }
    if (!origin) continue;
    enabling.noteLive(origin, reached);
    if (options.overlaps) overlaps.push(...overlapsOf(origin, action, reached));
    const logged =
      def.line.rule.options.log !== undefined && def.line.rule.options.log.value.text !== 'nolog';
    const live = reached.filter((r) => !r.reach.dead);
    const eligible = live.every(
      (r) =>
        GUEST_CHAIN.test(r.reach.instance.ref.chain) ||
        (options.hostTailKnown === true && HOST_CHAIN.test(r.reach.instance.ref.chain)),
    );
    if (logged || !eligible) continue;
    const rests: LiveCandidate['rests'] = [];
    for (const { model, reach, walk } of live) {
      // The line's other copies in this family's ruleset go with it.
      const siblings = new Set(
        reached.filter((r) => r.model === model).map((r) => refKey(r.reach.instance.ref)),
      );
      walk.rest ??= restOfChain(model.chains, reach, siblings, action);
      rests.push({ model, rest: walk.rest });
      if (walk.rest.contradicted) break;
    }
    const found = removableRule({ origin, own: action, rests });
    if (found) candidates.push(found);
  }
  // Two copies of one rule each make the other look removable: only the dead one is.
  const removable = candidates
    .filter((c) => !c.deciders.some((key) => deadKeys.has(key)))
    .map((c) => c.rule);
  if (memo) {
    memo.runs.clear();
    for (const run of runs.values()) memo.runs.set(run.model.family, run);
  }
  const skipped = compiled.skipped.filter(
    (s) => !s.origin || !whatIf.disabled.has(lineKey(s.origin.path, s.origin.lineNumber)),
  );
  return {
    analysed: true,
    dead,
    liveIfEnabled,
    skipped,
    families,
    overlaps,
    removable,
    enabling: enabling.result(),
  };
}
