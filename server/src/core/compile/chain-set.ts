import { findMacro, macroTemplates } from '../model';
import { iptRuleToCmds, logTarget, ruleText } from './ipt-cmds';
import { withOrigin } from './context';
import { CompileDie, LOG_LEVEL_NUMBER, specShape, type RefScope, type RuleSpec } from './rule-spec';
import type { CompiledRule, Family, RuleOrigin } from './ruleset-types';

/** Why a rule is there: a user's line, or a label for what Proxmox adds by itself. */
export type Provenance = { readonly origin: RuleOrigin } | { readonly builtin: string };

function compiled(text: string, why: Provenance, log = false): CompiledRule {
  if ('origin' in why) return { text, origin: why.origin };
  return { text, builtin: log ? `${why.builtin} (log)` : why.builtin };
}

const TEMPLATE_KEYS = ['action', 'proto', 'dport', 'sport'] as const;

/**
 * apply_macro at compile time: one rule per template of this family, each with the user's
 * other fields copied in. A user value that contradicts the template makes Proxmox die.
 */
function expandMacro(rule: RuleSpec, family: Family): RuleSpec[] {
  const macro = findMacro(rule.macro!);
  if (!macro) throw new CompileDie(`unknown macro '${rule.macro!}'`);
  return macroTemplates(macro, family).map((template) => {
    const expanded: Record<string, string | undefined> = { ...rule, macro: undefined };
    for (const key of TEMPLATE_KEYS) {
      const value = template[key];
      if (value === undefined) continue;
      if (value === 'PARAM') {
        if (rule[key] === undefined) {
          throw new CompileDie(`missing parameter '${key}' in macro '${macro.name}'`);
        }
        continue;
      }
      const given = rule[key];
      if (given !== undefined && given !== value) {
        throw new CompileDie(`parameter '${key}' already define in macro (value = '${value}')`);
      }
      expanded[key] = value;
    }
    return expanded;
  });
}

/** One family's filter table under construction (Proxmox's `$ruleset` hash). */
export class ChainSet {
  readonly chains = new Map<string, CompiledRule[]>();

  constructor(
    readonly family: Family,
    /** The `-m limit` arguments of every log rule, from cluster option log_ratelimit. */
    readonly logRatelimit: string | undefined,
  ) {}

  has(chain: string): boolean {
    return this.chains.has(chain);
  }

  /** ruleset_create_chain */
  create(chain: string): void {
    if (chain.length > 28) throw new CompileDie(`Invalid chain name '${chain}' (28 char max)`);
    if (chain.includes(':')) throw new CompileDie('chain name may not contain collons');
    if (this.chains.has(chain)) throw new CompileDie(`chain '${chain}' already exists`);
    this.chains.set(chain, []);
  }

  private rulesOf(chain: string): CompiledRule[] {
    const rules = this.chains.get(chain);
    if (!rules) throw new CompileDie(`no such chain '${chain}'`);
    return rules;
  }

  /** ruleset_addrule: a literal match and target, with an optional NFLOG rule before it. */
  add(
    chain: string,
    match: string,
    action: string,
    why: Provenance,
    log?: { readonly level: string | undefined; readonly msg: string; readonly vmid: number },
  ): void {
    const rules = this.rulesOf(chain);
    if (log?.level !== undefined) {
      const target = logTarget(
        chain,
        log.vmid,
        log.msg,
        LOG_LEVEL_NUMBER[log.level] ?? 0,
        this.logRatelimit,
      );
      rules.push(compiled(ruleText(chain, match, target), why, true));
    }
    const text = match.length > 0 ? ruleText(chain, match, action) : ruleText(chain, action);
    rules.push(compiled(text, why));
  }

  /** ruleset_insertrule: at the top of the chain. */
  insert(chain: string, match: string, action: string, why: Provenance): void {
    this.rulesOf(chain).unshift(compiled(ruleText(chain, match, action), why));
  }

  /**
   * ruleset_generate_rule: expands a macro and adds every resulting command, or none when
   * one of them dies (the CompileDie propagates to the caller's eval).
   */
  generate(chain: string, rule: RuleSpec, scope: RefScope, why: Provenance, vmid = 0): void {
    const specs = rule.macro !== undefined ? expandMacro(rule, this.family) : [rule];
    const out: CompiledRule[] = [];
    specs.forEach((spec, index) => {
      const cmds = iptRuleToCmds(
        specShape(spec),
        chain,
        this.family,
        scope,
        vmid,
        this.logRatelimit,
      );
      const withIndex: Provenance =
        'origin' in why && rule.macro !== undefined
          ? { origin: withOrigin(why.origin, { macroIndex: index }) }
          : why;
      for (const cmd of cmds) out.push(compiled(cmd.text, withIndex, cmd.log));
    });
    this.rulesOf(chain).push(...out);
  }
}
