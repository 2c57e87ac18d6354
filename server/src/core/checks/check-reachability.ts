import {
  analyseReachabilitySteps,
  NodeMemo,
  type Blocker,
  type DeadRule,
  type Overlap,
  type ReachabilityReport,
  type RemovableRule,
} from '../analysis';
import type { EnablingImpact } from '../analysis';
import { findLockouts, type Lockout } from '../analysis';
import { runSliced, runToEnd, type SliceOptions, type Steps } from '../steps';
import { lineKey } from '../analysis';
import { compileInputFor } from '../compile';
import type { CompileInput, RuleOrigin, SkippedRule, SourcedConfig } from '../compile';
import { modelFiles, type ClusterModel } from '../model';
import { isSdnSetName } from '../model';
import { clusterWideFindings } from './cluster-findings';
import { mergeBackends, nftNodeFindings, type BackendFindings } from './nft-reachability';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../findings';
import { referenceRemedy } from './reference-remedy';
import type { Finding, RelatedLocation } from '../findings';

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

function where(origin: RuleOrigin | undefined, builtin: string | undefined): string {
  // The base name; as split('/').pop(), without building an array per finding.
  if (origin)
    return `${origin.path.slice(origin.path.lastIndexOf('/') + 1)} line ${origin.lineNumber}`;
  return `Proxmox's built-in rule (${builtin ?? 'built-in'})`;
}

/** The rules that take the packets, each named once (a built-in rule sits in every NIC's chain). */
function takerNames(blockers: readonly Blocker[]): string[] {
  return [...new Set(blockers.map((b) => where(b.origin, b.builtin)))];
}

function related(blockers: readonly Blocker[], message: string): RelatedLocation[] {
  return blockers
    .filter((b): b is Blocker & { origin: RuleOrigin } => b.origin !== undefined)
    .map((b) => ({ path: b.origin.path, span: b.origin.span, message }));
}

export function deadFinding(dead: DeadRule): Finding {
  const takers = takerNames(dead.blockers).join(', ');
  const verb = (v: string): string =>
    ({ ACCEPT: 'accepted', DROP: 'dropped', REJECT: 'rejected' })[v] ?? v;
  const witness = `for example ${dead.witness.packet} is ${verb(dead.witness.verdict)} by ${where(dead.witness.takenBy.origin, dead.witness.takenBy.builtin)}`;
  if (dead.disabled) {
    return finding(
      'disabled-rule',
      dead.origin,
      `disabled rule; if enabled it could never match: every packet it matches is taken earlier by ${takers} (${witness})`,
      related(dead.blockers, 'takes its packets first'),
    );
  }
  const code = dead.kind === 'shadowed' ? 'shadowed-rule' : 'redundant-rule';
  const what =
    dead.kind === 'shadowed'
      ? `this ${dead.ownVerdict} rule can never match: earlier rules decide all its packets, some differently — ${witness} instead of ${verb(dead.ownVerdict)} here`
      : `this rule can never match and removing it changes nothing: earlier rules already ${dead.ownVerdict === 'ACCEPT' ? 'accept' : dead.ownVerdict === 'DROP' ? 'drop' : 'reject'} all its packets (${witness})`;
  return finding(
    code,
    dead.origin,
    `${what}; taken by ${takers}`,
    related(dead.blockers, 'takes its packets first'),
  );
}

function finding(
  code: DiagnosticCode,
  origin: RuleOrigin,
  message: string,
  rel: RelatedLocation[] = [],
): Finding {
  return {
    code,
    severity: DIAGNOSTIC_CODES[code].severity,
    message,
    span: origin.span,
    proxmox: null,
    related: rel,
  };
}

export function removableFinding(r: RemovableRule): Finding {
  const verb = { ACCEPT: 'accepted', DROP: 'dropped', REJECT: 'rejected' }[r.ownVerdict];
  const named = takerNames(r.takers);
  const takers = named.join(', ');
  const by =
    named.length > 1 ? ` by ${where(r.witness.takenBy.origin, r.witness.takenBy.builtin)}` : '';
  return finding(
    'redundant-rule',
    r.origin,
    `removing this rule changes nothing: every packet it takes would be ${verb} anyway by ${takers} (for example ${r.witness.packet}${by})`,
    related(r.takers, `would take its packets if it were removed`),
  );
}

/** What was meant by a name the compiler did not find (see reference-remedy.ts). */
export type RemedyLookup = (origin: RuleOrigin, message: string) => string | undefined;

