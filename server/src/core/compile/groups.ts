import type { RuleDef } from '../model';
import type { ChainSet } from './chain-set';
import { compilesFor, sourceRef, userRuleSpec, withOrigin, type CompileContext } from './context';
import { CompileDie } from './rule-spec';
import type { RuleOrigin } from './ruleset-types';

const ACCEPT_MARK = '0x80000000/0x80000000';
const CLEAR_MARK = '0x00000000/0x80000000';
const GROUP_ACTIONS = { ACCEPT: 'PVEFW-SET-ACCEPT-MARK', REJECT: 'PVEFW-reject' };

/**
 * generate_group_rules: GROUP-<name>-IN and -OUT, compiled against cluster.fw only. A rule
 * that fails to compile is not caught here: the die reaches whoever referenced the group,
 * leaving the chains half built, as in Proxmox.
 */
function generateGroupRules(
  ctx: CompileContext,
  set: ChainSet,
  group: string,
  via: RuleOrigin,
  callerChain: string,
): void {
  const def = ctx.cluster.config.groups.get(group);
  if (!def) {
    ctx.skip(new CompileDie(`no such security group '${group}'`), set.family, callerChain, via);
  }
  const rules = def?.rules ?? [];
  for (const direction of ['IN', 'OUT'] as const) {
    const chain = `GROUP-${group}-${direction}`;
    set.create(chain);
    set.add(chain, '', `-j MARK --set-mark ${CLEAR_MARK}`, { builtin: 'clear the accept mark' });
    for (const rule of rules) {
      if (rule.line.rule.type !== direction.toLowerCase() || !compilesFor(rule, set.family)) {
        continue;
      }
      const origin: RuleOrigin = withOrigin(sourceRef(ctx.cluster.path, rule), {
        group: { name: group, via: { path: via.path, lineNumber: via.lineNumber, span: via.span } },
      });
      const action = ctx.substitute(rule, GROUP_ACTIONS);
      try {
        set.generate(chain, userRuleSpec(rule, action), ctx.clusterScope, { origin });
      } catch (error) {
        if (error instanceof CompileDie) error.origin ??= origin;
        throw error;
      }
    }
  }
}

/**
 * ruleset_add_group_rule: jump to the group chain (built on first use), then finish the
 * packet with `action` if a group rule set the accept mark.
 */
export function addGroupRule(
  ctx: CompileContext,
  set: ChainSet,
  chain: string,
  def: RuleDef,
  origin: RuleOrigin,
  direction: 'IN' | 'OUT',
  action: string,
  iface?: string,
): void {
  const group = def.line.rule.action ?? '';
  const groupChain = `GROUP-${group}-${direction}`;
  if (!set.has(groupChain)) {
    try {
      generateGroupRules(ctx, set, group, origin, chain);
    } catch (error) {
      if (error instanceof CompileDie) error.origin ??= origin;
      throw error;
    }
  }
  const why = { origin };
  if (iface !== undefined) {
    set.add(chain, `-${direction === 'IN' ? 'i' : 'o'} ${iface}`, `-j ${groupChain}`, why);
  } else {
    set.add(chain, '', `-j ${groupChain}`, why);
  }
  set.add(chain, `-m mark --mark ${ACCEPT_MARK}`, `-j ${action}`, why);
}
