// IPSet.pm: the ipset list (create, rename, comment), one set's entries (add with address
// normalisation, read, update nomatch/comment, remove) and deleting a set (force if non-empty).
import type { ProxmoxConf, ProxmoxIpSetEntry } from '../../../server/src/core/model/proxmox-conf';
import { ALIAS_REF } from '../../../server/src/core/model/address-list';
import { listDigest } from '../../../server/src/core/plan/digest';
import { cleanCidr } from '../../../server/src/core/plan/clean-cidr';
import { nameList } from '../../../server/src/core/plan/lists';
import { parseIpOrCidr } from '../../../server/src/core/syntax/ip-or-cidr';
import { asciiLower, perlTrue } from '../../../server/src/core/syntax/perl-text';
import { dieError, paramError } from '../errors';
import { assertIfModified, loadWithNames, type Handler, type HandlerContext } from './context';
import { withDigest } from './rules';

function loadSet(ctx: HandlerContext): {
  conf: ProxmoxConf;
  entries: ProxmoxIpSetEntry[];
  cluster?: ProxmoxConf;
} {
  const loaded = loadWithNames(ctx);
  const name = ctx.params['name']!;
  const entries = loaded.conf.ipset?.[name];
  if (!entries) throw dieError(`no such IPSet '${name}'`);
  return { ...loaded, entries };
}

function saveSet(
  ctx: HandlerContext,
  conf: ProxmoxConf,
  entries: ProxmoxIpSetEntry[] | undefined,
): void {
  const name = ctx.params['name']!;
  if (entries === undefined) delete conf.ipset![name];
  else conf.ipset![name] = entries;
  ctx.store.save(ctx.ref, conf);
}

const digestOf = (list: readonly object[]): string =>
  listDigest(list as unknown as Record<string, unknown>[]);

export const ipsetIndex: Handler = (ctx) => withDigest(nameList(loadWithNames(ctx).conf, 'ipsets'));

export const createIpset: Handler = (ctx) => {
  const { conf } = loadWithNames(ctx);
  const { name, rename, comment } = ctx.params as Record<string, string | undefined>;
  const sets = (conf.ipset ??= {});
  const comments = (conf.ipset_comments ??= {});
  if (perlTrue(rename)) {
    assertIfModified(digestOf(nameList(conf, 'ipsets')), ctx.params['digest']);
    if (!sets[rename]) throw paramError({ name: `IPSet '${rename}' does not exist` });
    if (sets[name!] && name !== rename)
      throw paramError({ name: `IPSet '${name}' does already exist` });
    const data = sets[rename];
    delete sets[rename];
    sets[name!] = data;
    const old = comments[rename];
    delete comments[rename];
    if (perlTrue(old)) comments[name!] = old;
    if (comment !== undefined) comments[name!] = comment;
  } else {
    if (sets[name!]) throw paramError({ name: `IPSet '${name}' already exists` });
    sets[name!] = [];
    if (comment !== undefined) comments[name!] = comment;
  }
  ctx.store.save(ctx.ref, conf);
  return null;
};

export const deleteIpset: Handler = (ctx) => {
  const { conf, entries } = loadSet(ctx);
  if (entries.length > 0 && !perlTrue(ctx.params['force']))
    throw dieError(`IPSet '${ctx.params['name']}' is not empty`);
  saveSet(ctx, conf, undefined);
  return null;
};

export const getIpset: Handler = (ctx) => withDigest(loadSet(ctx).entries);

/** resolve_alias (FW:3366-3391): dies when the alias is not found in the scope. */
function resolveAlias(
  conf: ProxmoxConf,
  cluster: ProxmoxConf | undefined,
  name: string,
  scope: string,
): void {
  const [clusterConf, local] = cluster ? [cluster, conf] : [conf, undefined];
  const key = asciiLower(name);
  const found =
    (scope !== 'dc/' ? local?.aliases?.[key] : undefined) ??
    (scope !== 'guest/' ? clusterConf.aliases?.[key] : undefined);
  if (!found) throw dieError(`no such alias '${name}'`);
}

export const createIp: Handler = (ctx) => {
  const { conf, entries, cluster } = loadSet(ctx);
  let cidr = ctx.params['cidr']!;
  const alias = ALIAS_REF.exec(cidr);
  if (alias) resolveAlias(conf, cluster, alias[2]!, alias[1] ?? '');
  else {
    const parsed = parseIpOrCidr(cleanCidr(cidr));
    if (!parsed) throw dieError('value does not look like a valid IP address or CIDR network');
    cidr = parsed.cidr;
  }
  if (entries.some((e) => e.cidr === cidr))
    throw paramError({ cidr: `address '${cidr}' already exists` });
  if (/\/0+$/.test(cidr))
    throw paramError({ cidr: 'a zero prefix is not allowed in ipset entries' });
  const entry: ProxmoxIpSetEntry = { cidr };
  if (perlTrue(ctx.params['nomatch'])) entry.nomatch = 1;
  if (perlTrue(ctx.params['comment'])) entry.comment = ctx.params['comment'];
  saveSet(ctx, conf, [entry, ...entries]);
  return null;
};

export const readIp: Handler = (ctx) => {
  const found = withDigest(loadSet(ctx).entries).find((e) => e.cidr === ctx.params['cidr']);
  if (!found) throw paramError({ cidr: 'no such IP/Network' });
  return found;
};

export const updateIp: Handler = (ctx) => {
  const { conf, entries } = loadSet(ctx);
  assertIfModified(digestOf(entries), ctx.params['digest']);
  const entry = entries.find((e) => e.cidr === ctx.params['cidr']);
  if (!entry) throw paramError({ cidr: 'no such IP/Network' });
  // Both are replaced by what was sent: leaving one out clears it (IPSet.pm 321-327).
  if (perlTrue(ctx.params['nomatch'])) entry.nomatch = 1;
  else delete entry.nomatch;
  const comment = ctx.params['comment'];
  if (comment !== undefined) entry.comment = comment;
  else delete entry.comment;
  saveSet(ctx, conf, entries);
  return null;
};

export const removeIp: Handler = (ctx) => {
  const { conf, entries } = loadSet(ctx);
  assertIfModified(digestOf(entries), ctx.params['digest']);
  saveSet(
    ctx,
    conf,
    entries.filter((e) => e.cidr !== ctx.params['cidr']),
  );
  return null;
};
