// The lists a digest covers (copy_list_with_digest and copy_opject_with_digest in pve-firewall's
// src/PVE/Firewall.pm): each is one API collection of one file. Edits elsewhere in the same file
// leave a list's digest alone, so concurrency is detected per list.
import type { ProxmoxConf, ProxmoxIpSetEntry, ProxmoxRule } from '../model';
import { perlSorted } from '../writer';
import { perlTrue } from '../syntax';
import { listDigest, objectDigest, type DigestRecord } from './digest';
import type { FirewallState } from './firewall-state';

export type ListName =
  | { readonly list: 'options' }
  | { readonly list: 'rules' }
  | { readonly list: 'aliases' }
  | { readonly list: 'ipsets' }
  | { readonly list: 'ipset'; readonly name: string }
  | { readonly list: 'groups' }
  | { readonly list: 'group'; readonly name: string };

/** `firewall/cluster.fw#rules`, `firewall/100.fw#ipset:web`, … */
export function listKey(path: string, name: ListName): string {
  const suffix =
    name.list === 'ipset' || name.list === 'group' ? `${name.list}:${name.name}` : name.list;
  return `${path}#${suffix}`;
}

export function parseListKey(key: string): { path: string; name: ListName } {
  const hash = key.lastIndexOf('#');
  const path = key.slice(0, hash);
  const suffix = key.slice(hash + 1);
  const colon = suffix.indexOf(':');
  if (colon !== -1) {
    const list = suffix.slice(0, colon) as 'ipset' | 'group';
    return { path, name: { list, name: suffix.slice(colon + 1) } };
  }
  return { path, name: { list: suffix } as ListName };
}

/** The alias list as the API lists it: sorted by lower-cased name (Aliases.pm aliases_to_list). */
export function aliasList(conf: ProxmoxConf): DigestRecord[] {
  const aliases = conf.aliases ?? {};
  return perlSorted(Object.keys(aliases)).map((key) => ({ ...aliases[key] }));
}

/** The ipset or group name list (IPSet.pm get_ipset_list, Groups.pm get_security_group_list). */
export function nameList(conf: ProxmoxConf, kind: 'ipsets' | 'groups'): DigestRecord[] {
  const names = Object.keys((kind === 'ipsets' ? conf.ipset : conf.groups) ?? {});
  const comments = (kind === 'ipsets' ? conf.ipset_comments : conf.group_comments) ?? {};
  const field = kind === 'ipsets' ? 'name' : 'group';
  return perlSorted(names).map((name) => {
    const comment = comments[name];
    return perlTrue(comment) ? { [field]: name, comment } : { [field]: name };
  });
}

export function ruleRecords(rules: readonly ProxmoxRule[] | undefined): DigestRecord[] {
  return (rules ?? []) as unknown as DigestRecord[];
}

export function entryRecords(entries: readonly ProxmoxIpSetEntry[] | undefined): DigestRecord[] {
  return (entries ?? []) as unknown as DigestRecord[];
}

/** The records of one list as the API shows them: an object for options, else a list. */
export function listRecords(conf: ProxmoxConf, name: ListName): DigestRecord | DigestRecord[] {
  switch (name.list) {
    case 'options':
      return conf.options ?? {};
    case 'rules':
      return ruleRecords(conf.rules);
    case 'aliases':
      return aliasList(conf);
    case 'ipsets':
    case 'groups':
      return nameList(conf, name.list);
    case 'ipset':
      return entryRecords(conf.ipset?.[name.name]);
    case 'group':
      return ruleRecords(conf.groups?.[name.name]);
  }
}

/** The digest the API reports for this list of this configuration. */
export function digestOfList(conf: ProxmoxConf, name: ListName): string {
  const records = listRecords(conf, name);
  return Array.isArray(records) ? listDigest(records) : objectDigest(records);
}

/** The lists a file of this kind has through the API. */
export function listsOf(conf: ProxmoxConf, kind: string): ListName[] {
  const lists: ListName[] = [{ list: 'options' }, { list: 'rules' }];
  if (kind === 'cluster' || kind === 'guest') {
    lists.push({ list: 'aliases' }, { list: 'ipsets' });
    for (const name of perlSorted(Object.keys(conf.ipset ?? {})))
      lists.push({ list: 'ipset', name });
  }
  if (kind === 'cluster') {
    lists.push({ list: 'groups' });
    for (const name of perlSorted(Object.keys(conf.groups ?? {})))
      lists.push({ list: 'group', name });
  }
  return lists;
}

/** Every list's digest, keyed by listKey: what a pull records and a later plan compares. */
export function allDigests(state: FirewallState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of perlSorted(state.files.keys())) {
    const file = state.files.get(path)!;
    for (const name of listsOf(file.conf, file.ref.kind)) {
      out[listKey(path, name)] = digestOfList(file.conf, name);
    }
  }
  return out;
}

function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * `current` with the lists `names` as `from` holds them, every other list left as it is: what a
 * revert of exactly those lists aims at. Removing an ipset or group from its name list removes
 * its entries or rules with it; adding one brings them from `from`.
 */
export function replaceLists(
  current: ProxmoxConf,
  from: ProxmoxConf,
  names: readonly ListName[],
): ProxmoxConf {
  const out = copy(current);
  const named = (
    content: 'ipset' | 'groups',
    comments: 'ipset_comments' | 'group_comments',
  ): void => {
    const wanted = from[content] ?? {};
    const have = (out[content] ??= {}) as Record<string, unknown>;
    for (const name of Object.keys(have)) if (!(name in wanted)) delete have[name];
    for (const name of Object.keys(wanted)) if (!(name in have)) have[name] = copy(wanted[name]);
    out[comments] = copy(from[comments] ?? {});
  };
  for (const name of names) {
    if (name.list === 'ipsets') named('ipset', 'ipset_comments');
    if (name.list === 'groups') named('groups', 'group_comments');
  }
  for (const name of names) {
    switch (name.list) {
      case 'options':
        out.options = copy(from.options ?? {});
        break;
      case 'rules':
        out.rules = copy(from.rules ?? []);
        break;
      case 'aliases':
        out.aliases = copy(from.aliases ?? {});
        break;
      case 'ipset': {
        const set = from.ipset?.[name.name];
        if (set) (out.ipset ??= {})[name.name] = copy(set);
        else if (out.ipset) delete out.ipset[name.name];
        break;
      }
      case 'group': {
        const group = from.groups?.[name.name];
        if (group) (out.groups ??= {})[name.name] = copy(group);
        else if (out.groups) delete out.groups[name.name];
        break;
      }
      case 'ipsets':
      case 'groups':
        break;
    }
  }
  return out;
}
