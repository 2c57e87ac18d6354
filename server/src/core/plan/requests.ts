// The HTTP request for each planned call: path (the ipset {cidr} keeps its "/"), parameters,
// and `digest` wherever the method takes one (spec 14.2; test/sim/schema.test.ts checks this
// against the API schema).
import type { ProxmoxIpSetEntry, ProxmoxRule } from '../model';
import { RULE_API_FIELDS } from './rule-fields';
import { apiBase, type FwFileRef } from './fw-files';
import type { Action, ApiRequest, RuleListName } from './operations';

export function ruleParams(rule: ProxmoxRule): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const field of RULE_API_FIELDS) {
    const value = rule[field];
    if (value !== undefined) params[field] = value;
  }
  return params;
}

function seg(text: string): string {
  return encodeURIComponent(text);
}

function ruleListPath(ref: FwFileRef, list: RuleListName): string {
  return list.list === 'rules'
    ? `${apiBase(ref)}/rules`
    : `/cluster/firewall/groups/${seg(list.name)}`;
}

/** Which calls take a `digest` and which of those Proxmox checks (the `digest` parameters of
 * src/PVE/API2/Firewall/*.pm, and where they call assert_if_modified). */
function digestUse(action: Action): 'none' | 'ignored' | 'checked' {
  switch (action.type) {
    case 'rule-create':
    case 'ipset-create':
    case 'group-create':
      return 'ignored';
    case 'entry-add':
    case 'ipset-delete':
    case 'group-delete':
    case 'alias-create':
      return 'none';
    default:
      return 'checked';
  }
}

export function digestChecked(action: Action): boolean {
  return digestUse(action) === 'checked';
}

/** The HTTP call for `action` on the file `ref`, sending `digest` wherever the API takes one. */
export function requestFor(ref: FwFileRef, action: Action, digest: string): ApiRequest {
  const base = apiBase(ref);
  const withDigest = (params: Record<string, string | number>): Record<string, string | number> =>
    digestUse(action) === 'none' ? params : { ...params, digest };
  const entryParams = (entry: ProxmoxIpSetEntry): Record<string, string | number> => ({
    ...(entry.nomatch ? { nomatch: 1 } : {}),
    ...(entry.comment !== undefined ? { comment: entry.comment } : {}),
  });
  switch (action.type) {
    case 'rule-create':
      return {
        method: 'POST',
        path: ruleListPath(ref, action.in),
        params: withDigest(ruleParams(action.rule)),
      };
    case 'rule-move':
      return {
        method: 'PUT',
        path: `${ruleListPath(ref, action.in)}/${action.pos}`,
        params: withDigest({ moveto: action.moveto }),
      };
    case 'rule-update': {
      const params: Record<string, string | number> = { ...action.set };
      if (action.delete.length > 0) params['delete'] = action.delete.join(',');
      return {
        method: 'PUT',
        path: `${ruleListPath(ref, action.in)}/${action.pos}`,
        params: withDigest(params),
      };
    }
    case 'rule-delete':
      return {
        method: 'DELETE',
        path: `${ruleListPath(ref, action.in)}/${action.pos}`,
        params: withDigest({}),
      };
    case 'entry-add':
      return {
        method: 'POST',
        path: `${base}/ipset/${seg(action.set)}`,
        params: { cidr: action.entry.cidr!, ...entryParams(action.entry) },
      };
    case 'entry-update':
      return {
        method: 'PUT',
        path: `${base}/ipset/${seg(action.set)}/${action.entry.cidr!}`,
        params: withDigest(entryParams(action.entry)),
      };
    case 'entry-delete':
      return {
        method: 'DELETE',
        path: `${base}/ipset/${seg(action.set)}/${action.cidr}`,
        params: withDigest({}),
      };
    case 'ipset-create':
      return {
        method: 'POST',
        path: `${base}/ipset`,
        params: withDigest({ name: action.name, ...comment(action.comment) }),
      };
    case 'ipset-comment':
      return {
        method: 'POST',
        path: `${base}/ipset`,
        params: withDigest({ name: action.name, rename: action.name, comment: action.comment }),
      };
    case 'ipset-delete':
      // Never `force`: the set is emptied entry by entry first (plan-removals.ts), so Proxmox's
      // "is not empty" check refuses the delete if anyone added an entry meanwhile.
      return { method: 'DELETE', path: `${base}/ipset/${seg(action.name)}`, params: {} };
    case 'group-create':
      return {
        method: 'POST',
        path: '/cluster/firewall/groups',
        params: withDigest({ group: action.name, ...comment(action.comment) }),
      };
    case 'group-comment':
      return {
        method: 'POST',
        path: '/cluster/firewall/groups',
        params: withDigest({ group: action.name, rename: action.name, comment: action.comment }),
      };
    case 'group-delete':
      return { method: 'DELETE', path: `/cluster/firewall/groups/${seg(action.name)}`, params: {} };
    case 'alias-create':
      return {
        method: 'POST',
        path: `${base}/aliases`,
        params: {
          name: action.alias.name!,
          cidr: action.alias.cidr!,
          ...comment(action.alias.comment),
        },
      };
    case 'alias-update':
      return {
        method: 'PUT',
        path: `${base}/aliases/${seg(action.alias.name!)}`,
        params: withDigest({ cidr: action.alias.cidr!, ...comment(action.alias.comment) }),
      };
    case 'alias-delete':
      return {
        method: 'DELETE',
        path: `${base}/aliases/${seg(action.name)}`,
        params: withDigest({}),
      };
    case 'options-set': {
      const params: Record<string, string | number> = { ...action.set };
      if (action.delete.length > 0) params['delete'] = action.delete.join(',');
      return { method: 'PUT', path: `${base}/options`, params: withDigest(params) };
    }
  }
}

function comment(text: string | undefined): Record<string, string> {
  return text !== undefined ? { comment: text } : {};
}
