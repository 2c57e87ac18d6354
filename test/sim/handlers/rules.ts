// Rules.pm: list, read, create (always at position 0, enable 0 unless given, digest ignored),
// update (moveto, or merge fields and re-verify) and delete, for [RULES] and security groups.
import type { ProxmoxConf, ProxmoxRule } from '../../../server/src/core/model/proxmox-conf';
import { listDigest } from '../../../server/src/core/plan/digest';
import { ruleEnvOf } from '../../../server/src/core/plan/fw-files';
import { namesFromConfs } from '../../../server/src/core/plan/canonical';
import { dieError, paramError } from '../errors';
import { verifyApiRule } from './api-verify';
import {
  assertIfModified,
  checkVnetAccess,
  loadWithNames,
  type Handler,
  type HandlerContext,
} from './context';

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
  conf: ProxmoxConf;
  rules: ProxmoxRule[];
  verify: (rule: ProxmoxRule) => void;
  save: (rules: ProxmoxRule[]) => void;
}

function load(ctx: HandlerContext): Loaded {
  const group = ctx.params['group'];
  const { conf, names } = loadWithNames(ctx);
  if (group !== undefined) {
    const rules = conf.groups?.[group];
    if (!rules) throw dieError(`no such security group '${group}'`);
    const groupNames = namesFromConfs(undefined, conf, ctx.store.sdnIpSets);
    return {
      conf,
      rules,
      verify: (rule) => verifyApiRule(rule, 'group', groupNames),
      save: (list) => {
        conf.groups![group] = list;
        ctx.store.save(ctx.ref, conf);
      },
    };
  }
  return {
    conf,
    rules: conf.rules ?? [],
    verify: (rule) => verifyApiRule(rule, ruleEnvOf(ctx.ref), names),
    save: (list) => {
      conf.rules = list;
      ctx.store.save(ctx.ref, conf);
    },
  };
}

/** copy_list_with_digest: the list with its digest on every element. */
export function withDigest<T extends object>(list: readonly T[]): (T & { digest: string })[] {
  const digest = listDigest(list as unknown as Record<string, unknown>[]);
  return list.map((item) => ({ ...item, digest }));
}

/** copy_rule_data: "" and "-" delete a field, anything else sets it. */
function copyRuleData(
  rule: Record<string, unknown>,
  params: Readonly<Record<string, string>>,
): void {
  for (const key of RULE_PROPERTIES) {
    const value = params[key];
    if (value === undefined) continue;
    if (value === '' || value === '-') delete rule[key];
    else rule[key] = key === 'enable' || key === 'pos' ? Number(value) : value;
  }
}

function position(ctx: HandlerContext, rules: readonly unknown[]): number {
  const pos = Number(ctx.params['pos']);
  if (pos >= rules.length) throw dieError(`no rule at position ${pos}`);
  return pos;
}

export const getRules: Handler = (ctx) => {
  checkVnetAccess(ctx, false);
  return withDigest(load(ctx).rules).map((rule, pos) => ({ ...rule, pos }));
};

export const getRule: Handler = (ctx) => {
  checkVnetAccess(ctx, false);
  const { rules } = load(ctx);
  const pos = position(ctx, rules);
  return { ...withDigest(rules)[pos]!, pos };
};

export const createRule: Handler = (ctx) => {
  checkVnetAccess(ctx, true);
  const loaded = load(ctx);
  const rule: Record<string, unknown> = {};
  copyRuleData(rule, ctx.params);
  loaded.verify(rule as unknown as ProxmoxRule);
  if (ctx.params['enable'] === undefined) rule['enable'] = 0;
  loaded.save([rule as unknown as ProxmoxRule, ...loaded.rules]);
  return null;
};

/** The rule list, refused (as Proxmox does) when the caller's digest is not the list's now. */
function loadUnchanged(ctx: HandlerContext): Loaded {
  const loaded = load(ctx);
  assertIfModified(
    listDigest(loaded.rules as unknown as Record<string, unknown>[]),
    ctx.params['digest'],
  );
  return loaded;
}

export const updateRule: Handler = (ctx) => {
  checkVnetAccess(ctx, true);
  const loaded = loadUnchanged(ctx);
  const pos = position(ctx, loaded.rules);
  const rule = loaded.rules[pos]! as unknown as Record<string, unknown>;
  const moveto = ctx.params['moveto'] !== undefined ? Number(ctx.params['moveto']) : undefined;
  let rules = loaded.rules;
  if (moveto !== undefined && moveto !== pos) {
    const moved: ProxmoxRule[] = [];
    rules.forEach((other, i) => {
      if (i === pos) return;
      if (i === moveto) moved.push(rule as unknown as ProxmoxRule);
      moved.push(other);
    });
    if (moveto >= rules.length) moved.push(rule as unknown as ProxmoxRule);
    rules = moved;
  } else {
    copyRuleData(rule, ctx.params);
    for (const field of (ctx.params['delete'] ?? '')
      .split(/[ ,;\t\n\r\0]+/)
      .filter((f) => f !== '')) {
      if (!RULE_PROPERTIES.includes(field))
        throw paramError({ delete: `no such property ('${field}')` });
      if (field === 'type' || field === 'action')
        throw paramError({ delete: `unable to delete required property '${field}'` });
      delete rule[field];
    }
    loaded.verify(rule as unknown as ProxmoxRule);
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
