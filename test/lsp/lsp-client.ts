// The LSP client of the tests: spawns the real server over stdio and speaks the protocol with
// vscode-jsonrpc, as an editor would: push or pull diagnostics, file watchers, settings answered
// from what the test controls, workspace edits applied and recorded. No mocks and no sleeps:
// every wait is on a condition, with a deadline.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ApplyWorkspaceEditParams,
  ClientCapabilities,
  ConfigurationParams,
  Diagnostic,
  DocumentDiagnosticReport,
  FileEvent,
  InitializeResult,
  LogMessageParams,
  PublishDiagnosticsParams,
  Range,
  Registration,
} from 'vscode-languageserver/node';

const ROOT = resolve(__dirname, '..', '..', '..');
const DEFAULT_DEADLINE_MS = 10_000;

/**
 * A connection over the server child's stdio. The reader's partial-message timer is off: for as
 * long as a message is incomplete, vscode-jsonrpc re-arms a 10-second timer to report it, and
 * disposing the connection does not stop that timer. A server shut down between a message's
 * header and its body (its two writes) thus left a timer that kept the test process alive for
 * ever (issue 11; client-shutdown.test.ts). The tests never read partial-message events.
 */
export function connectOverStdio(child: ChildProcessWithoutNullStreams): MessageConnection {
  const reader = new StreamMessageReader(child.stdout);
  reader.partialMessageTimeout = 0;
  return createMessageConnection(reader, new StreamMessageWriter(child.stdin));
}

/** `PVEFW_SERVER`, else the bundle `dist/server.js` if built, else the tsc output. */
export function serverPath(): string {
  if (process.env.PVEFW_SERVER) return resolve(process.env.PVEFW_SERVER);
  const bundle = join(ROOT, 'dist', 'server.js');
  return existsSync(bundle) ? bundle : join(ROOT, 'out', 'server', 'src', 'lsp', 'main.js');
}

export interface ClientOptions {
  /** Advertise `textDocument.diagnostic` (pull model). Default false: push. */
  readonly pull?: boolean;
  /**
   * Advertise dynamic registration of diagnostic providers (only with pull), as VS Code does: the
   * server may then register a second provider. Default false.
   */
  readonly diagnosticRegistration?: boolean;
  /** Answer the server's registration of a diagnostic provider with an error. Default false. */
  readonly refuseDiagnosticRegistration?: boolean;
  /** Advertise `workspace.diagnostics.refreshSupport` (only with pull). Default true. */
  readonly refresh?: boolean;
  /** Advertise dynamic registration of file watchers. Default true. */
  readonly watch?: boolean;
  /** Folders (file-system paths) opened as the workspace. */
  readonly folders?: readonly string[];
  /** Sent as `initializationOptions` (settings for clients without workspace/configuration). */
  readonly initializationOptions?: unknown;
  /** Answer `workspace/configuration` (section `pvefw.diagnostics`) with this object. */
  readonly settings?: Record<string, string>;
  /** Answer `workspace/configuration` (section `pvefw.reachability`) with this object. */
  readonly reachability?: Record<string, unknown>;
  /** Advertise `workspace.applyEdit`: the server's edits arrive as requests (see `applied`). */
  readonly applyEdit?: boolean;
}

/** A client that works as VS Code does for the editor features: pulls, applies the server's edits. */
export const EDITOR: ClientOptions = { pull: true, applyEdit: true };

export function clientCapabilities(options: ClientOptions): ClientCapabilities {
  return {
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true },
      publishDiagnostics: { relatedInformation: true, versionSupport: true, dataSupport: true },
      ...(options.pull
        ? {
            diagnostic: {
              dynamicRegistration: options.diagnosticRegistration === true,
              relatedDocumentSupport: false,
            },
          }
        : {}),
    },
    workspace: {
      workspaceFolders: true,
      didChangeWatchedFiles: { dynamicRegistration: options.watch ?? true },
      ...(options.pull && options.refresh !== false
        ? { diagnostics: { refreshSupport: true } }
        : {}),
      ...(options.settings !== undefined || options.reachability !== undefined
        ? { configuration: true }
        : {}),
      ...(options.applyEdit ? { applyEdit: true } : {}),
    },
  };
}

export class LspClient {
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: LogMessageParams[] = [];
  readonly registrations: Registration[] = [];
  refreshCount = 0;
  initializeResult: InitializeResult | undefined;
  /** Every `workspace/applyEdit` the server sent (answered as applied). */
  readonly applied: ApplyWorkspaceEditParams[] = [];
  /** The answers to `workspace/configuration`; a test changes them, then notifies the server. */
  settings: Record<string, string> | undefined;
  reachability: Record<string, unknown> | undefined;
  private refuseDiagnosticRegistration = false;
  /**
   * What a client that pulls as VS Code does shows, per URI (see followRefreshes): a `full`
   * report replaces it, an `unchanged` one keeps it.
   */
  readonly shown = new Map<string, Diagnostic[]>();

