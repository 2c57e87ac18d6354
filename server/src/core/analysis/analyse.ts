import { compileRuleset } from '../compile/compile-ruleset';
import type {
  CompileInput,
  CompiledRule,
  RuleOrigin,
  Ruleset,
  SkippedRule,
} from '../compile/types';
import type { RuleDef } from '../model/fw-config';
import type { AbstractChains, AbstractRule, Decision, RuleRef, Verdict } from './chain-walk';
import { ChainIndex } from './chain-index';
import { setMembership } from './ipset-membership';
import { addInterfaceNames, convertRule, InterfaceNames } from './ipt-to-box';
import type { IntervalSet } from './intervals';
import { isBoxSubset, type Box, type Family } from './packet-space';
import { runToEnd, type Steps } from './steps';
import { reachInstance, witnessBoxes, type InstanceReach } from './reachability';
import { lineKey, whatIfInput } from './what-if';
import { describePacket, pickPacketFrom } from './witness';

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
    readonly takenBy: Blocker;
    readonly verdict: Verdict;
  };
  /** True for a `|` rule: it would be dead if enabled. */
  readonly disabled: boolean;
}

export interface ReachabilityReport {
  /** False when nothing could be compiled (no cluster.fw). */
  readonly analysed: boolean;
  readonly dead: readonly DeadRule[];
  /** Line keys of disabled rules that would not be dead if enabled. */
  readonly liveIfEnabled: ReadonlySet<string>;
  /** Compile-time failures of enabled rules, one per line and message. */
  readonly skipped: readonly SkippedRule[];
  /** Live rules some of whose packets an earlier rule decides differently. */
  readonly overlaps: readonly Overlap[];
  /** Per family, what analysis needs to answer further questions (lockout, hover). */
  readonly families: readonly FamilyModel[];
}

export interface FamilyModel {
  readonly family: Family;
  readonly chains: AbstractChains;
  readonly compiled: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly names: InterfaceNames;
  readonly sets: (kernelName: string) => IntervalSet | undefined;
  /** User rule instances by line key: where each compiled copy sits and what it matches. */
  readonly instances: ReadonlyMap<string, { ref: RuleRef; match: Box }[]>;
}

function isGroupJump(rule: CompiledRule): boolean {
  return /(?:^| )-[jg] GROUP-/.test(rule.text) || / -m mark --mark /.test(rule.text);
}

/** The packet-space model of one family's compiled ruleset; `names` may be shared to compare two. */
export function buildFamily(
  ruleset: Ruleset,
  family: Family,
  disabled: ReadonlySet<string>,
  names: InterfaceNames = new InterfaceNames(),
): FamilyModel {
  addInterfaceNames(ruleset, names);
  const cache = new Map<string, IntervalSet | undefined>();
  const sets = (kernelName: string): IntervalSet | undefined => {
    if (!cache.has(kernelName)) {
      const def = ruleset.ipsets.get(kernelName);
      cache.set(kernelName, def ? setMembership(def.members) : undefined);
    }
    return cache.get(kernelName);
  };
  const rules = new Map<string, AbstractRule[]>();
  const instances = new Map<string, { ref: RuleRef; match: Box }[]>();
  for (const [chain, compiled] of ruleset.chains) {
    rules.set(
      chain,
      compiled.map((rule, index): AbstractRule => {
        const ref = { chain, index };
        const converted = convertRule(rule.text, family, names, sets);
        const key = rule.origin ? lineKey(rule.origin.path, rule.origin.lineNumber) : undefined;
        const acts = converted.target.kind !== 'continue';
        if (key && acts && converted.over && !isGroupJump(rule)) {
          instances.set(key, [...(instances.get(key) ?? []), { ref, match: converted.over }]);
        }
        // A disabled rule is compiled only to be asked about; it decides nothing for others.
        const match = key && disabled.has(key) ? undefined : converted.under;
        return { ref, match, target: converted.target };
      }),
    );
  }
  // Chains without any user rule are Proxmox's plumbing: credit their decisions to the caller.
  const opaque = new Set(
    [...ruleset.chains]
      .filter(([, compiled]) => !compiled.some((r) => r.origin))
      .map(([name]) => name),
  );
  const plain: AbstractChains = { rules, opaque };
  const chains: AbstractChains = { ...plain, index: new ChainIndex(plain) };
  return { family, chains, compiled: ruleset.chains, names, sets, instances };
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
  const packet = describePacket(
    pickPacketFrom(
      boxes.length > 0 ? boxes : [pick.reach.instance.match],
      pick.model.family,
      pick.model.names,
    ),
  );
  return {
    origin,
    ownVerdict: own,
    kind: differing.length > 0 ? 'shadowed' : 'redundant',
    blockers,
    witness: { packet, takenBy: blockerOf(pick.model, pick.d.by), verdict: pick.d.verdict },
    disabled,
  };
}

/**
 * Which user rules can never match, exactly over the packet space, in the ruleset Proxmox
 * would generate for this node (every firewall taken as enabled). Disabled rules are analysed
 * as if enabled, without ever blocking other rules.
 */
export function analyseReachability(input: CompileInput): ReachabilityReport {
  return runToEnd(analyseReachabilitySteps(input));
}

/** analyseReachability, pausing after the compile and after each rule (see steps.ts). */
export function* analyseReachabilitySteps(input: CompileInput): Steps<ReachabilityReport> {
  const whatIf = whatIfInput(input);
  const compiled = compileRuleset(whatIf.input);
  const empty = {
    dead: [],
    liveIfEnabled: new Set<string>(),
    skipped: [],
    families: [],
    overlaps: [],
  };
  if (!compiled.enabled) return { analysed: false, ...empty };
  yield;
  const families = [
    buildFamily(compiled.v4, 4, whatIf.disabled),
    buildFamily(compiled.v6, 6, whatIf.disabled),
  ];
  yield;
  const defs = ruleDefs(input);
  const dead: DeadRule[] = [];
  const liveIfEnabled = new Set<string>();
  const overlaps: Overlap[] = [];
  const keys = new Set(families.flatMap((f) => [...f.instances.keys()]));
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
    const reached: Reached[] = [];
    let origin: RuleOrigin | undefined;
    for (const model of families) {
      for (const instance of model.instances.get(key) ?? []) {
        origin ??= model.compiled.get(instance.ref.chain)?.[instance.ref.index]?.origin;
        reached.push({ model, reach: reachInstance(model.chains, instance) });
      }
    }
    const isDisabled = whatIf.disabled.has(key);
    if (reached.length > 0 && reached.every((r) => r.reach.dead) && origin) {
      dead.push(deadRule(origin, action, reached, isDisabled));
    } else if (isDisabled) {
      liveIfEnabled.add(key);
    } else if (origin) {
      overlaps.push(...overlapsOf(origin, action, reached));
    }
  }
  const skipped = compiled.skipped.filter(
    (s) => !s.origin || !whatIf.disabled.has(lineKey(s.origin.path, s.origin.lineNumber)),
  );
  return { analysed: true, dead, liveIfEnabled, skipped, families, overlaps };
}