function skippedFinding(s: SkippedRule & { origin: RuleOrigin }, remedy: RemedyLookup): Finding {
  const meant = remedy(s.origin, s.message);
  const scope = s.origin.group
    ? ' Rules in a [group] see only cluster-level ipsets and aliases.'
    : meant
      ? ` ${meant[0]!.toUpperCase()}${meant.slice(1)}.`
      : /no such (ipset|alias)/.test(s.message)
        ? ' Scope prefixes (dc/, guest/, sdn/) restrict where Proxmox looks when it compiles.'
        : '';
  return finding(
    'skipped-by-proxmox',
    s.origin,
    `${s.message} (at compile time) — Proxmox accepts this rule but silently never applies it.${scope}`,
  );
}

/** The remedies for compile-time name failures, from the files of the model. */
function remedies(model: ClusterModel): RemedyLookup {
  const files = new Map(modelFiles(model).map((f) => [f.path, f]));
  const clusterConfig = model.cluster?.load.config;
  return (origin, message) => {
    const named = /^no such (ipset|alias) '(.*)'$/.exec(message);
    const file = files.get(origin.path);
    if (!named || !file) return undefined;
    const config = file.load.config;
    const rules = [...config.rules, ...[...config.groups.values()].flatMap((g) => g.rules)];
    const def = rules.find((r) => r.line.line.number === origin.lineNumber);
    const kind = named[1] as 'ipset' | 'alias';
    for (const option of [def?.line.rule.options.source, def?.line.rule.options.dest]) {
      const text = option?.value.text;
      if (!text || text.replace(/^\+?(dc\/|guest\/|sdn\/)?/, '') !== named[2]) continue;
      const remedy = referenceRemedy(kind, text, {
        own: file.kind === 'cluster' || file.kind === 'guest' ? config : undefined,
        cluster: clusterConfig,
      });
      if (remedy) return remedy.hint;
    }
    return undefined;
  };
}

function overlapFinding(o: Overlap): Finding {
  const verb =
    o.earlierVerdict === 'ACCEPT' ? 'accepts' : o.earlierVerdict === 'DROP' ? 'drops' : 'rejects';
  const what =
    o.kind === 'generalization'
      ? `this ${o.ownVerdict} rule is more general than ${where(o.earlier, undefined)}, which ${verb} part of its packets first (an exception, if that is what you meant)`
      : `this ${o.ownVerdict} rule partly overlaps ${where(o.earlier, undefined)}, which ${verb} the shared packets first`;
  return finding('rule-overlap', o.origin, `${what} — e.g. ${o.witness}`, [
    { path: o.earlier.path, span: o.earlier.span, message: `${o.earlierVerdict} rule it overlaps` },
  ]);
}

function lockoutFinding(l: Lockout): Finding {
  const who = l.fromManagement
    ? 'addresses in the management ipset'
    : 'every address, so also from the local network the allowances are for (not known here: no local network in topology.json)';
  return finding(
    'lockout-risk',
    l.origin,
    `this rule ${l.verdict === 'DROP' ? 'drops' : 'rejects'} TCP port ${l.port} (${l.port === 8006 ? 'web UI and API' : 'SSH'}) from ${who} before Proxmox's management allowances apply — e.g. ${l.witness}`,
  );
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

export const PLAIN_DISABLED = 'disabled rule: Proxmox keeps it but never applies it';

const VERBED: Record<string, string> = { ACCEPT: 'accepted', DROP: 'dropped', REJECT: 'rejected' };

/**
 * A disabled rule that packets would reach, and what enabling it would do: the staging trap of
 * the guides (a catch-all DROP created disabled lands first in its chain) said before the '|'
 * goes.
 */
function disabledFinding(origin: RuleOrigin, impact: EnablingImpact | undefined): Finding {
  if (!impact) return finding('disabled-rule', origin, PLAIN_DISABLED);
  const { change, silenced, own } = impact;
  const effect = change
    ? `enabling it would change verdicts: for example ${change.packet}, ${VERBED[change.now] ?? change.now} now by ${where(change.by.origin, change.by.builtin)}, would be ${VERBED[own] ?? own} here`
    : `enabling it would change no verdict: the rules after it decide its packets the same way`;
  const dead =
    silenced.length > 0
      ? `, and ${silenced.map((o) => where(o, undefined)).join(', ')} could then never match`
      : '';
  return finding(
    'disabled-rule',
    origin,
    `${PLAIN_DISABLED}; ${effect}${dead}`,
    silenced.map((o) => ({
      path: o.path,
      span: o.span,
      message: 'could never match if the disabled rule were enabled',
    })),
  );
}

/** A compile failure for a name only the SDN configuration could define. */
function missingSdnSet(message: string): boolean {
  const name = /^no such ipset '(.*)'$/.exec(message)?.[1];
  return name !== undefined && isSdnSetName(name);
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
