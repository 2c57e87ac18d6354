// What a handler gets: the store, its validated parameters, the caller, and the file its path
// names. The load_config/save pairs mirror the API classes' (Rules.pm, IPSet.pm, Aliases.pm).
import type { ProxmoxConf } from '../../../server/src/core/model/proxmox-conf';
import type { ParseTimeNames } from '../../../server/src/core/model/verify-rule';
import { namesFromConfs } from '../../../server/src/core/plan/canonical';
import type { FwFileRef } from '../../../server/src/core/plan/fw-files';
import { checkAny, type Caller } from '../auth';
import { dieError } from '../errors';
import type { SimStore } from '../store';

export interface HandlerContext {
  readonly store: SimStore;
  readonly params: Readonly<Record<string, string>>;
  readonly caller: Caller;
  /** The firewall file the path names (cluster for /cluster/firewall/...). */
  readonly ref: FwFileRef;
  /** Parameters as the method's schema declares them (for the option list of set_options). */
  readonly declared: readonly string[];
  readonly now: () => number;
}

export type Handler = (ctx: HandlerContext) => unknown;

/** A result sent with `total` beside `data` (log endpoints). */
export class Paged {
  constructor(
    readonly data: readonly unknown[],
    readonly total: number,
  ) {}
}

/** The file's config and the names verify_rule sees for it ($cluster_conf, $fw_conf). */
export function loadWithNames(ctx: HandlerContext): {
  conf: ProxmoxConf;
  names: ParseTimeNames;
  cluster?: ProxmoxConf;
} {
  const conf = ctx.store.load(ctx.ref);
  const sdn = ctx.store.sdnIpSets;
  if (ctx.ref.kind === 'cluster') return { conf, names: namesFromConfs(undefined, conf, sdn) };
  const cluster = ctx.store.load({ kind: 'cluster' });
  return { conf, cluster, names: namesFromConfs(cluster, conf, sdn) };
}

/** Vnet endpoints check SDN privileges on the vnet's zone (Helpers.pm check_vnet_access). */
export function checkVnetAccess(ctx: HandlerContext, write: boolean): void {
  if (ctx.ref.kind !== 'vnet') return;
  const vnet = ctx.store.config.vnets?.[ctx.ref.vnet];
  if (!vnet) throw dieError('invalid vnet specified');
  const path = `/sdn/zones/${vnet.zone}/${ctx.ref.vnet}`;
  checkAny(ctx.caller, path, write ? ['SDN.Allocate'] : ['SDN.Audit', 'SDN.Allocate']);
}

/** PVE::Tools::assert_if_modified: only when both digests are there and differ. */
export function assertIfModified(current: string, sent: string | undefined): void {
  if (sent && current !== sent)
    throw dieError('detected modified configuration - file changed by other user? Try again.');
}
