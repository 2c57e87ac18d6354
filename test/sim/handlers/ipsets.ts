// IPSet.pm: the ipset list (create, rename, comment), one set's entries (add with address
// normalisation, read, update nomatch/comment, remove) and deleting a set (force if non-empty).
import type { Conf, Entry } from '../pve/conf';
import { copyListWithDigest } from '../pve/digest';
import { resolveAlias } from '../pve/parse-fw';
import { ParamException, PerlDie, perlKeys, perlTrue } from '../pve/perl';
import { IP_ALIAS_PATTERN, cleanCidr, parseIpOrCidr } from '../pve/verify';
import { assertIfModified, loadConfig, type Handler, type HandlerContext } from './context';

const ALIAS = new RegExp(`^(dc/|guest/)?(${IP_ALIAS_PATTERN})$`);

function loadSet(ctx: HandlerContext): { cluster?: Conf; conf: Conf; entries: Entry[] } {
  const { cluster, conf } = loadConfig(ctx);
  const name = ctx.params['name']!;
  const entries = conf.ipset?.[name];
  if (!entries) throw new PerlDie(`no such IPSet '${name}'`);
  return { ...(cluster ? { cluster } : {}), conf, entries };
}

/** save_ipset: undef deletes the set. */
function saveSet(ctx: HandlerContext, conf: Conf, entries: Entry[] | undefined): void {
  const sets = (conf.ipset ??= {});
  const name = ctx.params['name']!;
  if (entries === undefined) delete sets[name];
  else sets[name] = entries;
  ctx.store.save(ctx.ref, conf);
}

/** $get_ipset_list */
function setList(conf: Conf): ReturnType<typeof copyListWithDigest> {
  const list = Object.keys(conf.ipset ?? {})
    .sort()
    .map((name) => {
      const comment = conf.ipset_comments?.[name];
      return perlTrue(comment) ? { name, comment } : { name };
    });
  return copyListWithDigest(list);
}

export const ipsetIndex: Handler = (ctx) => setList(loadConfig(ctx).conf).list;

export const createIpset: Handler = (ctx) => {
  const { conf } = loadConfig(ctx);
  const { name, rename, comment } = ctx.params as Record<string, string | undefined>;
  const sets = (conf.ipset ??= {});
  const comments = (conf.ipset_comments ??= {});
  if (perlTrue(rename)) {
    assertIfModified(setList(conf).digest, ctx.params['digest']);
    if (!sets[rename!]) throw new ParamException({ name: `IPSet '${rename}' does not exist` });
    if (sets[name!] && name !== rename)
      throw new ParamException({ name: `IPSet '${name}' does already exist` });
    const data = sets[rename!]!;
    delete sets[rename!];
    sets[name!] = data;
    const old = comments[rename!];
    delete comments[rename!];
    if (perlTrue(old)) comments[name!] = old!;
    if (comment !== undefined) comments[name!] = comment;
  } else {
    for (const existing of perlKeys(sets))
      if (existing === name)
        throw new ParamException({ name: `IPSet '${existing}' already exists` });
    sets[name!] = [];
    if (comment !== undefined) comments[name!] = comment;
  }
  ctx.store.save(ctx.ref, conf);
  return null;
};

export const deleteIpset: Handler = (ctx) => {
  const { conf, entries } = loadSet(ctx);
  if (entries.length > 0 && !perlTrue(ctx.params['force']))
    throw new PerlDie(`IPSet '${ctx.params['name']}' is not empty`);
  saveSet(ctx, conf, undefined);
  return null;
};

export const getIpset: Handler = (ctx) => copyListWithDigest(loadSet(ctx).entries).list;

export const createIp: Handler = (ctx) => {
  const { cluster, conf, entries } = loadSet(ctx);
  let cidr = ctx.params['cidr']!;
  const alias = ALIAS.exec(cidr);
  if (alias) resolveAlias(cluster, conf, alias[2]!, alias[1] ?? '');
  else cidr = parseIpOrCidr(cleanCidr(cidr)).cidr;
  for (const entry of entries)
    if ((entry.cidr ?? '') === cidr)
      throw new ParamException({ cidr: `address '${cidr}' already exists` });
  if (/\/0+$/.test(cidr))
    throw new ParamException({ cidr: 'a zero prefix is not allowed in ipset entries' });
  const entry: Entry = { cidr };
  if (perlTrue(ctx.params['nomatch'])) entry.nomatch = 1;
  if (perlTrue(ctx.params['comment'])) entry.comment = ctx.params['comment'];
  saveSet(ctx, conf, [entry, ...entries]);
  return null;
};

export const readIp: Handler = (ctx) => {
  const found = copyListWithDigest(loadSet(ctx).entries).list.find(
    (e) => (e['cidr'] ?? '') === ctx.params['cidr'],
  );
  if (!found) throw new ParamException({ cidr: 'no such IP/Network' });
  return found;
};

export const updateIp: Handler = (ctx) => {
  const { conf, entries } = loadSet(ctx);
  assertIfModified(copyListWithDigest(entries).digest, ctx.params['digest']);
  const entry = entries.find((e) => (e.cidr ?? '') === ctx.params['cidr']);
  if (!entry) throw new ParamException({ cidr: 'no such IP/Network' });
  // Both are replaced by what was sent: leaving one out clears it.
  entry.nomatch = ctx.params['nomatch'];
  entry.comment = ctx.params['comment'];
  saveSet(ctx, conf, entries);
  return null;
};

export const removeIp: Handler = (ctx) => {
  const { conf, entries } = loadSet(ctx);
  assertIfModified(copyListWithDigest(entries).digest, ctx.params['digest']);
  saveSet(
    ctx,
    conf,
    entries.filter((e) => (e.cidr ?? '') !== ctx.params['cidr']),
  );
  return null;
};
