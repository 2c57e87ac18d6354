// planPush: the ordered API calls that turn the live cluster into the workspace, each with the
// digest Proxmox will compute at that moment. Pure: two states in, a plan out.
import type { ProxmoxConf } from '../model';
import { perlSortedEntries } from '../writer';
import { listInEffect } from './liveness';
import type { FirewallState } from './firewall-state';
import { CLUSTER_FILE, ruleEnvOf, type FwFileRef } from './fw-files';
import type { ImpactAnalyzer, ImpactSummary } from './impact';
import { allDigests, listsOf, listKey } from './lists';
import { namesFromConfs } from './canonical';
import type { Operation } from './operations';
import { PlanContext, type PlanProblem } from './plan-context';
import { prepareObjects } from './plan-objects';
import { planOptions } from './plan-options';
import { removeObjects } from './plan-removals';
import { RuleListPlan } from './plan-rules';
import { PredictionError, RemoteModel } from './remote-model';
import { targetState } from './target';
import { formatProxmoxConf } from '../writer';

export interface PlanOptions {
  /** Perl's time(), for the cluster `enable` time stamp. */
  readonly now?: number;
  /** The packet evaluator's comparison of before and after (issue 3); left out until it exists. */
  readonly impact?: ImpactAnalyzer;
}

export interface PushPlan {
  readonly operations: readonly Operation[];
  /** What the API would refuse: a plan with problems must not be pushed. */
  readonly problems: readonly PlanProblem[];
  readonly warnings: readonly string[];
  /** The cluster as it will be after the push (every list as Proxmox will store it). */
  readonly target: FirewallState;
  /** Which flows change verdict, per host and guest; undefined without an analyzer. */
  readonly impact?: ImpactSummary;
}

function fileOrder(path: string, ref: FwFileRef): string {
  const rank = { cluster: 0, host: 1, guest: 2, vnet: 3 }[ref.kind];
  const id = ref.kind === 'guest' ? ref.vmid.padStart(9, '0') : path;
  return `${rank}:${id}`;
}

/** Turns `remote` (the live cluster) into `local` (the workspace); see the module comment. */
export function planPush(
  local: FirewallState,
  remote: FirewallState,
  options: PlanOptions = {},
): PushPlan {
  const model = new RemoteModel(remote, options.now);
  const ctx = new PlanContext(model);
  const target = targetState(ctx, local);
  const refs = new Map<string, FwFileRef>();
  for (const [path, file] of [...remote.files, ...target.files]) refs.set(path, file.ref);
  const paths = [...refs.keys()].sort((a, b) =>
    fileOrder(a, refs.get(a)!) < fileOrder(b, refs.get(b)!) ? -1 : 1,
  );
  const want = (path: string) => target.files.get(path)?.conf ?? {};

  try {
    for (const path of paths) prepareObjects(ctx, path, refs.get(path)!, want(path));
    const lists: RuleListPlan[] = [];
    const confs = (): Map<string, ProxmoxConf> => new Map(paths.map((p) => [p, model.conf(p)]));
    const cluster = target.files.get(CLUSTER_FILE)?.conf;
    for (const path of paths) {
      const ref = refs.get(path)!;
      const goal = want(path);
      if (ref.kind === 'cluster') {
        for (const [name, rules] of perlSortedEntries(goal.groups ?? {})) {
          const names = namesFromConfs(cluster, undefined, local.sdnIpSets);
          const list = { list: 'group', name } as const;
          const live = (): boolean => listInEffect(confs(), ref, path, list);
          lists.push(new RuleListPlan(ctx, path, ref, list, 'group', rules, names, live));
        }
      }
      const own = ref.kind === 'cluster' || ref.kind === 'guest' ? goal : undefined;
      const names = namesFromConfs(cluster, own, local.sdnIpSets);
      const live = (): boolean => listInEffect(confs(), ref, path, { list: 'rules' });
      lists.push(
        new RuleListPlan(
          ctx,
          path,
          ref,
          { list: 'rules' },
          ruleEnvOf(ref),
          goal.rules ?? [],
          names,
          live,
        ),
      );
    }
    for (const list of lists) list.addAndArrange();
    for (const path of paths) planOptions(ctx, path, refs.get(path)!, want(path));
    for (const list of lists) list.removeAndDisable();
    for (const path of paths) removeObjects(ctx, path, refs.get(path)!, want(path), 'sets');
    for (const path of paths) removeObjects(ctx, path, refs.get(path)!, want(path), 'aliases');
  } catch (error) {
    if (!(error instanceof PredictionError)) throw error;
    ctx.problem(CLUSTER_FILE, `cannot predict what Proxmox would do: ${error.message}`);
  }
  checkReached(ctx, target, paths, refs);
  return {
    operations: ctx.operations,
    problems: ctx.problems,
    warnings: ctx.warnings,
    target,
    ...(options.impact ? { impact: options.impact(remote, target) } : {}),
  };
}

/**
 * The predicted end state must be the workspace, compared as Proxmox's writer would write both
 * (a file the push never writes may hold values its writer drops, like `-dport 0`); the lists
 * that differ are named.
 */
function checkReached(
  ctx: PlanContext,
  target: FirewallState,
  paths: readonly string[],
  refs: Map<string, FwFileRef>,
): void {
  if (ctx.problems.length > 0) return;
  for (const path of paths) {
    const kind = refs.get(path)!.kind;
    const reached = ctx.model.conf(path);
    const wanted = target.files.get(path)?.conf ?? {};
    if (formatProxmoxConf(kind, reached) === formatProxmoxConf(kind, wanted)) continue;
    const got = allDigests({ files: new Map([[path, { ref: refs.get(path)!, conf: reached }]]) });
    const goal = allDigests({ files: new Map([[path, { ref: refs.get(path)!, conf: wanted }]]) });
    const lists = listsOf(wanted, kind)
      .map((name) => listKey(path, name))
      .filter((key) => got[key] !== goal[key]);
    ctx.problem(path, `the plan does not reach the workspace for ${lists.join(', ') || path}`);
  }
}
