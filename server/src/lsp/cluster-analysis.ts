// Reachability findings (shadowed, redundant and disabled rules, rules Proxmox skips when
// compiling, lock-out risks) for the editor. They need a whole cluster — the cluster model every
// door asks, built from the files the snapshot cache has already loaded — so one analysis runs
// per cluster, in the background, in time slices, and is dropped as soon as any of its files
// (or its topology.json) changes again.
import {
  AnalysisCancelled,
  checkReachabilityAsync,
  ReachabilityMemo,
  buildClusterModel,
  type ClusterModel,
  type Finding,
  type HoverSectionProvider,
} from '../core/index';
import { checkBackends } from '../core/checks';
import { nftIpsetHover, nftLineHover, nftLinesOf, type NftLines } from '../core/nftables';
import type { FirewallBackend } from '../core/model';
import { Carry } from './carry-findings';
import { workspaceClusterSources } from './workspace-cluster-sources';
import type { ClusterKeys, WorkspaceClusters } from './clusters';
import type { Logger } from './guard';
import type { WorkspaceSnapshots } from './snapshot';
import { corePathOf } from './uris';
import type { FileKey } from './uris';
import type { WorkspaceState } from './workspace-state';

/** How long a cluster's files must stay unchanged before it is analysed again. */
const QUIET_MS = 250;

function signature(findings: readonly Finding[]): string {
  return JSON.stringify(
    findings.map((f) => [f.code, f.span.start, f.span.end, f.message, f.related.length]),
  );
}

interface GroupResult {
  readonly fingerprint: string;
  /** Findings by file key. */
  readonly findings: ReadonlyMap<FileKey, Finding[]>;
  /** The texts they were computed from (by core path), to carry them over an edit. */
  readonly texts: ReadonlyMap<string, string>;
  /** What the nodes on proxmox-firewall make of each line, by core path. */
  readonly nft: NftLines;
  /** The nodes that run proxmox-firewall. */
  readonly nftNodes: readonly string[];
}

interface Group extends ClusterKeys {
  readonly fingerprint: string;
}

/** What a topology.json that cannot be used does to the analysis: said on cluster.fw. */
function topologyProblem(path: string, reason: string): Finding {
  return {
    code: 'invalid-topology',
    severity: 'warning',
    message: `${path} cannot be used (${reason}): the analysis assumes the topology instead`,
    span: { start: 0, end: 0 },
    proxmox: null,
    related: [],
  };
}

export class ReachabilityService {
  private readonly results = new Map<FileKey, GroupResult>();
  private readonly running = new Map<FileKey, string>();
  private readonly pending = new Map<FileKey, NodeJS.Timeout>();
  /** Per cluster, what the last analysis leaves for the next: after an edit only what it can change is redone. */
  private readonly memos = new Map<FileKey, ReachabilityMemo>();
  /**
   * What findings() last answered per file, so only real changes cause a new publish: compared
   * when an analysis ends, not written down at every pull (8,000 findings after each keystroke).
   */
  private readonly served = new Map<FileKey, readonly Finding[]>();
  /** The carry of a result over the edits since, made once per result and state of the texts. */
  private carryCache: { result: GroupResult; now: string; carry: Carry } | undefined;

  constructor(
    private readonly state: WorkspaceState,
    private readonly clusters: WorkspaceClusters,
    private readonly snapshots: WorkspaceSnapshots,
    private readonly log: Logger,
    /** Called with the files whose reachability findings just changed. */
    private readonly onUpdated: (keys: readonly FileKey[]) => void,
    private readonly options: {
      readonly overlapHints: () => boolean;
      readonly backend?: () => FirewallBackend;
    } = {
      overlapHints: () => false,
    },
  ) {}

  /** Re-analyses a cluster as soon as one of its files changes, open or on disk. */
  listen(): void {
    this.state.onDidChange(() => {
      for (const cluster of [...this.results.keys()]) {
        const group = this.groupOf(cluster);
        // A cluster.fw that is gone (deleted, closed and not on disk): forget what it left.
        if (!group) this.forget(cluster);
        else if (this.results.get(cluster)?.fingerprint !== group.fingerprint) this.start(group);
      }
    });
  }

  /** The current findings for a file; while its cluster is analysed again, the last ones carried. */
  findings(key: FileKey): Finding[] {
    const cluster = this.clusters.clusterOf(key);
    const group = cluster === undefined ? undefined : this.groupOf(cluster);
    if (!group) return [];
    const result = this.results.get(group.cluster);
    if (result?.fingerprint === group.fingerprint)
      return this.serve(key, result.findings.get(key) ?? []);
    this.start(group);
    if (!result) return this.serve(key, []);
    return this.serve(
      key,
      this.carryOf(result, group).findings(result.findings.get(key) ?? [], corePathOf(key)),
    );
  }

  /** How many clusters have a memo held: each keeps every rule's walks between analyses. */
  memoCount(): number {
    return this.memos.size;
  }

  /** Hover on a rule: what the analysis says about it (dead, skipped, lock-out). */
  readonly hoverProvider: HoverSectionProvider = (_ws, file, target) => {
    const cluster = this.clusters.clusterOf(file.id);
    const group = cluster === undefined ? undefined : this.groupOf(cluster);
    const result = group && this.results.get(group.cluster);
    if (!result || result.fingerprint !== group.fingerprint) return undefined;
    if (target.kind === 'name' && target.target.kind === 'ipset')
      return nftIpsetHover(
        target.target.key,
        target.target.file.kind === 'cluster',
        result.nftNodes,
      );
    if (target.kind !== 'rule') return undefined;
    const start = target.line.line.start;
    const end = start + target.line.line.content.length;
    const here = (result.findings.get(file.id) ?? []).filter(
      (f) => f.span.start >= start && f.span.start <= end,
    );
    const nft = result.nft.get(corePathOf(file.id))?.get(target.line.line.number);
    return [
      ...here.map((f) => `**Reachability** (\`${f.code}\`): ${f.message}`),
      ...(nft ? nftLineHover(nft) : []),
    ];
  };

