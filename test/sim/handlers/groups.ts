// Groups.pm: list, create, comment update and rename (which copies the group, rewrites GROUP
// rules in every node's host.fw, every guest's .fw and cluster.fw, then drops the old name),
// and deleting an empty group.
import type { ProxmoxRule } from '../../../server/src/core/model/proxmox-conf';
import { listDigest } from '../../../server/src/core/plan/digest';
import { nameList } from '../../../server/src/core/plan/lists';
import { perlTrue } from '../../../server/src/core/syntax/perl-text';
import { dieError, paramError } from '../errors';
import { assertIfModified, type Handler } from './context';
import { withDigest } from './rules';

function renameRefs(from: string, to: string, rules: ProxmoxRule[] | undefined): void {
  for (const rule of rules ?? [])
    if (rule.type === 'group' && rule.action === from) rule.action = to;
}

export const listGroups: Handler = (ctx) =>
  withDigest(nameList(ctx.store.load({ kind: 'cluster' }), 'groups'));

export const createGroup: Handler = (ctx) => {
  const { group, rename, comment } = ctx.params as Record<string, string | undefined>;
  const cluster = ctx.store.load({ kind: 'cluster' });
  const groups = (cluster.groups ??= {});
  const comments = (cluster.group_comments ??= {});
  if (!perlTrue(rename)) {
    if (groups[group!]) throw paramError({ group: `Security group '${group}' already exists` });
    groups[group!] = [];
    if (comment !== undefined) comments[group!] = comment;
    ctx.store.save({ kind: 'cluster' }, cluster);
    return null;
  }
  assertIfModified(listDigest(nameList(cluster, 'groups')), ctx.params['digest']);
  if (!groups[rename]) throw paramError({ group: `Security group '${rename}' does not exist` });
  if (groups[group!] && group !== rename)
    throw paramError({ group: `Security group '${group}' does already exist` });
  if (rename === group) {
    if (comment !== undefined) comments[rename] = comment;
    ctx.store.save({ kind: 'cluster' }, cluster);
    return null;
  }
  groups[group!] = groups[rename]!;
  const old = comments[rename];
  if (old !== undefined) comments[group!] = old;
  if (comment !== undefined) comments[group!] = comment;
  ctx.store.save({ kind: 'cluster' }, cluster);
  // Every host and guest file is loaded and saved, changed or not (so each is rewritten).
  for (const node of Object.keys(ctx.store.config.nodes)) {
    const ref = { kind: 'host', node } as const;
    const conf = ctx.store.load(ref);
    renameRefs(rename, group!, conf.rules);
    ctx.store.save(ref, conf);
  }
  for (const guest of ctx.store.guests()) {
    const ref = { kind: 'guest', ...guest } as const;
    const conf = ctx.store.load(ref);
    renameRefs(rename, group!, conf.rules);
    ctx.store.save(ref, conf);
  }
  renameRefs(rename, group!, cluster.rules);
  delete groups[rename];
  delete comments[rename];
  ctx.store.save({ kind: 'cluster' }, cluster);
  return null;
};

export const deleteGroup: Handler = (ctx) => {
  const cluster = ctx.store.load({ kind: 'cluster' });
  const name = ctx.params['group']!;
  const rules = cluster.groups?.[name];
  if (!rules) throw dieError(`no such security group '${name}'`);
  if (rules.length > 0) throw dieError(`Security group '${name}' is not empty`);
  delete cluster.groups![name];
  ctx.store.save({ kind: 'cluster' }, cluster);
  return null;
};
