// Whether a rule list currently takes effect on the cluster. Rules added to a list that does not
// (the cluster firewall is off, the guest's firewall is off, no rule uses the group) can be
// created as they are meant to be, with no disabled step: nothing sees them until the list
// comes into effect, which the plan does later (options after rules, group uses after groups).
import type { ProxmoxConf } from '../model';
import { CLUSTER_FILE, type FwFileRef } from './fw-files';
import type { RuleListName } from './operations';

function numeric(value: string | number | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

export function listInEffect(
  confs: ReadonlyMap<string, ProxmoxConf>,
  ref: FwFileRef,
  path: string,
  list: RuleListName,
): boolean {
  const cluster = confs.get(CLUSTER_FILE);
  // Cluster `enable` off means nothing is compiled at all (update/compile in pve-firewall's
  // src/PVE/Firewall.pm); above 1 it is a time stamp.
  if ((numeric(cluster?.options?.['enable']) ?? 0) < 1) return false;
  if (list.list === 'group') {
    for (const conf of confs.values()) {
      if ((conf.rules ?? []).some((r) => r.type === 'group' && r.action === list.name && r.enable))
        return true;
    }
    return false;
  }
  const options = confs.get(path)?.options ?? {};
  switch (ref.kind) {
    case 'guest':
      return numeric(options['enable']) === 1;
    case 'host':
      return numeric(options['enable']) !== 0;
    default:
      return true;
  }
}