  private carryOf(result: GroupResult, group: Group): Carry {
    if (this.carryCache?.result === result && this.carryCache.now === group.fingerprint)
      return this.carryCache.carry;
    const now = new Map<string, string>();
    for (const key of [group.cluster, ...group.members]) {
      const text = this.state.snapshot(key)?.text;
      if (text !== undefined) now.set(corePathOf(key), text);
    }
    const carry = new Carry(result.texts, now);
    this.carryCache = { result, now: group.fingerprint, carry };
    return carry;
  }

  private forget(cluster: FileKey): void {
    this.memos.delete(cluster);
    this.results.delete(cluster);
  }

  private serve(key: FileKey, findings: Finding[]): Finding[] {
    this.served.set(key, findings);
    return findings;
  }

  private groupOf(cluster: FileKey): Group | undefined {
    const keys = this.clusters.groupOf(cluster);
    if (!keys || keys.cluster !== cluster) return undefined;
    const files = [keys.cluster, ...keys.members];
    if (keys.topology) files.push(keys.topology);
    const parts = files.map((k) => `${k}@${this.state.revisionOf(k)}`);
    return {
      ...keys,
      fingerprint: `${parts.join('|')}|overlap=${this.options.overlapHints()}|backend=${this.backend()}`,
    };
  }

  private start(group: Group): void {
    if (this.running.get(group.cluster) === group.fingerprint) return;
    this.running.set(group.cluster, group.fingerprint);
    // Compiling a big cluster holds the thread for a moment: wait until typing pauses, so the
    // per-file diagnostics of each keystroke are never queued behind it.
    clearTimeout(this.pending.get(group.cluster));
    this.pending.set(
      group.cluster,
      setTimeout(() => {
        this.pending.delete(group.cluster);
        // Files may have come and gone meanwhile (a workspace scan): analyse what is there now.
        const current = this.groupOf(group.cluster);
        if (!current) {
          this.running.delete(group.cluster);
          this.forget(group.cluster);
          return;
        }
        this.running.set(group.cluster, current.fingerprint);
        this.run(current);
      }, QUIET_MS),
    );
  }

  /** The cluster model of a group, its files served from the snapshot cache (never parsed again). */
  private modelOf(group: Group): { model: ClusterModel; problem?: Finding } | undefined {
    const found = workspaceClusterSources(this.state, group);
    if (!found) return undefined;
    const model = buildClusterModel(
      { ...found.sources, defaultBackend: this.backend() },
      this.snapshots.loader(found.keyOf),
    );
    const problem = found.topologyProblem;
    return {
      model,
      ...(problem ? { problem: topologyProblem(problem.file, problem.reason) } : {}),
    };
  }

  private backend(): FirewallBackend {
    return this.options.backend?.() ?? 'pve-firewall';
  }

  private run(group: Group): void {
    const built = this.modelOf(group);
    if (!built) return;
    const texts = new Map<string, string>();
    for (const key of [group.cluster, ...group.members])
      texts.set(corePathOf(key), this.state.snapshot(key)?.text ?? '');
    const stale = (): boolean => this.groupOf(group.cluster)?.fingerprint !== group.fingerprint;
    let memo = this.memos.get(group.cluster);
    if (!memo) {
      memo = new ReachabilityMemo();
      this.memos.set(group.cluster, memo);
    }
    checkReachabilityAsync(
      built.model,
      {
        yieldNow: () => new Promise<void>((resolve) => setImmediate(resolve)),
        isCancelled: stale,
      },
      { overlapHints: this.options.overlapHints() },
      memo,
    ).then(
      (found) => {
        if (this.running.get(group.cluster) === group.fingerprint)
          this.running.delete(group.cluster);
        const keyOf = new Map(
          [group.cluster, ...group.members].map((k): [string, FileKey] => [corePathOf(k), k]),
        );
        const findings = new Map<FileKey, Finding[]>();
        for (const [path, list] of found) {
          const key = keyOf.get(path);
          if (key) findings.set(key, list);
        }
        // What proxmox-firewall does with each file, for the nodes on nftables.
        for (const [path, list] of checkBackends(built.model)) {
          const key = keyOf.get(path);
          if (key) findings.set(key, [...(findings.get(key) ?? []), ...list]);
        }
        if (built.problem)
          findings.set(group.cluster, [built.problem, ...(findings.get(group.cluster) ?? [])]);
        this.results.set(group.cluster, {
          fingerprint: group.fingerprint,
          findings,
          texts,
          nft: nftLinesOf(built.model),
          nftNodes: built.model.nodes
            .filter((n) => n.backend === 'proxmox-firewall')
            .map((n) => n.name),
        });
        const changed = [group.cluster, ...group.members].filter(
          (key) =>
            this.served.has(key) &&
            signature(this.served.get(key)!) !== signature(findings.get(key) ?? []),
        );
        if (changed.length > 0) this.onUpdated(changed);
      },
      (error: unknown) => {
        if (this.running.get(group.cluster) === group.fingerprint)
          this.running.delete(group.cluster);
        if (!(error instanceof AnalysisCancelled)) {
          // Start the next analysis from nothing rather than from what a failed one left.
          this.memos.delete(group.cluster);
          this.log.error(`pvefw: reachability analysis failed: ${String(error)}`);
        }
      },
    );
  }
}
