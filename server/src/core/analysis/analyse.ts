// The reachability analysis of one node: compile its ruleset, read both families into the packet
// space, walk every user line's copies, and say which are dead, removable or overlapping.
import { compileRulesetSteps } from '../compile';
import type { CompileInput, RuleOrigin, SkippedRule } from '../compile';
import type { RuleDef } from '../model';
import { runToEnd, type Steps } from '../steps';
import { EnablingImpacts, type EnablingImpact } from './enabling';
import { buildFamilySteps, type FamilyModel } from './family-model';
import { InterfaceNames } from './ipt-to-box';
import { NodeMemo, refKey, reuseReach, type FamilyRun, type InstanceWalk } from './node-memo';
import type { DeadRule, Overlap, ReachabilityReport, RemovableRule } from './reachability-report';
import { reachInstance, restOfChain } from './rule-reach';
import { chainChanges, type ChainChanges } from './reuse';
import {
  deadRule,
  overlapsOf,
  removableRule,
  type LiveCandidate,
  type Reached,
} from './rule-verdicts';
import { lineKey, whatIfInput } from './what-if';

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

const GUEST_CHAIN = /^(tap|veth)[0-9]+i[0-9]+-(IN|OUT)$/;
const HOST_CHAIN = /^PVEFW-HOST-(IN|OUT)$/;

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
