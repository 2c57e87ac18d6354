// Runs the core's checks on one file against the cluster.fw it resolves to, caching the result
// by a fingerprint of exactly the contents it read (own revision + cluster revision + settings).
// The checker reads the shared snapshot (snapshot.ts), so nothing is parsed twice.
import type { FileKind, Finding } from '../core/index';
import type { Logger } from './guard';
import { clusterCandidateKeys, displayName, fileKindOf } from './uris';
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
  readonly findings: readonly Finding[];
}

/** Checks one file of a known kind against the cluster.fw it resolves to. */
export type FileChecker = (
  file: FileSnapshot,
  kind: FileKind,
  cluster: FileSnapshot | undefined,
) => Finding[];

/** What the user's settings do to findings; a new generation invalidates every result. */
export interface FindingPolicy {
  readonly generation: number;
  apply(findings: readonly Finding[]): Finding[];
}

export class Analyzer {
  private readonly cache = new Map<FileKey, FileAnalysis>();
  private readonly unknownKindLogged = new Set<FileKey>();

  constructor(
    private readonly state: WorkspaceState,
    private readonly log: Logger,
    private readonly checker: FileChecker,
    private readonly policy?: FindingPolicy,
  ) {}

  /** The findings for a file's current contents; undefined when the file does not exist. */
  analyse(key: FileKey): FileAnalysis | undefined {
    const file = this.state.snapshot(key);
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
    const analysis: FileAnalysis = {
      file,
      kind,
      cluster,
      fingerprint,
      findings: this.check(file, kind, cluster),
    };
    this.cache.set(key, analysis);
    return analysis;
  }

  /** The cluster.fw a host, guest or vnet file resolves to: the first candidate that exists. */
  clusterFor(key: FileKey): FileSnapshot | undefined {
    for (const candidate of clusterCandidateKeys(key)) {
      const snapshot = this.state.snapshot(candidate);
      if (snapshot !== undefined) return snapshot;
    }
    return undefined;
  }

  /** Open documents whose findings may change when the cluster file `clusterKey` changes. */
  openDependantsOf(clusterKey: FileKey): FileKey[] {
    return this.state.openKeys().filter((key) => {
      const kind = fileKindOf(key);
      return (
        kind !== undefined && kind !== 'cluster' && clusterCandidateKeys(key).includes(clusterKey)
      );
    });
  }

  forget(key: FileKey): void {
    this.cache.delete(key);
  }

  private check(
    file: FileSnapshot,
    kind: FileKind | undefined,
    cluster: FileSnapshot | undefined,
  ): Finding[] {
    if (kind === undefined) {
      if (!this.unknownKindLogged.has(file.key)) {
        this.unknownKindLogged.add(file.key);
        this.log.info(
          `pvefw: no diagnostics for ${displayName(file.key)}: its path does not tell whether it is ` +
            `cluster.fw, host.fw, <vmid>.fw or sdn/firewall/<vnet>.fw (${file.uri})`,
        );
      }
      return [];
    }
    const findings = this.checker(file, kind, cluster);
    return this.policy ? this.policy.apply(findings) : findings;
  }
}
