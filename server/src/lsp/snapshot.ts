// The one owner of parsed and loaded files. Every query and the diagnostics read the workspace
// through here: a file is parsed once per revision of its text, loaded once per revision of its
// text and of its cluster.fw (so a cluster shared by a hundred guests is loaded once), and
// nothing else ever parses.
import {
  checkLoadedFile,
  loadIdeFile,
  loadSource,
  ParsedFwFile,
  RuleJudgements,
} from '../core/index';
import type { FileLoader, Finding, IdeFile, LineIndex, WorkspaceModel } from '../core/index';
import type { WorkspaceClusters } from './clusters';
import { corePathOf, fileKindOf } from './uris';
import type { FileKey } from './uris';
import type { FileSnapshot, WorkspaceState } from './workspace-state';

interface Parsed {
  readonly revision: number;
  readonly parsed: ParsedFwFile;
}

interface Loaded {
  readonly revision: number;
  /** The cluster it was loaded against; a new cluster revision is a new object. */
  readonly cluster: IdeFile | undefined;
  readonly file: IdeFile;
  findings?: Finding[];
}

/** Where a file of the model is, for the client. */
export interface LocatedFile {
  readonly uri: string;
  readonly index: LineIndex;
  readonly file: IdeFile;
  /** The client's version of an open document. */
  readonly version?: number;
}

export class WorkspaceSnapshots {
  private readonly parsed = new Map<FileKey, Parsed>();
  private readonly loaded = new Map<FileKey, Loaded>();
  /** Each file's verify_rule judgements from its last load, reused by the next. */
  private readonly judgements = new Map<FileKey, RuleJudgements>();

  constructor(
    private readonly state: WorkspaceState,
    private readonly clusters: WorkspaceClusters,
  ) {}

  /** The workspace as it is now. Cheap: a view over the caches. */
  model(): WorkspaceModel {
    return { file: (id) => this.file(id), files: () => this.files() };
  }

  file(key: FileKey): IdeFile | undefined {
    return this.entry(key)?.file;
  }

  /** The file with the client's URI and a line index, for converting offsets. */
  locate(key: FileKey): LocatedFile | undefined {
    const snapshot = this.state.snapshot(key);
    const file = snapshot && this.file(key);
    if (!snapshot || !file) return undefined;
    const version = snapshot.version === undefined ? {} : { version: snapshot.version };
    return { uri: snapshot.uri, index: file.parsed.lineIndex, file, ...version };
  }

  /** checkFile's findings, from the cached load (the cluster loaded once for all dependants). */
  findings(key: FileKey): Finding[] {
    const entry = this.entry(key);
    if (!entry) return [];
    const cluster = entry.cluster ? { cluster: entry.cluster.load.config } : {};
    return (entry.findings ??= checkLoadedFile(entry.file.load, entry.file.kind, cluster));
  }

  /**
   * Loads for the cluster model, served from this cache: a file is loaded once per revision of
   * its text and its cluster, whoever asks. `keyOf` maps the model's paths to file keys.
   */
  loader(keyOf: ReadonlyMap<string, FileKey>): FileLoader {
    return (source, kind, context) => {
      const key = keyOf.get(source.path);
      const entry = key === undefined ? undefined : this.entry(key);
      const sameCluster = (entry?.cluster?.load.config ?? undefined) === context.cluster;
      const usable =
        entry !== undefined &&
        entry.file.kind === kind &&
        entry.file.parsed.text === source.text &&
        (kind === 'cluster' || sameCluster) &&
        context.sdnIpSets === undefined;
      return usable ? entry.file.load : loadSource(source, kind, context);
    };
  }

  private files(): IdeFile[] {
    const files: IdeFile[] = [];
    for (const key of this.clusters.files()) {
      const file = this.file(key);
      if (file) files.push(file);
    }
    return files;
  }

  private entry(key: FileKey): Loaded | undefined {
    const kind = fileKindOf(key);
    const snapshot = kind === undefined ? undefined : this.state.snapshot(key);
    if (kind === undefined || snapshot === undefined) {
      this.parsed.delete(key);
      this.loaded.delete(key);
      this.judgements.delete(key);
      return undefined;
    }
    const parsed = this.parsedOf(key, snapshot, kind);
    const cluster = kind === 'cluster' ? undefined : this.clusterOf(key);
    const cached = this.loaded.get(key);
    if (cached && cached.revision === snapshot.revision && cached.cluster === cluster)
      return cached;
    let judgements = this.judgements.get(key);
    if (!judgements) this.judgements.set(key, (judgements = new RuleJudgements()));
    const file = loadIdeFile(key, corePathOf(key), parsed, cluster, judgements);
    const entry: Loaded = { revision: snapshot.revision, cluster, file };
    this.loaded.set(key, entry);
    return entry;
  }

  private parsedOf(
    key: FileKey,
    snapshot: FileSnapshot,
    kind: NonNullable<ReturnType<typeof fileKindOf>>,
  ): ParsedFwFile {
    const cached = this.parsed.get(key);
    if (cached && cached.revision === snapshot.revision) return cached.parsed;
    // After a keystroke only the edited lines are parsed again.
    const parsed = new ParsedFwFile(snapshot.text, kind, cached?.parsed);
    this.parsed.set(key, { revision: snapshot.revision, parsed });
    return parsed;
  }

  /** The cluster.fw a file resolves to, as every part of the server finds it. */
  private clusterOf(key: FileKey): IdeFile | undefined {
    const cluster = this.clusters.clusterOf(key);
    return cluster === undefined || cluster === key ? undefined : this.file(cluster);
  }
}
