// What the workspace no longer has, once no rule needs it any more: ipset entries one by one,
// whole ipsets (emptied first, entry by entry, each call digest-checked, then deleted without
// `force`: an entry another admin adds meanwhile makes a call fail instead of vanishing with
// the set), security groups (emptied first, as the API requires), and aliases last of all, as
// ipset entries of any file may name them.
import type { ProxmoxConf } from '../model';
import { perlSorted } from '../writer';
import type { FwFileRef } from './fw-files';
import type { PlanContext } from './plan-context';
import { emitter, entryText, type Emit } from './plan-objects';

function removeSets(emit: Emit, current: () => ProxmoxConf, target: ProxmoxConf): void {
  for (const name of perlSorted(Object.keys(current().ipset ?? {}))) {
    const want = target.ipset?.[name];
    const entries = current().ipset?.[name] ?? [];
    const keep = new Set((want ?? []).map((e) => e.cidr));
    for (const entry of entries) {
      if (entry.cidr === null || keep.has(entry.cidr)) continue;
      const action = { type: 'entry-delete', set: name, cidr: entry.cidr } as const;
      emit(action, 'remove', `remove ${entryText(entry)} from ipset ${name}`);
    }
    if (!want) emit({ type: 'ipset-delete', name }, 'remove', `delete ipset ${name}`);
  }
}

function removeGroups(emit: Emit, current: () => ProxmoxConf, target: ProxmoxConf): void {
  for (const name of perlSorted(Object.keys(current().groups ?? {}))) {
    if (target.groups?.[name]) continue;
    for (let n = current().groups?.[name]?.length ?? 0; n > 0; n--) {
      const action = { type: 'rule-delete', in: { list: 'group', name }, pos: 0 } as const;
      emit(action, 'remove', `empty security group ${name}: delete rule 0`);
    }
    emit({ type: 'group-delete', name }, 'remove', `delete security group ${name}`);
  }
}

export function removeObjects(
  ctx: PlanContext,
  path: string,
  ref: FwFileRef,
  target: ProxmoxConf,
  what: 'sets' | 'aliases',
): void {
  const emit = emitter(ctx, path, ref);
  const current = (): ProxmoxConf => ctx.model.conf(path);
  if (what === 'sets') {
    removeSets(emit, current, target);
    if (ref.kind === 'cluster') removeGroups(emit, current, target);
    return;
  }
  for (const [key, alias] of Object.entries(current().aliases ?? {})) {
    if (target.aliases?.[key] || alias.name === undefined) continue;
    emit({ type: 'alias-delete', name: alias.name }, 'remove', `delete alias ${alias.name}`);
  }
}
