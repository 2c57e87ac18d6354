// get_options/set_options of Cluster.pm, Host.pm, VM.pm and Vnet.pm: the digest covers the
// options hash; `delete` takes a list of keys; `enable` is a time stamp above 1 on the cluster
// and 0/1 everywhere else.
import { ParamException, perlInt, perlTrue, splitList } from '../pve/perl';
import { copyObjectWithDigest } from '../pve/digest';
import { assertIfModified, checkVnetAccess, loadConfig, type Handler } from './context';

const NOT_OPTIONS = new Set(['node', 'vmid', 'vnet', 'delete', 'digest']);

export const getOptions: Handler = (ctx) => {
  checkVnetAccess(ctx, false);
  return copyObjectWithDigest(loadConfig(ctx).conf.options);
};

export const setOptions: Handler = (ctx) => {
  checkVnetAccess(ctx, true);
  const { conf } = loadConfig(ctx);
  assertIfModified(copyObjectWithDigest(conf.options).digest, ctx.params['digest']);
  const options = (conf.options ??= {});
  const known = ctx.declared.filter((key) => !NOT_OPTIONS.has(key));
  if (perlTrue(ctx.params['delete'])) {
    for (const key of splitList(ctx.params['delete']!)) {
      if (!known.includes(key)) throw new ParamException({ delete: `no such option '${key}'` });
      delete options[key];
    }
  }
  for (const key of known) {
    let value: string | number | undefined = ctx.params[key];
    if (value === undefined) continue;
    if (key === 'enable') {
      if (ctx.ref.kind === 'cluster') value = perlInt(value) > 1 ? ctx.now() : value;
      else value = perlTrue(value) ? 1 : 0;
    }
    options[key] = value;
  }
  ctx.store.save(ctx.ref, conf);
  return null;
};
