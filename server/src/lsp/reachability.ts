// Reachability findings (shadowed, redundant and disabled rules, rules Proxmox skips when
// compiling, lock-out risks) for the editor. They need a whole cluster — cluster.fw, the host
// files and the guests that resolve to it — so one analysis runs per cluster, in the
// background, in time slices, and is dropped as soon as any of its files changes again.
import { basename, dirname } from 'node:path';
import {
  AnalysisCancelled,
  checkReachabilityAsync,
  fileStem,
  ReachabilityMemo,
  type Finding,
  type ClusterModel,
  type HoverSectionProvider,
  buildClusterModel,
} from '../core/index';
import type { Logger } from './guard';
import { clusterCandidateKeys, corePathOf, fileKindOf } from './uris';
import type { FileKey } from './uris';
import type { WorkspaceState } from './workspace-state';

/** How long a cluster's files must stay unchanged before it is analysed again. */
const QUIET_MS = 250;

function signature(findings: readonly Finding[]): string {
  return JSON.stringify(findings.map((f) => [f.code, f.span.start, f.span.end, f.message]));
}

interface GroupResult {
  readonly fingerprint: string;
  /** Findings by file key. */
  readonly findings: ReadonlyMap<FileKey, Finding[]>;
  /** The texts they were computed from, to carry them over an edit until the next result. */
  readonly texts: ReadonlyMap<FileKey, string>;
}

/**
 * Last findings moved over an edit: the edit is the span between the texts' common prefix and
 * suffix; findings after it shift, findings touching it are dropped until the fresh result.
 */
function carried(findings: readonly Finding[], before: string, after: string): Finding[] {
  if (before === after) return [...findings];
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  )
    suffix++;
  const editEnd = before.length - suffix;
  const delta = after.length - before.length;
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.span.end <= prefix) out.push(f);
    else if (f.span.start >= editEnd) {
      out.push({
        ...f,
        span: { start: f.span.start + delta, end: f.span.end + delta },
        related: [],
      });
    }
  }
  return out;
}

interface Group {
  readonly cluster: FileKey;
  readonly members: FileKey[];
  readonly fingerprint: string;
}

export class ReachabilityService {
  private readonly results = new Map<FileKey, GroupResult>();
  private readonly running = new Map<FileKey, string>();
  private readonly pending = new Map<FileKey, NodeJS.Timeout>();
  /** Per cluster, what the last analysis leaves for the next: after an edit only what it can change is redone. */
  private readonly memos = new Map<FileKey, ReachabilityMemo>();
  /** What findings() last answered per file, so only real changes cause a new publish. */
  private readonly served = new Map<FileKey, string>();

  constructor(
    private readonly state: WorkspaceState,
    private readonly log: Logger,
    /** Called with the files whose reachability findings just changed. */
    private readonly onUpdated: (keys: readonly FileKey[]) => void,
    private readonly options: { readonly overlapHints: () => boolean } = {
      overlapHints: () => false,
    },
  ) {}

  /** Re-analyses a cluster as soon as one of its files changes, open or on disk. */
  listen(): void {
    this.state.onDidChange((changes) => {
      const clusters = new Set<FileKey>();
      for (const change of changes) {
        // A cluster.fw that is gone (deleted, closed and not on disk): forget what it left.
        if (fileKindOf(change.key) === 'cluster' && !this.state.snapshot(change.key))
          this.forget(change.key);
        const cluster = this.clusterOf(change.key);
        // Only clusters somebody asked about; the others wait until a file of theirs is shown.
        if (cluster && this.results.has(cluster)) clusters.add(cluster);
      }
      for (const cluster of clusters) {
        const group = this.groupOf(cluster);
        if (group && this.results.get(cluster)?.fingerprint !== group.fingerprint)
          this.start(group);
      }
    });
  }

  /** The current findings for a file, or none while its cluster's analysis is under way. */
  findings(key: FileKey): Finding[] {
    const group = this.groupOf(key);
    if (!group) return [];
    const result = this.results.get(group.cluster);
    if (result?.fingerprint === group.fingerprint)
      return this.serve(key, result.findings.get(key) ?? []);
    this.start(group);
    // Until the new analysis is done, show the last one moved over the edit, not nothing.
    const before = result?.texts.get(key);
    const now = this.state.snapshot(key)?.text;
    if (!result || before === undefined || now === undefined) return this.serve(key, []);
    return this.serve(key, carried(result.findings.get(key) ?? [], before, now));
  }

