// Delivers diagnostics the way the client wants them: answers `textDocument/diagnostic` (pull)
// or sends `textDocument/publishDiagnostics` (push). When a cluster.fw changes, its open
// dependants are re-published (push) or the client is asked to pull again (pull, refresh).
//
// Nothing waits on a timer: changes that arrive together are coalesced with setImmediate, and
// every published result is stamped with the document version it was computed from.
import { randomBytes } from 'node:crypto';
import type {
  Connection,
  Diagnostic,
  DocumentDiagnosticParams,
  DocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import type { ClientSupport } from './capabilities';
import { findingsToDiagnostics } from './diagnostic-conversion';
import type { DescribeCode, LocatedText } from './diagnostic-conversion';
import type { Analyzer, FileAnalysis } from './file-analysis';
import { background, guarded } from './guard';
import type { Logger } from './guard';
import { corePathOf, fileKey, fileKindOf, keyForCorePath } from './uris';
import type { FileKey } from './uris';
import type { FileChange, WorkspaceState } from './workspace-state';

const EMPTY_REPORT: DocumentDiagnosticReport = { kind: 'full', items: [] };

export class DiagnosticsService {
  /** Push: open files whose diagnostics must be published at the next flush. */
  private readonly dirty = new Set<FileKey>();
  /** Pull: a cluster file changed under open dependants since the last refresh. */
  private refreshWanted = false;
  private flushScheduled = false;
  /** Per file, the number of the latest publish run; an older run never publishes. */
  private readonly runs = new Map<FileKey, number>();
  private runCounter = 0;
  /** Result ids are only valid within this process. */
  private readonly session = randomBytes(4).toString('hex');
  private readonly converted = new WeakMap<FileAnalysis, Diagnostic[]>();

  constructor(
    private readonly connection: Connection,
    private readonly state: WorkspaceState,
    private readonly analyzer: Analyzer,
    private readonly support: ClientSupport,
    private readonly log: Logger,
    private readonly describe?: DescribeCode,
  ) {}

  /** Settings changed what findings look like: every open document is checked again. */
  recheckOpen(): void {
    for (const key of this.state.openKeys()) this.dirty.add(key);
    this.refreshWanted = true;
    this.scheduleFlush();
  }

  /** Findings of these files changed without their text changing (a background analysis). */
  recheck(keys: readonly FileKey[]): void {
    const open = keys.filter((key) => this.state.isOpen(key));
    if (open.length === 0) return;
    for (const key of open) this.dirty.add(key);
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
    if (this.support.pullDiagnostics) {
      this.connection.languages.diagnostics.on(
        guarded(
          this.log,
          'textDocument/diagnostic',
          () => EMPTY_REPORT,
          (params) => this.pull(params),
        ),
      );
    }
  }

  /** `textDocument/diagnostic`: the findings for the document's current text. */
  pull(params: DocumentDiagnosticParams): DocumentDiagnosticReport {
    const key = fileKey(params.textDocument.uri);
    const analysis = this.analyzer.analyse(key);
    if (analysis === undefined) return EMPTY_REPORT;
    const resultId = `${this.session}:${analysis.fingerprint}`;
    if (params.previousResultId === resultId) return { kind: 'unchanged', resultId };
    return { kind: 'full', resultId, items: this.diagnosticsOf(analysis) };
  }

  private onFilesChanged(changes: readonly FileChange[]): void {
    for (const change of changes) {
      if (change.cause === 'closed') {
        this.analyzer.forget(change.key);
        this.dirty.delete(change.key);
        if (!this.support.pullDiagnostics && change.uri !== undefined) {
          const cleared = this.connection.sendDiagnostics({ uri: change.uri, diagnostics: [] });
          background(this.log, 'textDocument/publishDiagnostics', cleared);
        }
      } else if (change.cause !== 'disk' && this.state.isOpen(change.key)) {
        this.dirty.add(change.key);
      }
      // Dependants read the cluster's open text if any; its disk text or a save changes nothing.
      const mattersToDependants =
        change.cause !== 'saved' && !(change.cause === 'disk' && this.state.isOpen(change.key));
      if (mattersToDependants && fileKindOf(change.key) === 'cluster') {
        const dependants = this.analyzer.openDependantsOf(change.key);
        for (const dependant of dependants) this.dirty.add(dependant);
        if (dependants.length > 0) this.refreshWanted = true;
      }
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

  private publish(key: FileKey): void {
    const run = ++this.runCounter;
    this.runs.set(key, run);
    const analysis = this.analyzer.analyse(key);
    // The checks are synchronous today; should they ever yield, a newer run or a newer edit
    // makes this result stale, and a stale result must not replace a newer one.
    if (this.runs.get(key) !== run || analysis === undefined || analysis.file.version === undefined)
      return;
    const current = this.state.openDocument(analysis.file.uri);
    if (current === undefined || current.version !== analysis.file.version) return;
    const diagnostics = this.diagnosticsOf(analysis);
    background(
      this.log,
      'textDocument/publishDiagnostics',
      this.connection.sendDiagnostics({
        uri: analysis.file.uri,
        version: analysis.file.version,
        diagnostics,
      }),
    );
  }

  private diagnosticsOf(analysis: FileAnalysis): Diagnostic[] {
    let diagnostics = this.converted.get(analysis);
    if (diagnostics === undefined) {
      diagnostics = findingsToDiagnostics(
        analysis.findings,
        analysis.file,
        (path) => this.locate(analysis, path),
        this.describe,
      );
      this.converted.set(analysis, diagnostics);
    }
    return diagnostics;
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
