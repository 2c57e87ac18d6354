// Groups.pm: list, create, comment update and rename (which copies the group, rewrites GROUP
// rules in every node's host.fw, every guest's .fw and cluster.fw, then drops the old name),
// and deleting an empty group.
import type { Conf, Rule } from '../pve/conf';
import { copyListWithDigest } from '../pve/digest';
import { ParamException, PerlDie, perlKeys, perlTrue } from '../pve/perl';
import { assertIfModified, type Handler } from './context';

function groupList(cluster: Conf): ReturnType<typeof copyListWithDigest> {
  const list = Object.keys(cluster.groups ?? {})
    .sort()
    .map((group) => {
      const comment = cluster.group_comments?.[group];
      return perlTrue(comment) ? { group, comment } : { group };
    });
  return copyListWithDigest(list);
}

function renameRefs(from: string, to: string, rules: Rule[] | undefined): void {
  for (const rule of rules ?? [])
    if (rule.type === 'group' && rule.action === from) rule.action = to;
}

export const listGroups: Handler = (ctx) => groupList(ctx.store.loadCluster()).list;

export const createGroup: Handler = (ctx) => {
  const { group, rename, comment } = ctx.params as Record<string, string | undefined>;
  const cluster = ctx.store.loadCluster();
  const groups = (cluster.groups ??= {});
  const comments = (cluster.group_comments ??= {});
  if (!perlTrue(rename)) {
    for (const name of perlKeys(groups))
      if (name === group)
        throw new ParamException({ group: `Security group '${name}' already exists` });
    groups[group!] = [];
    if (comment !== undefined) comments[group!] = comment;
    ctx.store.save({ kind: 'cluster' }, cluster);
    return null;
  }
  assertIfModified(groupList(cluster).digest, ctx.params['digest']);
  if (!groups[rename!])
    throw new ParamException({ group: `Security group '${rename}' does not exist` });
  if (groups[group!] && group !== rename)
    throw new ParamException({ group: `Security group '${group}' does already exist` });
  if (rename === group) {
    if (comment !== undefined) comments[rename!] = comment;
    ctx.store.save({ kind: 'cluster' }, cluster);
    return null;
  }
  groups[group!] = groups[rename!]!;
  const old = comments[rename!];
  if (old !== undefined) comments[group!] = old;
  else delete comments[group!];
  if (comment !== undefined) comments[group!] = comment;
  ctx.store.save({ kind: 'cluster' }, cluster);
  // Every node's host.fw and every guest's file is loaded and saved, changed or not.
  for (const node of Object.keys(ctx.store.config.nodes)) {
    const ref = { kind: 'host', node } as const;
    const conf = ctx.store.load(ref, cluster);
    renameRefs(rename!, group!, conf.rules);
    ctx.store.save(ref, conf);
  }
  for (const guest of ctx.store.guests()) {
    const ref = { kind: 'guest', ...guest } as const;
    const conf = ctx.store.load(ref, cluster);
    renameRefs(rename!, group!, conf.rules);
    ctx.store.save(ref, conf);
  }
  renameRefs(rename!, group!, cluster.rules);
  delete groups[rename!];
  delete comments[rename!];
  ctx.store.save({ kind: 'cluster' }, cluster);
  return null;
};

export const deleteGroup: Handler = (ctx) => {
  const cluster = ctx.store.loadCluster();
  const name = ctx.params['group']!;
  const rules = cluster.groups?.[name];
  if (!rules) throw new PerlDie(`no such security group '${name}'`);
  if (rules.length > 0) throw new PerlDie(`Security group '${name}' is not empty`);
  delete cluster.groups![name];
  ctx.store.save({ kind: 'cluster' }, cluster);
  return null;
};