  /** How many clusters have a memo held: each keeps every rule's walks between analyses. */
  memoCount(): number {
    return this.memos.size;
  }

  private forget(cluster: FileKey): void {
    this.memos.delete(cluster);
    this.results.delete(cluster);
  }

  private serve(key: FileKey, findings: Finding[]): Finding[] {
    this.served.set(key, signature(findings));
    return findings;
  }

  /** Hover on a rule: what the analysis says about it (dead, skipped, lock-out). */
  readonly hoverProvider: HoverSectionProvider = (_ws, file, target) => {
    if (target.kind !== 'rule') return undefined;
    const group = this.groupOf(file.id);
    const result = group && this.results.get(group.cluster);
    if (!result || result.fingerprint !== group.fingerprint) return undefined;
    const start = target.line.line.start;
    const end = start + target.line.line.content.length;
    const here = (result.findings.get(file.id) ?? []).filter(
      (f) => f.span.start >= start && f.span.start <= end,
    );
    return here.map((f) => `**Reachability** (\`${f.code}\`): ${f.message}`);
  };

  private clusterOf(key: FileKey): FileKey | undefined {
    const kind = fileKindOf(key);
    if (kind === 'cluster') return key;
    if (kind !== 'host' && kind !== 'guest') return undefined;
    return clusterCandidateKeys(key).find(
      (candidate) => this.state.snapshot(candidate) !== undefined,
    );
  }

  private groupOf(key: FileKey): Group | undefined {
    const cluster = this.clusterOf(key);
    const clusterSnapshot = cluster && this.state.snapshot(cluster);
    if (!cluster || !clusterSnapshot) return undefined;
    const known = new Set([...this.state.openKeys(), ...this.state.diskKeys()]);
    const members = [...known]
      .filter((k) => {
        const kind = fileKindOf(k);
        return (kind === 'host' || kind === 'guest') && this.clusterOf(k) === cluster;
      })
      .sort();
    const parts = [cluster, ...members].map((k) => `${k}@${this.state.revisionOf(k)}`);
    return {
      cluster,
      members,
      fingerprint: `${parts.join('|')}|overlap=${this.options.overlapHints()}`,
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

  private run(group: Group): void {
    const files = this.inputOf(group);
    if (!files) return;
    const byPath = new Map([group.cluster, ...group.members].map((k) => [corePathOf(k), k]));
    const texts = new Map(
      [group.cluster, ...group.members].map((k) => [k, this.state.snapshot(k)?.text ?? '']),
    );
    const stale = (): boolean => this.groupOf(group.cluster)?.fingerprint !== group.fingerprint;
    let memo = this.memos.get(group.cluster);
    if (!memo) {
      memo = new ReachabilityMemo();
      this.memos.set(group.cluster, memo);
    }
    checkReachabilityAsync(
      files,
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
        const findings = new Map<FileKey, Finding[]>();
        for (const [path, list] of found) {
          const key = byPath.get(path);
          if (key) findings.set(key, list);
        }
        this.results.set(group.cluster, { fingerprint: group.fingerprint, findings, texts });
        const changed = [group.cluster, ...group.members].filter(
          (key) =>
            this.served.has(key) && this.served.get(key) !== signature(findings.get(key) ?? []),
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

  private inputOf(group: Group): ClusterModel | undefined {
    const text = (k: FileKey): string | undefined => this.state.snapshot(k)?.text;
    const clusterText = text(group.cluster);
    if (clusterText === undefined) return undefined;
    const hosts: { node: string; file: { path: string; text: string } }[] = [];
    const guests: { vmid: number; file: { path: string; text: string } }[] = [];
    for (const key of group.members) {
      const body = text(key);
      if (body === undefined) continue;
      const path = corePathOf(key);
      if (fileKindOf(key) === 'host')
        hosts.push({ node: basename(dirname(path)) || 'localhost', file: { path, text: body } });
      else if (/^[0-9]+$/.test(fileStem(path)))
        guests.push({ vmid: Number(fileStem(path)), file: { path, text: body } });
    }
    return buildClusterModel({
      cluster: { path: corePathOf(group.cluster), text: clusterText },
      hosts,
      guests,
    });
  }
}
