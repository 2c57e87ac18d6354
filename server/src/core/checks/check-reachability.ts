import {
  analyseReachabilitySteps,
  findLockouts,
  lineKey,
  NodeMemo,
  type ReachabilityReport,
} from '../analysis';
import { runSliced, runToEnd, type SliceOptions, type Steps } from '../steps';
import { compileInputFor } from '../compile';
import type { CompileInput, RuleOrigin, SkippedRule, SourcedConfig } from '../compile';
import type { ClusterModel } from '../model';
import { clusterWideFindings } from './cluster-findings';
import { mergeBackends, nftNodeFindings, type BackendFindings } from './nft-reachability';
import type { Finding } from '../findings';
import {
  deadFinding,
  disabledFinding,
  lockoutFinding,
  missingSdnSet,
  overlapFinding,
  PLAIN_DISABLED,
  remedies,
  removableFinding,
  skippedFinding,
  type RemedyLookup,
} from './reachability-findings';

export interface ReachabilityOptions {
  /** Also report partial overlaps with another verdict (rule-overlap hints); off by default. */
  readonly overlapHints?: boolean;
}

/**
 * What one analysis of a cluster keeps for the next: per node, the analysis's own memo (see
 * NodeMemo). An editor keeps one per cluster, so that re-analysing after a one-line edit redoes
 * only what the edit can change. Results never depend on it.
 */
export class ReachabilityMemo {
  readonly nodes = new Map<string, NodeMemo>();

  node(name: string): NodeMemo {
    let memo = this.nodes.get(name);
    if (!memo) {
      memo = new NodeMemo();
      this.nodes.set(name, memo);
    }
    return memo;
  }

  /** Forgets the nodes an analysis no longer has. */
  keepOnly(names: ReadonlySet<string>): void {
    for (const name of [...this.nodes.keys()]) if (!names.has(name)) this.nodes.delete(name);
  }
}

/** Findings written between two pauses of nodeFindings: a few milliseconds. */
const FINDINGS_PER_PAUSE = 1000;

