// One family's compiled ruleset read into the packet space: each rule as boxes, where each user
// line's copies sit, the chain index the walks query, and what each rule is to tell an edit.
import type { CompiledRule, Ruleset } from '../compile';
import { runToEnd, type Steps } from '../steps';
import { ChainIndex } from './chain-index';
import type { ConversionCache } from './conversion-cache';
import type { IntervalSet } from './intervals';
import { setMembership } from './ipset-membership';
import { addInterfaceNames, convertRule, InterfaceNames } from './ipt-to-box';
import { fullBox, type Box, type Family } from './packet-space';
import type { AbstractChains, AbstractRule, RuleRef } from './symbolic-walk';
import { lineKey } from './what-if';

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
  const { text } = rule;
  // Most rules are neither: two plain searches spare running the patterns on them.
  if (!text.includes('GROUP-') && !text.includes(' --mark ')) return false;
  return /(?:^| )-[jg] GROUP-/.test(text) || / -m mark --mark /.test(text);
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
export function* buildFamilySteps(
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
