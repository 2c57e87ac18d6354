// Aliases.pm: names are case-insensitive (stored under lc), the address is stored as sent (the
// parser strips /32 when the file is read back), the digest covers the list sorted by key.
import type { Alias, Conf } from '../pve/conf';
import { copyListWithDigest } from '../pve/digest';
import { ParamException, lc, perlTrue } from '../pve/perl';
import { assertIfModified, loadConfig, type Handler, type HandlerContext } from './context';

function load(ctx: HandlerContext): { conf: Conf; aliases: Record<string, Alias> } {
  const { conf } = loadConfig(ctx);
  return { conf, aliases: conf.aliases ?? {} };
}

function save(ctx: HandlerContext, conf: Conf, aliases: Record<string, Alias>): void {
  conf.aliases = aliases;
  ctx.store.save(ctx.ref, conf);
}

/** $aliases_to_list */
function aliasList(aliases: Record<string, Alias>): Alias[] {
  return Object.keys(aliases)
    .sort()
    .map((key) => aliases[key]!);
}

function data(ctx: HandlerContext): Alias {
  const comment = ctx.params['comment'];
  return {
    name: ctx.params['name']!,
    cidr: ctx.params['cidr']!,
    ...(perlTrue(comment) ? { comment } : {}),
  };
}

export const getAliases: Handler = (ctx) => copyListWithDigest(aliasList(load(ctx).aliases)).list;

export const createAlias: Handler = (ctx) => {
  const { conf, aliases } = load(ctx);
  const key = lc(ctx.params['name']!);
  if (aliases[key] !== undefined)
    throw new ParamException({ name: `alias '${ctx.params['name']}' already exists` });
  aliases[key] = data(ctx);
  save(ctx, conf, aliases);
  return null;
};

export const readAlias: Handler = (ctx) => {
  const alias = load(ctx).aliases[lc(ctx.params['name']!)];
  if (alias === undefined) throw new ParamException({ name: 'no such alias' });
  return alias;
};

export const updateAlias: Handler = (ctx) => {
  const { conf, aliases } = load(ctx);
  assertIfModified(copyListWithDigest(aliasList(aliases)).digest, ctx.params['digest']);
  const key = lc(ctx.params['name']!);
  if (!aliases[key]) throw new ParamException({ name: 'no such alias' });
  aliases[key] = data(ctx);
  const rename = ctx.params['rename'];
  const renamed = perlTrue(rename) ? lc(rename!) : undefined;
  if (renamed !== undefined && renamed !== key) {
    if (aliases[renamed] !== undefined)
      throw new ParamException({ name: `alias '${rename}' already exists` });
    aliases[key].name = rename!;
    aliases[renamed] = aliases[key]!;
    delete aliases[key];
  }
  save(ctx, conf, aliases);
  return null;
};

export const removeAlias: Handler = (ctx) => {
  const { conf, aliases } = load(ctx);
  assertIfModified(copyListWithDigest(aliasList(aliases)).digest, ctx.params['digest']);
  delete aliases[lc(ctx.params['name']!)];
  save(ctx, conf, aliases);
  return null;
};
