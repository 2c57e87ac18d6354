// Delivers diagnostics the way the client wants them, for every `.fw` file of the workspace, not
// only the open ones: answers `textDocument/diagnostic` and `workspace/diagnostic` (pull), or
// sends `textDocument/publishDiagnostics` (push). When findings change without an edit (a
// background analysis finished, a cluster.fw changed), a pulling client is asked to pull again
// (`workspace/diagnostic/refresh`) and a pushing one gets the new diagnostics.
//
// A pull result id stands for the diagnostics themselves: a file keeps its id while what it
// delivers is the same text, and gets a new one (never used before) when that changes, so a
// client that pulls again with its previous id is told `unchanged` only when nothing changed.
// Nothing waits on a timer: changes that arrive together are coalesced with setImmediate, and an
// open document's diagnostics are stamped with the version they were computed from.
//
// A client that can register providers (VS Code) gets two: the text's own findings, and the
// background analysis' (thousands in a large file), each with its result ids, so that a keystroke
// that moves no analysis finding is answered `unchanged` there instead of resending them all.
import { randomBytes } from 'node:crypto';
import { DocumentDiagnosticRequest } from 'vscode-languageserver/node';
import type {
  Connection,
  Diagnostic,
  DocumentDiagnosticParams,
  DocumentDiagnosticReport,
  WorkspaceDiagnosticParams,
  WorkspaceDiagnosticReport,
  WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { ANALYSIS_DIAGNOSTICS } from './capabilities';
import type { ClientSupport } from './capabilities';
import type { WorkspaceClusters } from './clusters';
import { findingsToDiagnostics, sameDiagnostics } from './diagnostic-conversion';
import type { DescribeCode, LocatedText } from './diagnostic-conversion';
import type { Analyzer, FileAnalysis } from './file-analysis';
import { background, guarded } from './guard';
import type { Logger } from './guard';
import { corePathOf, fileKey, fileKindOf, keyForCorePath } from './uris';
import type { FileKey } from './uris';
import type { FileChange, WorkspaceState } from './workspace-state';

const EMPTY_REPORT: DocumentDiagnosticReport = { kind: 'full', items: [] };

interface Delivered {
  readonly diagnostics: Diagnostic[];
  readonly resultId: string;
}

/** Which findings one delivery holds: every one, or one provider's where there are two. */
type Part = 'all' | 'text' | 'analysis';

export class DiagnosticsService {
  /** Push: files whose diagnostics must be published at the next flush. */
  private readonly dirty = new Set<FileKey>();
  /** Push: files published with diagnostics, to clear them when the file is gone. */
  private readonly published = new Map<FileKey, string>();
  /** Pull: findings changed without an edit since the last refresh. */
  private refreshWanted = false;
  private flushScheduled = false;
  /** Result ids are only valid within this process. */
  private readonly session = randomBytes(4).toString('hex');
  private readonly delivered = new WeakMap<FileAnalysis, Partial<Record<Part, Delivered>>>();
  /** What each file delivered last, with its result id: a file keeps the id while this stays. */
  private readonly lastDelivered: Record<Part, Map<FileKey, Delivered>> = {
    all: new Map(),
    text: new Map(),
    analysis: new Map(),
  };
  private results = 0;
  /** The analysis' findings have their own provider (registered once the client is ready). */
  private twoProviders: boolean;

  constructor(
    private readonly connection: Connection,
    private readonly state: WorkspaceState,
    private readonly clusters: WorkspaceClusters,
    private readonly analyzer: Analyzer,
    private readonly support: ClientSupport,
    private readonly log: Logger,
    private readonly describe?: DescribeCode,
  ) {
    this.twoProviders = support.pullDiagnostics && support.diagnosticRegistration;
  }

  /** After `initialized`: registers the analysis' provider, or falls back to one provider. */
  registerProviders(): void {
    if (!this.twoProviders) return;
    this.connection.client
      .register(DocumentDiagnosticRequest.type, {
        documentSelector: null,
        identifier: ANALYSIS_DIAGNOSTICS,
        interFileDependencies: true,
        workspaceDiagnostics: true,
      })
      .then(() =>
        this.log.info(
          `pvefw: the background analysis' findings come from a second diagnostic provider, ${ANALYSIS_DIAGNOSTICS}`,
        ),
      )
      .catch((error: unknown) => {
        this.log.error(
          `pvefw: the client refused a second diagnostic provider; one provider delivers every finding (${String(error)})`,
        );
        this.twoProviders = false;
        this.recheckAll();
      });
  }

  private partOf(identifier: string | undefined): Part {
    if (!this.twoProviders) return 'all';
    return identifier === ANALYSIS_DIAGNOSTICS ? 'analysis' : 'text';
  }

  /** Settings changed what findings look like: every file is checked again. */
  recheckAll(): void {
    for (const key of this.clusters.files()) this.dirty.add(key);
    this.refreshWanted = true;
    this.scheduleFlush();
  }

  /** Findings of these files changed without their text changing (a background analysis). */
  recheck(keys: readonly FileKey[]): void {
    for (const key of keys) this.dirty.add(key);
    this.refreshWanted = true;
    this.scheduleFlush();
  }

  listen(): void {
    this.state.onDidChange(
      guarded(
        this.log,
        'file change',
        () => undefined,
        (changes) => this.onFilesChanged(changes),
      ),
    );
    if (!this.support.pullDiagnostics) return;
    this.connection.languages.diagnostics.on(
      guarded(
        this.log,
        'textDocument/diagnostic',
        () => EMPTY_REPORT,
        (params) => this.pull(params),
      ),
    );
    this.connection.languages.diagnostics.onWorkspace(
      guarded(
        this.log,
        'workspace/diagnostic',
        (): WorkspaceDiagnosticReport => ({ items: [] }),
        (params) => this.pullWorkspace(params),
      ),
    );
  }

  /** `textDocument/diagnostic`: the findings for the document's current text. */
  pull(params: DocumentDiagnosticParams): DocumentDiagnosticReport {
    const analysis = this.analyzer.analyse(fileKey(params.textDocument.uri));
    if (analysis === undefined) return EMPTY_REPORT;
    const { diagnostics, resultId } = this.deliver(analysis, this.partOf(params.identifier));
    if (params.previousResultId === resultId) return { kind: 'unchanged', resultId };
    return { kind: 'full', resultId, items: diagnostics };
  }

  /** `workspace/diagnostic`: every `.fw` file, `unchanged` where the client is up to date. */
  pullWorkspace(params: WorkspaceDiagnosticParams): WorkspaceDiagnosticReport {
    const previous = new Map(params.previousResultIds.map((p) => [fileKey(p.uri), p.value]));
    const part = this.partOf(params.identifier);
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const key of this.clusters.files()) {
      const analysis = this.analyzer.analyse(key);
      if (analysis === undefined) continue;
      const { diagnostics, resultId } = this.deliver(analysis, part);
      const uri = analysis.file.uri;
      const version = analysis.file.version ?? null;
      items.push(
        previous.get(key) === resultId
          ? { kind: 'unchanged', uri, version, resultId }
          : { kind: 'full', uri, version, resultId, items: diagnostics },
      );
    }
    return { items };
  }

  private onFilesChanged(changes: readonly FileChange[]): void {
    for (const change of changes) {
      const { key } = change;
      // The disk text of an open document is not what is checked.
      if (change.cause === 'disk' && this.state.isOpen(key)) continue;
      this.dirty.add(key);
      // A save changes no text: the file is published again (some clients expect it), no more.
      if (change.cause === 'saved') continue;
      if (fileKindOf(key) === 'cluster') {
        const dependants = this.analyzer.dependantsOf(key, this.support.pullDiagnostics);
        for (const dependant of dependants) this.dirty.add(dependant);
        if (dependants.length > 0) this.refreshWanted = true;
      }
      if (change.cause === 'closed') this.analyzer.forget(key);
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(
      guarded(
        this.log,
        'diagnostics flush',
        () => undefined,
        () => {
          this.flushScheduled = false;
          this.flush();
        },
      ),
    );
  }

  private flush(): void {
    const keys = [...this.dirty];
    this.dirty.clear();
    if (!this.support.pullDiagnostics) {
      for (const key of keys) this.publish(key);
      return;
    }
    if (this.refreshWanted && this.support.diagnosticRefresh) {
      background(
        this.log,
        'workspace/diagnostic/refresh',
        this.connection.languages.diagnostics.refresh(),
      );
    }
    this.refreshWanted = false;
  }

  /** Push: the file's diagnostics now, or none when it is gone. */
  private publish(key: FileKey): void {
    const analysis = this.analyzer.analyse(key);
    if (analysis === undefined) {
      const uri = this.published.get(key);
      if (uri === undefined) return;
      this.published.delete(key);
      background(
        this.log,
        'textDocument/publishDiagnostics',
        this.connection.sendDiagnostics({ uri, diagnostics: [] }),
      );
      return;
    }
    const { uri, version } = analysis.file;
    // An open document's result must be for its current version; a newer edit publishes again.
    if (version !== undefined && this.state.openDocument(uri)?.version !== version) return;
    const { diagnostics } = this.deliver(analysis, 'all');
    const previousUri = this.published.get(key);
    if (previousUri !== undefined && previousUri !== uri)
      background(
        this.log,
        'textDocument/publishDiagnostics',
        this.connection.sendDiagnostics({ uri: previousUri, diagnostics: [] }),
      );
    this.published.set(key, uri);
    background(
      this.log,
      'textDocument/publishDiagnostics',
      this.connection.sendDiagnostics({
        uri,
        ...(version !== undefined ? { version } : {}),
        diagnostics,
      }),
    );
  }

  private deliver(analysis: FileAnalysis, part: Part): Delivered {
    let parts = this.delivered.get(analysis);
    if (parts === undefined) {
      parts = {};
      this.delivered.set(analysis, parts);
    }
    let delivered = parts[part];
    if (delivered === undefined) {
      // Thousands of findings name the same few files in their related locations.
      const located = new Map<string, LocatedText | undefined>();
      const locate = (path: string): LocatedText | undefined => {
        if (!located.has(path)) located.set(path, this.locate(analysis, path));
        return located.get(path);
      };
      const findings = part === 'all' ? analysis.findings : analysis[part];
      const diagnostics = findingsToDiagnostics(findings, analysis.file, locate, this.describe);
      const lastDelivered = this.lastDelivered[part];
      const last = lastDelivered.get(analysis.file.key);
      delivered =
        last !== undefined && sameDiagnostics(last.diagnostics, diagnostics)
          ? last
          : { diagnostics, resultId: `${this.session}:${(this.results += 1)}` };
      lastDelivered.set(analysis.file.key, delivered);
      parts[part] = delivered;
    }
    return delivered;
  }

  /** The file a finding's related location points at: the checked file, its cluster, or another. */
  private locate(analysis: FileAnalysis, path: string): LocatedText | undefined {
    for (const known of [analysis.file, analysis.cluster]) {
      if (known !== undefined && corePathOf(known.key) === path) return known;
    }
    const key = keyForCorePath(path, analysis.file.key);
    return key === undefined ? undefined : this.state.snapshot(key);
  }
}
