// Runs the core's checks on one file against the cluster.fw it resolves to, caching the result
// by a fingerprint of the contents it read (own revision + cluster revision + settings); the
// reachability service invalidates a file when its background findings change. The checker
// reads the shared snapshot (snapshot.ts), so nothing is parsed twice.
import { unknownKindFinding } from '../core/index';
import type { FileKind, Finding } from '../core/index';
import { isFwKey, type WorkspaceClusters } from './clusters';
import { fileKindOf } from './uris';
import type { FileKey } from './uris';
import type { FileSnapshot, WorkspaceState } from './workspace-state';

export interface FileAnalysis {
  readonly file: FileSnapshot;
  /** Undefined when the path does not say which kind of firewall file this is. */
  readonly kind: FileKind | undefined;
  /** The cluster.fw the file was checked against, if one was found. */
  readonly cluster: FileSnapshot | undefined;
  /** Equal fingerprints mean equal inputs, hence equal findings. */
  readonly fingerprint: string;
  /** Every finding: `text`, then `analysis`. */
  readonly findings: readonly Finding[];
  readonly text: readonly Finding[];
  readonly analysis: readonly Finding[];
}

/**
 * A file's findings by where they come from. A client with two diagnostic providers gets them
 * apart, so that a keystroke that moves no analysis finding resends only the first, and the
 * first is answered without waiting for the second to be carried over the edit.
 */
export interface FileFindings {
  /** What the text says as soon as it is read: syntax, names, Proxmox's verify_rule. */
  readonly text: readonly Finding[];
  /**
   * The background analysis of the whole cluster (dead rules, lock-out, skipped rules), made when
   * first asked for: carried over the edits since it ran, to the texts current at that moment
   * (the file's own is the one `text` was made from while the cached fingerprint holds).
   */
  readonly analysis: () => readonly Finding[];
}

/** The analysis part is made on first use (see FileFindings), then kept. */
class CheckedFile implements FileAnalysis {
  private analysed: readonly Finding[] | undefined;
  private all: readonly Finding[] | undefined;

  constructor(
    readonly file: FileSnapshot,
    readonly kind: FileKind | undefined,
    readonly cluster: FileSnapshot | undefined,
    readonly fingerprint: string,
    readonly text: readonly Finding[],
    private readonly analyse: () => readonly Finding[],
  ) {}

  get analysis(): readonly Finding[] {
    return (this.analysed ??= this.analyse());
  }

  get findings(): readonly Finding[] {
    const analysis = this.analysis;
    return (this.all ??= analysis.length === 0 ? this.text : [...this.text, ...analysis]);
  }
}

/** Checks one file of a known kind against the cluster.fw it resolves to. */
export type FileChecker = (
  file: FileSnapshot,
  kind: FileKind,
  cluster: FileSnapshot | undefined,
) => FileFindings;

/** What the user's settings do to findings; a new generation invalidates every result. */
export interface FindingPolicy {
  readonly generation: number;
  apply(findings: readonly Finding[]): Finding[];
}

export class Analyzer {
  private readonly cache = new Map<FileKey, FileAnalysis>();

  constructor(
    private readonly state: WorkspaceState,
    private readonly clusters: WorkspaceClusters,
    private readonly checker: FileChecker,
    private readonly policy?: FindingPolicy,
  ) {}

  /** The findings for a `.fw` file's current contents; undefined when there is no such file. */
  analyse(key: FileKey): FileAnalysis | undefined {
    const file = isFwKey(key) ? this.state.snapshot(key) : undefined;
    if (file === undefined) return undefined;
    const kind = fileKindOf(key);
    const cluster = kind === undefined || kind === 'cluster' ? undefined : this.clusterFor(key);
    const settings = this.policy ? `/${this.policy.generation}` : '';
    const fingerprint = `${file.revision}/${cluster ? `${cluster.revision}` : '-'}${settings}`;
    const cached = this.cache.get(key);
    if (
      cached !== undefined &&
      cached.fingerprint === fingerprint &&
      cached.cluster?.key === cluster?.key
    ) {
      return cached;
    }
    const { text, analysis: analyse } = this.check(file, kind, cluster);
    const analysis = new CheckedFile(file, kind, cluster, fingerprint, text, analyse);
    this.cache.set(key, analysis);
    return analysis;
  }

  /** The cluster.fw a host, guest or vnet file resolves to. */
  clusterFor(key: FileKey): FileSnapshot | undefined {
    const cluster = this.clusters.clusterOf(key);
    return cluster === undefined || cluster === key ? undefined : this.state.snapshot(cluster);
  }

  /** Files whose findings may change when the cluster file `clusterKey` changes. */
  dependantsOf(clusterKey: FileKey, openOnly: boolean): FileKey[] {
    const keys = openOnly ? this.state.openKeys() : this.clusters.files();
    return keys.filter((key) => key !== clusterKey && this.clusters.clusterOf(key) === clusterKey);
  }

  forget(key: FileKey): void {
    this.cache.delete(key);
  }

  private check(
    file: FileSnapshot,
    kind: FileKind | undefined,
    cluster: FileSnapshot | undefined,
  ): FileFindings {
    const policy = this.policy;
    const apply = (findings: readonly Finding[]): readonly Finding[] =>
      policy ? policy.apply(findings) : findings;
    // The name says no kind: not checked (and never read by Proxmox), and said so.
    if (kind === undefined) return { text: apply([unknownKindFinding()]), analysis: () => [] };
    const { text, analysis } = this.checker(file, kind, cluster);
    return { text: apply(text), analysis: () => apply(analysis()) };
  }
}
