// Directory indexes, the macro list, references (collect_refs) and the firewall log.
import type { Conf } from '../pve/conf';
import { perlKeys, perlTrue } from '../pve/perl';
import { macroList } from '../pve/verify';
import { Paged, loadConfig, type Handler } from './context';

const INDEX: Record<string, readonly string[]> = {
  cluster: ['aliases', 'rules', 'options', 'groups', 'ipset', 'macros', 'refs'],
  host: ['rules', 'options', 'log'],
  guest: ['rules', 'aliases', 'ipset', 'refs', 'options'],
  vnet: ['rules', 'options'],
};

export const index: Handler = (ctx) => INDEX[ctx.ref.kind]!.map((name) => ({ name }));

export const macros: Handler = () => macroList();

/** PVE::Firewall::Helpers::collect_refs: ipsets, then aliases, each in Perl's hash order. */
function collectRefs(conf: Conf, type: string | undefined, scope: string): object[] {
  const out: object[] = [];
  if (!perlTrue(type) || type === 'ipset') {
    for (const name of perlKeys(conf.ipset ?? {})) {
      const comment = conf.ipset_comments?.[name];
      out.push({
        type: 'ipset',
        name,
        ref: `+${name}`,
        scope,
        ...(perlTrue(comment) ? { comment } : {}),
      });
    }
  }
  if (!perlTrue(type) || type === 'alias') {
    for (const name of perlKeys(conf.aliases ?? {})) {
      const comment = conf.aliases![name]!.comment;
      out.push({
        type: 'alias',
        name,
        ref: name,
        scope,
        ...(perlTrue(comment) ? { comment } : {}),
      });
    }
  }
  return out;
}

export const refs: Handler = (ctx) => {
  const type = ctx.params['type'];
  const { cluster, conf } = loadConfig(ctx);
  const sdn: Conf = {
    ipset: Object.fromEntries(ctx.store.sdnIpSets.map((name) => [name, []])),
  };
  if (ctx.ref.kind === 'cluster')
    return [...collectRefs(sdn, type, 'sdn'), ...collectRefs(conf, type, 'dc')];
  return [
    ...collectRefs(cluster!, type, 'dc'),
    ...collectRefs(sdn, type, 'sdn'),
    ...collectRefs(conf, type, 'guest'),
  ];
};

/** The simulator keeps no log: an empty page, with the `total` the real endpoint sends. */
export const log: Handler = () => new Paged([], 0);
