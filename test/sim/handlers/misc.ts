// Directory indexes, the macro list, references (collect_refs) and the firewall log.
import { MACROS } from '../../../server/src/core/facts/generated/macros';
import type { ProxmoxConf } from '../../../server/src/core/model/proxmox-conf';
import { Paged, type Handler } from './context';

const INDEX: Record<string, readonly string[]> = {
  cluster: ['aliases', 'rules', 'options', 'groups', 'ipset', 'macros', 'refs'],
  host: ['rules', 'options', 'log'],
  guest: ['rules', 'aliases', 'ipset', 'refs', 'options'],
  vnet: ['rules', 'options'],
};

export const index: Handler = (ctx) => INDEX[ctx.ref.kind]!.map((name) => ({ name }));

export const macros: Handler = () =>
  MACROS.map((m) => ({ macro: m.name, descr: m.description || m.name }));

/** PVE::Firewall::Helpers::collect_refs */
function collectRefs(conf: ProxmoxConf, type: string | undefined, scope: string): object[] {
  const out: object[] = [];
  if (!type || type === 'ipset') {
    for (const name of Object.keys(conf.ipset ?? {})) {
      const comment = conf.ipset_comments?.[name];
      out.push({ type: 'ipset', name, ref: `+${name}`, scope, ...(comment ? { comment } : {}) });
    }
  }
  if (!type || type === 'alias') {
    for (const [name, alias] of Object.entries(conf.aliases ?? {})) {
      out.push({
        type: 'alias',
        name,
        ref: name,
        scope,
        ...(alias.comment ? { comment: alias.comment } : {}),
      });
    }
  }
  return out;
}

export const refs: Handler = (ctx) => {
  const type = ctx.params['type'];
  const cluster = ctx.store.load({ kind: 'cluster' });
  const sdn: ProxmoxConf = {
    ipset: Object.fromEntries([...ctx.store.sdnIpSets].map((name) => [name, []])),
  };
  const dc = collectRefs(cluster, type, 'dc');
  const sdnRefs = collectRefs(sdn, type, 'sdn');
  if (ctx.ref.kind === 'cluster') return [...sdnRefs, ...dc];
  return [...dc, ...sdnRefs, ...collectRefs(ctx.store.load(ctx.ref), type, 'guest')];
};

/** The simulator keeps no log: an empty page, with the `total` the real endpoint sends. */
export const log: Handler = () => new Paged([], 0);
