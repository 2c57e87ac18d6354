import type { FwConfig } from './fw-config';
import { verifyRule, type ParseTimeNames } from './verify-rule';

export interface AutovivifiedKeys {
  readonly aliases: boolean;
  readonly ipset: boolean;
}

/**
 * host.fw and vnet files have no `aliases` or `ipset` in their config, yet verify_rule's
 * lookups `$fw_conf->{ipset}->{x}` and `$fw_conf->{aliases}->{x}` create them as empty hashes
 * (Perl autovivification, FW:1772-1797), so they show up in what the loader returns. This
 * replays the lookups of every rule verify_rule saw, in its order; a rule that dies on a mixed
 * address family stops there, as in Proxmox. `cluster` is the cluster.fw the file was loaded
 * against; without it every lookup misses the cluster and autovivifies.
 */
export function autovivifiedKeys(
  config: FwConfig,
  cluster: FwConfig | undefined,
): AutovivifiedKeys {
  let aliases = false;
  let ipset = false;
  if (config.kind !== 'host' && config.kind !== 'vnet') return { aliases, ipset };
  const names: ParseTimeNames = {
    // The file's own ipsets are consulted only after the cluster missed (FW:1776-1777).
    hasIpSet(name) {
      if (!cluster?.ipsets.has(name)) ipset = true;
      return true;
    },
    hasAlias() {
      return true;
    },
    // Proxmox looks in the file's own aliases when the cluster lacks the name, and again for
    // the scoped lookup unless the scope is dc/; either creates the hash.
    aliasFamily(lower, scope) {
      if (scope !== 'dc/' || !cluster?.aliases.has(lower)) aliases = true;
      return scope !== 'guest/' ? cluster?.aliases.get(lower)?.ipversion : undefined;
    },
  };
  for (const line of config.tree.lines) {
    if (line.kind !== 'rule' || line.rule.error || line.group !== undefined) continue;
    verifyRule(line.rule, config.kind, names);
  }
  return { aliases, ipset };
}
