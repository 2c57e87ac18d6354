import {
  analyseReachabilitySteps,
  NodeMemo,
  type Blocker,
  type DeadRule,
  type Overlap,
  type ReachabilityReport,
  type RemovableRule,
} from '../analysis/analyse';
import { findLockouts, type Lockout } from '../analysis/lockout';
import { runSliced, runToEnd, type SliceOptions, type Steps } from '../analysis/steps';
import { defaultTopology, lineKey } from '../analysis/what-if';
import type { RuleOrigin, SkippedRule, SourcedConfig } from '../compile/types';
import { isSdnSetName, loadFwConfig } from '../model/load-config';
import type { FileKind } from '../model/file-kind';
import type { Topology } from '../model/topology';
import { parseFwSyntax } from '../syntax/parse-file';
import type { SourceFile } from './check-file';
import { DIAGNOSTIC_CODES } from './codes';
import type { Finding, RelatedLocation } from './finding';

export interface ReachabilityFiles {
  readonly cluster: SourceFile;
  /** host.fw files by node name. */
  readonly hosts: readonly { readonly node: string; readonly file: SourceFile }[];
  readonly guests: readonly { readonly vmid: number; readonly file: SourceFile }[];
  /** Nodes, guests and NICs; without it every guest sits on one node with the NICs its rules name. */
  readonly topology?: Topology;
  readonly sdnIpSets?: readonly string[];
  /** Also report partial overlaps with another verdict (rule-overlap hints); off by default. */
  readonly overlapHints?: boolean;
}

interface LoadedFile {
  readonly text: string;
  readonly cluster: SourcedConfig | undefined;
  readonly sdnKey: string | undefined;
  readonly loaded: SourcedConfig;
}

/**
 * What one analysis of a cluster keeps for the next: the files as loaded and, per node, the
 * analysis's own memo (see NodeMemo). An editor keeps one per cluster, so that re-analysing
 * after a one-line edit redoes only what the edit can change. Results never depend on it.
 */
export class ReachabilityMemo {
  private files = new Map<string, LoadedFile>();
  private used = new Map<string, LoadedFile>();
  readonly nodes = new Map<string, NodeMemo>();

  load(
    file: SourceFile,
    kind: FileKind,
    cluster: SourcedConfig | undefined,
    sdn: ReadonlySet<string> | undefined,
  ): SourcedConfig {
    const key = `${kind} ${file.path}`;
    const sdnKey = sdn ? [...sdn].join(' ') : undefined;
    const known = this.files.get(key);
    const loaded =
      known && known.text === file.text && known.cluster === cluster && known.sdnKey === sdnKey
        ? known.loaded
        : load(file, kind, cluster, sdn);
    this.used.set(key, { text: file.text, cluster, sdnKey, loaded });
    return loaded;
  }

  /** Forgets the files the last analysis did not read. */
  settle(): void {
    this.files = this.used;
    this.used = new Map();
  }

  node(name: string): NodeMemo {
    let memo = this.nodes.get(name);
    if (!memo) {
      memo = new NodeMemo();
      this.nodes.set(name, memo);
    }
    return memo;
  }
}

function load(
  file: SourceFile,
  kind: FileKind,
  cluster: SourcedConfig | undefined,
  sdn: ReadonlySet<string> | undefined,
): SourcedConfig {
  const tree = parseFwSyntax(file.text, kind);
  const config = loadFwConfig(tree, kind, {
    ...(cluster ? { cluster: cluster.config } : {}),
    ...(sdn ? { sdnIpSets: sdn } : {}),
  }).config;
  return { path: file.path, config };
}

