// get_options/set_options of Cluster.pm, Host.pm, VM.pm and Vnet.pm: the digest covers the
// options hash; `delete` takes a list of keys; `enable` is a time stamp above 1 on the cluster
// and 0/1 everywhere else.
import { objectDigest } from '../../../server/src/core/plan/digest';
import { paramError } from '../errors';
import { splitList } from '../formats';
import { assertIfModified, checkVnetAccess, type Handler } from './context';

const NOT_OPTIONS = new Set(['node', 'vmid', 'vnet', 'delete', 'digest']);

export const getOptions: Handler = (ctx) => {
  checkVnetAccess(ctx, false);
  const options = ctx.store.load(ctx.ref).options ?? {};
  return { ...options, digest: objectDigest(options) };
};

export const setOptions: Handler = (ctx) => {
  checkVnetAccess(ctx, true);
  const conf = ctx.store.load(ctx.ref);
  const options = (conf.options ??= {});
  assertIfModified(objectDigest(options), ctx.params['digest']);
  const known = ctx.declared.filter((key) => !NOT_OPTIONS.has(key));
  for (const key of splitList(ctx.params['delete'] ?? '')) {
    if (!known.includes(key)) throw paramError({ delete: `no such option '${key}'` });
    delete options[key];
  }
  for (const key of known) {
    let value: string | number | undefined = ctx.params[key];
    if (value === undefined) continue;
    if (key === 'enable') {
      if (ctx.ref.kind === 'cluster') value = Number(value) > 1 ? ctx.now() : value;
      else value = Number(value) ? 1 : 0;
    }
    options[key] = value;
  }
  ctx.store.save(ctx.ref, conf);
  return null;
};