/** The findings of one node's analysis, by file path, pausing as it writes them (steps.ts). */
function* nodeFindings(
  report: ReachabilityReport,
  disabledLines: ReadonlyMap<string, RuleOrigin>,
  sdnKnown: boolean,
  overlapHints: boolean,
  remedy: RemedyLookup,
): Steps<Map<string, Finding[]>> {
  const out = new Map<string, Finding[]>();
  const push = (f: Finding, path: string): void => {
    const list = out.get(path);
    if (list) list.push(f);
    else out.set(path, [f]);
  };
  let written = 0;
  for (const d of report.dead) {
    if (++written % FINDINGS_PER_PAUSE === 0) yield;
    push(deadFinding(d), d.origin.path);
  }
  for (const r of report.removable) {
    if (++written % FINDINGS_PER_PAUSE === 0) yield;
    push(removableFinding(r), r.origin.path);
  }
  const deadLines = new Set(report.dead.map((d) => lineKey(d.origin.path, d.origin.lineNumber)));
  for (const [key, origin] of disabledLines) {
    if (report.liveIfEnabled.has(key) || !deadLines.has(key)) {
      if (++written % FINDINGS_PER_PAUSE === 0) yield;
      push(disabledFinding(origin, report.enabling.get(key)), origin.path);
    }
  }
  const seen = new Set<string>();
  for (const s of report.skipped) {
    if (!s.origin || (!sdnKnown && missingSdnSet(s.message))) continue;
    const key = `${lineKey(s.origin.path, s.origin.lineNumber)} ${s.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    push(skippedFinding(s as SkippedRule & { origin: RuleOrigin }, remedy), s.origin.path);
  }
  if (overlapHints) for (const o of report.overlaps) push(overlapFinding(o), o.origin.path);
  const locked = new Set<string>();
  for (const model of report.families) {
    yield;
    for (const l of findLockouts(model)) {
      // One finding per rule and port, whichever family shows it first.
      const key = `${lineKey(l.origin.path, l.origin.lineNumber)} ${l.port}`;
      if (locked.has(key)) continue;
      locked.add(key);
      push(lockoutFinding(l), l.origin.path);
    }
  }
  return out;
}

function disabledOrigins(sources: readonly SourcedConfig[]): Map<string, RuleOrigin> {
  const out = new Map<string, RuleOrigin>();
  for (const { path, config } of sources) {
    const all = [...config.rules, ...[...config.groups.values()].flatMap((g) => g.rules)];
    for (const def of all) {
      if (def.line.rule.enabled) continue;
      const { line } = def.line;
      out.set(lineKey(path, line.number), {
        path,
        lineNumber: line.number,
        span: { start: line.start, end: line.start + line.content.length },
      });
    }
  }
  return out;
}

/**
 * Reachability findings (shadowed, redundant and disabled rules with witnesses, rules Proxmox
 * skips when compiling, lockout risks) for a whole cluster: every node of the model is compiled
 * with its own host.fw and guests; a finding on a shared line (cluster.fw, groups) stands only
 * when it holds on every node.
 */
export function checkReachability(
  model: ClusterModel,
  options: ReachabilityOptions = {},
  memo?: ReachabilityMemo,
): Map<string, Finding[]> {
  return runToEnd(checkReachabilitySteps(model, options, memo));
}

/** checkReachability for an editor: works in time slices and stops when cancelled. */
export function checkReachabilityAsync(
  model: ClusterModel,
  slices: SliceOptions,
  options: ReachabilityOptions = {},
  memo?: ReachabilityMemo,
): Promise<Map<string, Finding[]>> {
  return runSliced(checkReachabilitySteps(model, options, memo), slices);
}

function inputFiles(input: CompileInput): SourcedConfig[] {
  return [
    ...(input.cluster ? [input.cluster] : []),
    ...(input.host ? [input.host] : []),
    ...(input.guests?.values() ?? []),
  ];
}

function* checkReachabilitySteps(
  model: ClusterModel,
  options: ReachabilityOptions,
  memo: ReachabilityMemo | undefined,
): Steps<Map<string, Finding[]>> {
  const cluster = model.cluster;
  if (!cluster) return new Map<string, Finding[]>();
  const overlapHints = options.overlapHints === true;
  const topologyKnown = model.topologySource.kind === 'file';
  const perNode: Map<string, Finding[]>[] = [];
  // Nodes on proxmox-firewall build other tables (nft-reachability.ts), with their own findings.
  const backends: BackendFindings[] = [];
  const remedy = remedies(model);
  for (const node of model.nodes) {
    yield;
    if (node.backend === 'proxmox-firewall') {
      const findings = yield* nftNodeFindings(model, node);
      backends.push({ node: node.name, backend: node.backend, findings });
      continue;
    }
    const input = compileInputFor(model, node.name);
    const report = yield* analyseReachabilitySteps(input, {
      overlaps: overlapHints,
      // What follows the host rules (management, corosync) depends on the node's network.
      hostTailKnown:
        topologyKnown &&
        (node.localNetwork !== undefined || cluster.load.config.aliases.has('local_network')),
      ...(memo ? { memo: memo.node(node.name) } : {}),
    });
    const findings = yield* nodeFindings(
      report,
      disabledOrigins(inputFiles(input)),
      model.sdnIpSets !== undefined,
      overlapHints,
      remedy,
    );
    perNode.push(findings);
    backends.push({ node: node.name, backend: node.backend, findings });
  }
  memo?.keepOnly(new Set(model.nodes.map((n) => n.name)));
  const merged = backends.some((b) => b.backend === 'proxmox-firewall')
    ? mergeBackends(backends, model, mergeNodes)
    : mergeNodes(perNode, cluster.path);
  yield;
  for (const [path, list] of clusterWideFindings(model))
    merged.set(path, [...(merged.get(path) ?? []), ...list]);
  return topologyKnown ? merged : withAssumption(merged);
}

/** Findings that claim what packets do, which rest on the assumed topology. */
const CLAIMS = new Set([
  'shadowed-rule',
  'redundant-rule',
  'rule-overlap',
  'lockout-risk',
  'disabled-rule',
]);

// What is assumed is in docs/topology.md; the message only says that something is.
const ASSUMPTION = ' (topology assumed: no topology.json)';

function withAssumption(findings: Map<string, Finding[]>): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const [path, list] of findings)
    out.set(
      path,
      list.map((f) =>
        CLAIMS.has(f.code) && f.message !== PLAIN_DISABLED
          ? { ...f, message: f.message + ASSUMPTION }
          : f,
      ),
    );
  return out;
}

/** cluster.fw findings stand only where every node agrees; other files belong to one node. */
function mergeNodes(
  perNode: Map<string, Finding[]>[],
  clusterPath: string,
): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const node of perNode) {
    for (const [path, findings] of node) {
      if (path !== clusterPath) out.set(path, [...(out.get(path) ?? []), ...findings]);
    }
  }
  const first = perNode[0]?.get(clusterPath) ?? [];
  const slot = (f: Finding): string => `${f.code} ${f.span.start}`;
  // Per node, the messages found at each code and place.
  const byNode = perNode.map((node) => {
    const at = new Map<string, Set<string>>();
    for (const g of node.get(clusterPath) ?? []) {
      const messages = at.get(slot(g));
      if (messages) messages.add(g.message);
      else at.set(slot(g), new Set([g.message]));
    }
    return at;
  });
  const agreed: Finding[] = [];
  for (const f of first) {
    if (!byNode.every((at) => at.has(slot(f)))) continue;
    const identical = byNode.every((at) => at.get(slot(f))!.has(f.message));
    // A disabled rule dead on one node but not on another is just disabled.
    agreed.push(
      identical || f.code !== 'disabled-rule' ? f : { ...f, message: PLAIN_DISABLED, related: [] },
    );
  }
  if (agreed.length > 0) out.set(clusterPath, agreed);
  return out;
}
