// What each API handler does to the configuration it loaded, before Proxmox writes it back:
// options (Cluster.pm, Host.pm, VM.pm, Vnet.pm set_options), aliases, ipsets, groups, rules.
import type { FileKind } from '../model';
import type { ProxmoxConf, ProxmoxIpSetEntry } from '../model';
import { perlTrue } from '../syntax';
import { aliasKey } from './canonical';
import type { Action } from './operations';
import type { ModelRule } from './remote-model';
import type { ProxmoxRule } from '../model';

function perlNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** The ipset an entry call names; the plan sends them only for sets it found or created. */
function ipsetOf(conf: ProxmoxConf, name: string): ProxmoxIpSetEntry[] {
  const set = conf.ipset?.[name];
  if (!set) throw new Error(`no such IPSet '${name}'`);
  return set;
}

/** The rule a call names by position; the plan names only positions its list has. */
function ruleAt(list: readonly ModelRule[], pos: number): ModelRule {
  const item = list[pos];
  if (!item) throw new Error(`no rule at position ${pos}`);
  return item;
}

/** Mutates `conf` as the handler for `action` mutates its loaded config before saving it. */
export function applyToConf(conf: ProxmoxConf, kind: FileKind, action: Action, now?: number): void {
  switch (action.type) {
    case 'options-set': {
      const options = (conf.options ??= {});
      for (const key of action.delete) delete options[key];
      for (const [key, value] of Object.entries(action.set)) {
        let stored: string | number = value;
        if (key === 'enable') {
          const number = Number(value);
          // The cluster turns enable>1 into the current time; the others store 0 or 1.
          if (kind === 'cluster') stored = number > 1 ? (now ?? perlNow()) : value;
          else stored = number ? 1 : 0;
        }
        options[key] = stored;
      }
      return;
    }
    case 'entry-add':
      ipsetOf(conf, action.set).unshift({ ...action.entry });
      return;
    case 'entry-update': {
      const entry = ipsetOf(conf, action.set).find((e) => e.cidr === action.entry.cidr);
      if (!entry) return;
      if (action.entry.nomatch) entry.nomatch = 1;
      else delete entry.nomatch;
      if (action.entry.comment !== undefined) entry.comment = action.entry.comment;
      else delete entry.comment;
      return;
    }
    case 'entry-delete':
      (conf.ipset ??= {})[action.set] = ipsetOf(conf, action.set).filter(
        (e) => e.cidr !== action.cidr,
      );
      return;
    case 'ipset-create':
      (conf.ipset ??= {})[action.name] = [];
      if (action.comment !== undefined) (conf.ipset_comments ??= {})[action.name] = action.comment;
      return;
    case 'ipset-comment':
      (conf.ipset_comments ??= {})[action.name] = action.comment;
      return;
    case 'ipset-delete':
      delete conf.ipset?.[action.name];
      delete conf.ipset_comments?.[action.name];
      return;
    case 'group-create':
      if (action.comment !== undefined) (conf.group_comments ??= {})[action.name] = action.comment;
      return;
    case 'group-comment':
      (conf.group_comments ??= {})[action.name] = action.comment;
      return;
    case 'group-delete':
      delete conf.group_comments?.[action.name];
      return;
    case 'alias-create':
    case 'alias-update': {
      const { name, cidr, comment } = action.alias;
      (conf.aliases ??= {})[aliasKey(name!)] = {
        ...(name === undefined ? {} : { name }),
        ...(cidr === undefined ? {} : { cidr }),
        ...(perlTrue(comment) ? { comment } : {}),
      };
      return;
    }
    case 'alias-delete':
      delete conf.aliases?.[aliasKey(action.name)];
      return;
    default:
      return;
  }
}

type RuleAction = Extract<Action, { in: unknown }>;

/**
 * A rule call on its list as Rules.pm does it: create inserts at 0; moveto inserts before the
 * element that was at that index (so moving down lands one short, and pos+1 changes nothing);
 * update merges the fields and deletes those listed; delete removes one.
 */
export function applyToRules(
  list: ModelRule[],
  action: RuleAction,
  wrap: (rule: ProxmoxRule) => ModelRule,
): void {
  switch (action.type) {
    case 'rule-create':
      list.unshift(wrap({ ...action.rule }));
      return;
    case 'rule-move': {
      const moved = ruleAt(list, action.pos);
      const rest = list.filter((_, i) => i !== action.pos);
      const at = action.moveto > action.pos ? action.moveto - 1 : action.moveto;
      rest.splice(Math.min(at, rest.length), 0, moved);
      list.splice(0, list.length, ...rest);
      return;
    }
    case 'rule-update': {
      const item = ruleAt(list, action.pos);
      const merged: Record<string, unknown> = { ...item.rule, ...action.set };
      for (const field of action.delete) delete merged[field];
      item.rule = merged as unknown as ProxmoxRule;
      return;
    }
    case 'rule-delete':
      list.splice(action.pos, 1);
      return;
  }
}
