// The workspace as the cluster will hold it once pushed: every element in the form Proxmox
// stores after an API write (addresses cleaned, comments trimmed, rules re-verified). Anything
// the API refuses is reported here, before a single call is made.
import type { ProxmoxConf, ProxmoxIpSetEntry } from '../model';
import { perlNetIpNew } from '../syntax';
import { perlTrue } from '../syntax';
import { ALIAS_REF } from '../model';
import { perlSorted, perlSortedEntries } from '../writer';
import { canonicalAlias, canonicalEntry, canonicalRule, namesFromConfs } from './canonical';
import { apiIpSetCidr, cleanCidr } from './clean-cidr';
import type { FileState, FirewallState } from './firewall-state';
import { CLUSTER_FILE, ruleEnvOf } from './fw-files';
import type { PlanContext } from './plan-context';

/** Whether the API's IPorCIDR format accepts the address (the parser is more lenient). */
export function apiAcceptsAddress(cidr: string): boolean {
  return perlNetIpNew(cleanCidr(cidr)).ok;
}

/**
 * A set's entries as the API would store them. Entries the API refuses keep their `errors`
 * (or get one): they are only a problem if the push has to add them (plan-objects.ts).
 */
function targetEntries(entries: readonly ProxmoxIpSetEntry[]): ProxmoxIpSetEntry[] {
  const byCidr = new Map<string, ProxmoxIpSetEntry>();
  for (const entry of entries) {
    if (entry.errors?.['cidr']?.startsWith('duplicate ipset entry')) continue;
    let cidr = entry.cidr;
    let errors = entry.errors;
    if (cidr !== null && !ALIAS_REF.test(cidr)) {
      if (apiAcceptsAddress(cidr)) cidr = apiIpSetCidr(cidr);
      else errors = { cidr: errors?.['cidr'] ?? `the API refuses the address '${cidr}'` };
    }
    const key = cidr ?? '';
    const stored = { ...canonicalEntry({ ...entry, cidr }), ...(errors ? { errors } : {}) };
    if (!byCidr.has(key)) byCidr.set(key, stored);
  }
  return perlSorted(byCidr.keys()).map((cidr) => byCidr.get(cidr)!);
}

function targetObjects(file: FileState): ProxmoxConf {
  const { conf, ref } = file;
  const out: ProxmoxConf = { options: { ...(conf.options ?? {}) }, rules: [] };
  if (ref.kind === 'cluster' || ref.kind === 'guest') {
    out.aliases = {};
    for (const [key, alias] of Object.entries(conf.aliases ?? {})) {
      out.aliases[key] = canonicalAlias(alias);
    }
    out.ipset = {};
    out.ipset_comments = {};
    for (const [name, entries] of perlSortedEntries(conf.ipset ?? {})) {
      out.ipset[name] = targetEntries(entries);
      const comment = conf.ipset_comments?.[name];
      if (perlTrue(comment)) out.ipset_comments[name] = comment;
    }
  }
  if (ref.kind === 'cluster') {
    out.groups = {};
    out.group_comments = {};
    for (const name of Object.keys(conf.groups ?? {})) {
      out.groups[name] = [];
      const comment = conf.group_comments?.[name];
      if (perlTrue(comment)) out.group_comments[name] = comment;
    }
  }
  return out;
}

/** The target configuration of every workspace file, keyed like `local.files`. */
export function targetState(ctx: PlanContext, local: FirewallState): FirewallState {
  const files = new Map<string, FileState>();
  for (const [path, file] of local.files)
    files.set(path, { ref: file.ref, conf: targetObjects(file) });
  const cluster = files.get(CLUSTER_FILE)?.conf;
  for (const [path, file] of local.files) {
    const target = files.get(path)!.conf;
    const own =
      file.ref.kind === 'guest' ? target : file.ref.kind === 'cluster' ? target : undefined;
    const names = namesFromConfs(cluster, own, local.sdnIpSets);
    const env = ruleEnvOf(file.ref);
    for (const rule of file.conf.rules ?? []) {
      const canonical = canonicalRule(rule, env, names);
      if (canonical) target.rules!.push(canonical);
      else
        ctx.problem(
          path,
          `a rule would be dropped by Proxmox once written: ${JSON.stringify(rule)}`,
        );
    }
    const groupNames = namesFromConfs(cluster, undefined, local.sdnIpSets);
    for (const [name, rules] of Object.entries(file.conf.groups ?? {})) {
      for (const rule of rules) {
        const canonical = canonicalRule(rule, 'group', groupNames);
        if (canonical) target.groups![name]!.push(canonical);
      }
    }
  }
  return { files, ...(local.sdnIpSets ? { sdnIpSets: local.sdnIpSets } : {}) };
}
