// Rules.pm: list, read, create (always at position 0, enable 0 unless given, digest ignored),
// update (moveto, or copy fields, delete some and verify again) and delete, for [RULES] and
// security groups.
import type { Conf, Rule, RuleEnv } from '../pve/conf';
import { ruleEnvOf } from '../pve/conf';
import { copyListWithDigest } from '../pve/digest';
import { ParamException, PerlDie, perlInt, splitList } from '../pve/perl';
import { verifyRule } from '../pve/verify';
import {
  assertIfModified,
  checkVnetAccess,
  loadConfig,
  type Handler,
  type HandlerContext,
} from './context';

/** The keys of $rule_properties (copy_rule_data and delete_rule_properties use them). */
const RULE_PROPERTIES = [
  'pos',
  'digest',
  'type',
  'action',
  'macro',
  'iface',
  'source',
  'dest',
  'proto',
  'enable',
  'log',
  'sport',
  'dport',
  'comment',
  'icmp-type',
];

interface Loaded {
  readonly cluster: Conf | undefined;
  readonly conf: Conf;
  readonly rules: Rule[];
  readonly env: RuleEnv;
  readonly save: (rules: Rule[]) => void;
}

function load(ctx: HandlerContext): Loaded {
  const group = ctx.params['group'];
  if (group !== undefined) {
    // GroupRules: load_config returns (undef, $cluster_conf, $rules).
    const conf = ctx.store.loadCluster();
    const rules = conf.groups?.[group];
    if (!rules) throw new PerlDie(`no such security group '${group}'`);
    return {
      cluster: undefined,
      conf,
      rules,
      env: 'group',
      save: (list) => {
        (conf.groups ??= {})[group] = list;
        ctx.store.save({ kind: 'cluster' }, conf);
      },
    };
  }
  const { cluster, conf } = loadConfig(ctx);
  return {
    cluster,
    conf,
    rules: conf.rules ?? [],
    env: ruleEnvOf(ctx.ref),
    save: (list) => {
      conf.rules = list;
      ctx.store.save(ctx.ref, conf);
    },
  };
}

/** copy_rule_data: "" and "-" delete a field, anything else sets it (as the string sent). */
function copyRuleData(rule: Rule, params: Readonly<Record<string, string>>): void {
  for (const key of RULE_PROPERTIES) {
    const value = params[key];
    if (value === undefined) continue;
    if (value === '' || value === '-') delete rule[key];
    else rule[key] = value;
  }
}

/** delete_rule_properties */
function deleteRuleProperties(rule: Rule, list: string): void {
  for (const key of splitList(list)) {
    if (!RULE_PROPERTIES.includes(key))
      throw new ParamException({ delete: `no such property ('${key}')` });
    if (key === 'type' || key === 'action')
      throw new ParamException({ delete: `unable to delete required property '${key}'` });
    delete rule[key];
  }
}

function verify(loaded: Loaded, rule: Rule): void {
  verifyRule(rule, loaded.cluster, loaded.conf, loaded.env, false);
}

function position(ctx: HandlerContext, rules: readonly unknown[]): number {
  const pos = perlInt(ctx.params['pos']!);
  if (pos >= rules.length) throw new PerlDie(`no rule at position ${ctx.params['pos']}`);
  return pos;
}

export const getRules: Handler = (ctx) => {
  checkVnetAccess(ctx, false);
  return copyListWithDigest(load(ctx).rules).list.map((rule, pos) => ({ ...rule, pos }));
};

export const getRule: Handler = (ctx) => {
  checkVnetAccess(ctx, false);
  const { list } = copyListWithDigest(load(ctx).rules);
  const pos = position(ctx, list);
  // $rule->{pos} = $param->{pos}: the text of the URL, so JSON shows a string.
  return { ...list[pos]!, pos: ctx.params['pos'] };
};

export const createRule: Handler = (ctx) => {
  checkVnetAccess(ctx, true);
  const loaded = load(ctx);
  const rule: Rule = {};
  copyRuleData(rule, ctx.params);
  verify(loaded, rule);
  if (ctx.params['enable'] === undefined) rule.enable = 0;
  loaded.save([rule, ...loaded.rules]);
  return null;
};

/** The rule list, refused (as Proxmox does) when the caller's digest is not the list's now. */
function loadUnchanged(ctx: HandlerContext): Loaded {
  const loaded = load(ctx);
  assertIfModified(copyListWithDigest(loaded.rules).digest, ctx.params['digest']);
  return loaded;
}

export const updateRule: Handler = (ctx) => {
  checkVnetAccess(ctx, true);
  const loaded = loadUnchanged(ctx);
  const pos = position(ctx, loaded.rules);
  const rule = loaded.rules[pos]!;
  const moveto = ctx.params['moveto'] !== undefined ? perlInt(ctx.params['moveto']) : undefined;
  let rules = loaded.rules;
  if (moveto !== undefined && moveto !== pos) {
    const moved: Rule[] = [];
    rules.forEach((other, i) => {
      if (i === pos) return;
      if (i === moveto) moved.push(rule);
      moved.push(other);
    });
    if (moveto >= rules.length) moved.push(rule);
    rules = moved;
  } else {
    copyRuleData(rule, ctx.params);
    if (ctx.params['delete']) deleteRuleProperties(rule, ctx.params['delete']);
    verify(loaded, rule);
  }
  loaded.save(rules);
  return null;
};

export const deleteRule: Handler = (ctx) => {
  checkVnetAccess(ctx, true);
  const loaded = loadUnchanged(ctx);
  const pos = position(ctx, loaded.rules);
  loaded.save(loaded.rules.filter((_, i) => i !== pos));
  return null;
};