  private readonly resultIds = new Map<string, string>();
  private followingRefreshes = false;
  private readonly consumed = new Map<string, number>();
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private stderr = '';
  private exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly connection: MessageConnection,
  ) {}

  /** Spawns the server and completes `initialize` / `initialized`. */
  static async start(options: ClientOptions = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [serverPath(), '--stdio'], { stdio: 'pipe' });
    const connection = connectOverStdio(child);
    const client = new LspClient(child, connection);
    client.settings = options.settings;
    client.reachability = options.reachability;
    client.refuseDiagnosticRegistration = options.refuseDiagnosticRegistration === true;
    client.attach();
    connection.listen();
    const folders = options.folders ?? [];
    client.initializeResult = await client.within(
      'initialize',
      connection.sendRequest<InitializeResult>('initialize', {
        processId: process.pid,
        rootUri: folders[0] === undefined ? null : pathToFileURL(folders[0]).href,
        workspaceFolders: folders.map((folder) => ({
          uri: pathToFileURL(folder).href,
          name: folder,
        })),
        capabilities: clientCapabilities(options),
        initializationOptions: options.initializationOptions ?? null,
      }),
    );
    await connection.sendNotification('initialized', {});
    return client;
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private attach(): void {
    const changed = (): void => this.changed();
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
    });
    this.child.on('exit', (code) => {
      this.exitCode = code;
      changed();
    });
    this.connection.onNotification(
      'textDocument/publishDiagnostics',
      (params: PublishDiagnosticsParams) => {
        this.published.push(params);
        changed();
      },
    );
    this.connection.onNotification('window/logMessage', (params: LogMessageParams) => {
      this.logs.push(params);
      changed();
    });
    this.connection.onNotification(() => undefined);
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshCount++;
      changed();
      if (this.followingRefreshes)
        for (const uri of this.versions.keys()) this.pullAsVsCode(uri).catch(() => undefined);
      return null;
    });
    this.connection.onRequest('workspace/configuration', (params: ConfigurationParams) =>
      params.items.map((item) =>
        item.section === 'pvefw.reachability'
          ? (this.reachability ?? null)
          : (this.settings ?? null),
      ),
    );
    this.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      this.applied.push(params);
      changed();
      return { applied: true };
    });
    this.connection.onRequest(
      'client/registerCapability',
      (params: { registrations: Registration[] }) => {
        if (
          this.refuseDiagnosticRegistration &&
          params.registrations.some((r) => r.method === 'textDocument/diagnostic')
        )
          return new ResponseError(-32603, 'this client has one diagnostic provider');
        this.registrations.push(...params.registrations);
        changed();
        return null;
      },
    );
    this.connection.onRequest(() => null);
  }

  open(uri: string, text: string, languageId = 'pve-firewall'): Promise<void> {
    this.versions.set(uri, 1);
    return this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Replaces the whole text; returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    return this.edit(uri, [{ text }]);
  }

  /** Sends content changes as they are (full or ranged); returns the new version. */
  async edit(
    uri: string,
    contentChanges: ({ text: string } | { range: Range; text: string })[],
  ): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges,
    });
    return version;
  }

  /** Sends any notification, e.g. `workspace/didChangeConfiguration` with a settings payload. */
  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  save(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
  }

  close(uri: string): Promise<void> {
    this.versions.delete(uri);
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /**
   * Pulls `uri` as VS Code does: with the result id of its last full report, so that the server
   * may answer `unchanged` (and then what is shown stays as it was).
   */
  async pullAsVsCode(uri: string): Promise<void> {
    const report = await this.pull(uri, this.resultIds.get(uri));
    if (report.kind === 'full') {
      this.shown.set(uri, report.items);
      if (report.resultId !== undefined) this.resultIds.set(uri, report.resultId);
    }
    this.changed();
  }

  /** From now on, answer every refresh request as VS Code does: pull each open document again. */
  followRefreshes(): void {
    this.followingRefreshes = true;
  }

  /** Waits until what is shown for `uri` (see followRefreshes) satisfies `accept`. */
  async shownWhen(
    uri: string,
    what: string,
    accept: (diagnostics: readonly Diagnostic[]) => boolean,
  ): Promise<readonly Diagnostic[]> {
    return this.waitFor(`${what} shown for ${uri}`, () => {
      const diagnostics = this.shown.get(uri);
      return diagnostics !== undefined && accept(diagnostics) ? diagnostics : undefined;
    });
  }

  filesChanged(changes: FileEvent[]): Promise<void> {
    return this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }

  /** `identifier` names the provider pulling, as a client with several providers sends it. */
  pull(
    uri: string,
    previousResultId?: string,
    identifier?: string,
  ): Promise<DocumentDiagnosticReport> {
    return this.request<DocumentDiagnosticReport>('textDocument/diagnostic', {
      textDocument: { uri },
      ...(previousResultId === undefined ? {} : { previousResultId }),
      ...(identifier === undefined ? {} : { identifier }),
    });
  }

  request<R>(method: string, params?: unknown): Promise<R> {
    const sent =
      params === undefined
        ? this.connection.sendRequest<R>(method)
        : this.connection.sendRequest<R>(method, params);
    return this.within(method, sent);
  }

  /**
   * The next publishDiagnostics for `uri` that satisfies `accept`, skipping earlier ones.
   * Each notification is returned at most once, so successive calls see successive publishes.
   */
  async nextDiagnostics(
    uri: string,
    accept: (params: PublishDiagnosticsParams) => boolean = () => true,
    deadlineMs = DEFAULT_DEADLINE_MS,
  ): Promise<PublishDiagnosticsParams> {
    return this.waitFor(
      `publishDiagnostics for ${uri}`,
      () => {
        for (let i = this.consumed.get(uri) ?? 0; i < this.published.length; i++) {
          const params = this.published[i]!;
          if (params.uri !== uri) continue;
          this.consumed.set(uri, i + 1);
          if (accept(params)) return params;
        }
        this.consumed.set(uri, this.published.length);
        return undefined;
      },
      deadlineMs,
    );
  }

  /**
   * Waits until the server has read its workspace folders, as it has before a user opens a file:
   * a file read from disk gets a new revision, which starts its cluster's analysis again.
   */
  async scanned(): Promise<void> {
    await this.waitFor('the folder scan', () =>
      this.logs.some((l) => l.message.includes('.fw file(s)')) ? true : undefined,
    );
  }

  /** Waits until at least `count` refresh requests have arrived. */
  async refreshes(count: number): Promise<void> {
    await this.waitFor(`${count} workspace/diagnostic/refresh request(s)`, () =>
      this.refreshCount >= count ? true : undefined,
    );
  }

  async registration(method: string): Promise<Registration> {
    return this.waitFor(`client/registerCapability for ${method}`, () =>
      this.registrations.find((r) => r.method === method),
    );
  }

  /** Polite shutdown; resolves with the exit code. Kills the server if it does not exit. */
  async shutdown(): Promise<number | null> {
    try {
      if (this.exitCode === undefined) {
        await this.request('shutdown');
        await this.connection.sendNotification('exit');
        await this.waitFor('server exit', () => (this.exitCode !== undefined ? true : undefined));
      }
      return this.exitCode ?? null;
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    this.connection.dispose();
    if (this.exitCode === undefined) this.child.kill();
  }

  /** Waits until `probe` returns a value, failing at the deadline or when the server dies. */
  waitFor<T>(
    what: string,
    probe: () => T | undefined,
    deadlineMs = DEFAULT_DEADLINE_MS,
  ): Promise<T> {
    return new Promise<T>((resolvePromise, reject) => {
      const check = (): void => {
        const value = probe();
        if (value !== undefined) {
          finish();
          resolvePromise(value);
        } else if (this.exitCode !== undefined) {
          finish();
          reject(
            new Error(
              `server exited (code ${this.exitCode}) while waiting for ${what}${this.context()}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${deadlineMs} ms waiting for ${what}${this.context()}`));
      }, deadlineMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private within<T>(
    what: string,
    promise: Promise<T>,
    deadlineMs = DEFAULT_DEADLINE_MS,
  ): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer to ${what} within ${deadlineMs} ms${this.context()}`)),
        deadlineMs,
      );
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  }

  private context(): string {
    const published = this.published
      .map((p) => `${p.uri} v${p.version ?? '-'}: ${p.diagnostics.length}`)
      .join('; ');
    return `\n  published: [${published}]\n  stderr: ${this.stderr.trim() || '(empty)'}`;
  }
}

/** Starts a server, runs `body`, and always shuts the server down. */
export async function withServer<T>(
  options: ClientOptions,
  body: (client: LspClient) => Promise<T> | T,
): Promise<T> {
  const client = await LspClient.start(options);
  try {
    return await body(client);
  } finally {
    await client.shutdown().catch(() => client.dispose());
  }
}

/** A temporary folder of files, for a workspace on disk. */
export class TempFolder {
  readonly root = mkdtempSync(join(tmpdir(), 'pvefw-lsp-'));

  constructor(files: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(files)) this.write(path, text);
  }

  path(relative: string): string {
    return join(this.root, relative);
  }

  uri(relative: string): string {
    return pathToFileURL(this.path(relative)).href;
  }

  write(relative: string, text: string): void {
    mkdirSync(dirname(this.path(relative)), { recursive: true });
    writeFileSync(this.path(relative), text);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Runs `body` with a temporary folder that is removed afterwards. */
export async function withFolder<T>(
  files: Record<string, string>,
  body: (folder: TempFolder) => Promise<T>,
): Promise<T> {
  const folder = new TempFolder(files);
  try {
    return await body(folder);
  } finally {
    folder.dispose();
  }
}