function where(origin: RuleOrigin | undefined, builtin: string | undefined): string {
  if (origin) return `${origin.path.split('/').pop()} line ${origin.lineNumber}`;
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

function deadFinding(dead: DeadRule): Finding {
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
  code: string,
  origin: RuleOrigin,
  message: string,
  rel: RelatedLocation[] = [],
): Finding {
  return {
    code,
    severity: DIAGNOSTIC_CODES[code]?.severity ?? 'warning',
    message,
    span: origin.span,
    proxmox: null,
    related: rel,
  };
}

function removableFinding(r: RemovableRule): Finding {
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

function skippedFinding(s: SkippedRule & { origin: RuleOrigin }): Finding {
  const scope = s.origin.group
    ? ' Rules in a [group] see only cluster-level ipsets and aliases.'
    : /no such (ipset|alias)/.test(s.message)
      ? ' Scope prefixes (dc/, guest/, sdn/) restrict where Proxmox looks when it compiles.'
      : '';
  return finding(
    'skipped-by-proxmox',
    s.origin,
    `${s.message} (at compile time) — Proxmox accepts this rule but silently never applies it.${scope}`,
  );
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
  const who = l.fromManagement ? 'addresses in the management ipset' : 'every address';
  return finding(
    'lockout-risk',
    l.origin,
    `this rule ${l.verdict === 'DROP' ? 'drops' : 'rejects'} TCP port ${l.port} (${l.port === 8006 ? 'web UI and API' : 'SSH'}) from ${who} before Proxmox's management allowances apply — e.g. ${l.witness}`,
  );
}

/** The findings of one node's analysis, by file path. */
function nodeFindings(
  report: ReachabilityReport,
  disabledLines: ReadonlyMap<string, RuleOrigin>,
  sdnKnown: boolean,
  overlapHints: boolean,
): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const push = (f: Finding, path: string): void => {
    const list = out.get(path);
    if (list) list.push(f);
    else out.set(path, [f]);
  };
  for (const d of report.dead) push(deadFinding(d), d.origin.path);
  for (const r of report.removable) push(removableFinding(r), r.origin.path);
  const deadLines = new Set(report.dead.map((d) => lineKey(d.origin.path, d.origin.lineNumber)));
  for (const [key, origin] of disabledLines) {
    if (report.liveIfEnabled.has(key) || !deadLines.has(key)) {
      push(finding('disabled-rule', origin, PLAIN_DISABLED), origin.path);
    }
  }
  const seen = new Set<string>();
  for (const s of report.skipped) {
    if (!s.origin || (!sdnKnown && missingSdnSet(s.message))) continue;
    const key = `${lineKey(s.origin.path, s.origin.lineNumber)} ${s.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    push(skippedFinding(s as SkippedRule & { origin: RuleOrigin }), s.origin.path);
  }
  if (overlapHints) for (const o of report.overlaps) push(overlapFinding(o), o.origin.path);
  const locked = new Set<string>();
  for (const model of report.families) {
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

const PLAIN_DISABLED = 'disabled rule: Proxmox keeps it but never applies it';

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
 * skips when compiling, lockout risks) for a whole cluster: every node is compiled with its own
 * host.fw and guests; a finding on a shared line (cluster.fw, groups) stands only when it holds
 * on every node.
 */
export function checkReachability(
  files: ReachabilityFiles,
  memo?: ReachabilityMemo,
): Map<string, Finding[]> {
  return runToEnd(checkReachabilitySteps(files, memo));
}

/** checkReachability for an editor: works in time slices and stops when cancelled. */
export function checkReachabilityAsync(
  files: ReachabilityFiles,
  options: SliceOptions,
  memo?: ReachabilityMemo,
): Promise<Map<string, Finding[]>> {
  return runSliced(checkReachabilitySteps(files, memo), options);
}

function* checkReachabilitySteps(
  files: ReachabilityFiles,
  memo: ReachabilityMemo | undefined,
): Steps<Map<string, Finding[]>> {
  const sdn = files.sdnIpSets ? new Set(files.sdnIpSets) : undefined;
  const read = (
    file: SourceFile,
    kind: FileKind,
    cluster: SourcedConfig | undefined,
  ): SourcedConfig => (memo ? memo.load(file, kind, cluster, sdn) : load(file, kind, cluster, sdn));
  // A pause before each file, so an editor stays responsive while a big workspace loads.
  yield;
  const cluster = read(files.cluster, 'cluster', undefined);
  const guests = new Map<number, SourcedConfig>();
  for (const g of files.guests) {
    yield;
    guests.set(g.vmid, read(g.file, 'guest', cluster));
  }
  const hosts: { node: string; config: SourcedConfig }[] = [];
  for (const h of files.hosts) {
    yield;
    hosts.push({ node: h.node, config: read(h.file, 'host', cluster) });
  }
  memo?.settle();
  const topology = files.topology ?? {
    ...defaultTopology(guests),
    ...(hosts[0] ? { localNode: hosts[0].node } : {}),
  };
  const guestsOn = (node: string): Map<number, SourcedConfig> => {
    const here = files.topology
      ? new Set(topology.guests.filter((g) => g.node === node).map((g) => g.vmid))
      : undefined;
    return new Map(
      [...guests].filter(([vmid]) => (here ? here.has(vmid) : node === topology.localNode)),
    );
  };
  const nodes = hosts.length > 0 ? hosts.map((h) => h.node) : [topology.localNode];
  const perNode: Map<string, Finding[]>[] = [];
  for (const node of nodes) {
    const host = hosts.find((h) => h.node === node)?.config;
    const nodeGuests = guestsOn(node);
    // Without a topology, the node's guests sit on that node (named after its host.fw folder).
    const fixedGuests = files.topology ? topology : defaultTopology(nodeGuests, node);
    const report = yield* analyseReachabilitySteps(
      {
        cluster,
        ...(host ? { host } : {}),
        guests: nodeGuests,
        topology: { ...fixedGuests, localNode: node },
      },
      {
        overlaps: files.overlapHints === true,
        hostTailKnown:
          files.topology !== undefined &&
          (files.topology.localNetwork !== undefined ||
            cluster.config.aliases.has('local_network')),
        ...(memo ? { memo: memo.node(node) } : {}),
      },
    );
    const sources = [cluster, ...(host ? [host] : []), ...nodeGuests.values()];
    perNode.push(
      nodeFindings(
        report,
        disabledOrigins(sources),
        sdn !== undefined,
        files.overlapHints === true,
      ),
    );
  }
  return mergeNodes(perNode, cluster.path);
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
