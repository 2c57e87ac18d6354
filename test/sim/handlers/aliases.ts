// Aliases.pm: names are case-insensitive (stored under lc), the address is stored as sent
// (the parser strips /32 when the file is read back), the digest covers the sorted list.
import type { ProxmoxAlias, ProxmoxConf } from '../../../server/src/core/model/proxmox-conf';
import { listDigest } from '../../../server/src/core/plan/digest';
import { aliasList } from '../../../server/src/core/plan/lists';
import { asciiLower, perlTrue } from '../../../server/src/core/syntax/perl-text';
import { paramError } from '../errors';
import { assertIfModified, type Handler, type HandlerContext } from './context';
import { withDigest } from './rules';

function load(ctx: HandlerContext): { conf: ProxmoxConf; aliases: Record<string, ProxmoxAlias> } {
  const conf = ctx.store.load(ctx.ref);
  return { conf, aliases: (conf.aliases ??= {}) };
}

function data(ctx: HandlerContext): ProxmoxAlias {
  const comment = ctx.params['comment'];
  return {
    name: ctx.params['name']!,
    cidr: ctx.params['cidr']!,
    ...(perlTrue(comment) ? { comment } : {}),
  };
}

function listDigestOf(conf: ProxmoxConf): string {
  return listDigest(aliasList(conf));
}

export const getAliases: Handler = (ctx) => withDigest(aliasList(load(ctx).conf));

export const createAlias: Handler = (ctx) => {
  const { conf, aliases } = load(ctx);
  const key = asciiLower(ctx.params['name']!);
  if (aliases[key] !== undefined)
    throw paramError({ name: `alias '${ctx.params['name']}' already exists` });
  aliases[key] = data(ctx);
  ctx.store.save(ctx.ref, conf);
  return null;
};

export const readAlias: Handler = (ctx) => {
  const alias = load(ctx).aliases[asciiLower(ctx.params['name']!)];
  if (alias === undefined) throw paramError({ name: 'no such alias' });
  return alias;
};

export const updateAlias: Handler = (ctx) => {
  const { conf, aliases } = load(ctx);
  assertIfModified(listDigestOf(conf), ctx.params['digest']);
  const key = asciiLower(ctx.params['name']!);
  if (!aliases[key]) throw paramError({ name: 'no such alias' });
  aliases[key] = data(ctx);
  const rename = ctx.params['rename'];
  const renamed = perlTrue(rename) ? asciiLower(rename) : undefined;
  if (renamed !== undefined && renamed !== key) {
    if (aliases[renamed] !== undefined)
      throw paramError({ name: `alias '${rename}' already exists` });
    aliases[renamed] = { ...aliases[key], name: rename! };
    delete aliases[key];
  }
  ctx.store.save(ctx.ref, conf);
  return null;
};

export const removeAlias: Handler = (ctx) => {
  const { conf, aliases } = load(ctx);
  assertIfModified(listDigestOf(conf), ctx.params['digest']);
  delete aliases[asciiLower(ctx.params['name']!)];
  ctx.store.save(ctx.ref, conf);
  return null;
};
