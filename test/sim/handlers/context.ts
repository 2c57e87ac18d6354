// What a handler gets: the store, its validated parameters, the caller, and the file its path
// names; and the load_config pairs of the API classes (Rules.pm, IPSet.pm, Aliases.pm).
import { checkAny, type Caller } from '../auth';
import { dieError } from '../errors';
import type { Conf, FileRef } from '../pve/conf';
import { PerlDie } from '../pve/perl';
import type { SimStore } from '../store';

export interface HandlerContext {
  readonly store: SimStore;
  readonly params: Readonly<Record<string, string>>;
  readonly caller: Caller;
  /** The firewall file the path names (cluster for /cluster/firewall/...). */
  readonly ref: FileRef;
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

/**
 * ($cluster_conf, $fw_conf) as the API classes load them: for cluster.fw there is no separate
 * cluster configuration (undef), for the other files it is cluster.fw.
 */
export function loadConfig(ctx: HandlerContext): { cluster: Conf | undefined; conf: Conf } {
  if (ctx.ref.kind === 'cluster') return { cluster: undefined, conf: ctx.store.loadCluster() };
  const cluster = ctx.store.loadCluster();
  return { cluster, conf: ctx.store.load(ctx.ref, cluster) };
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
    throw new PerlDie('detected modified configuration - file changed by other user? Try again.');
}
