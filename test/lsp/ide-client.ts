// A client for the editor-feature tests: the real server over stdio, like lsp-client.ts, but it
// also sends initializationOptions, answers `workspace/configuration` from settings the test
// controls, records `workspace/applyEdit`, and can send any notification. No sleeps: requests
// are answered in order, so a request after a notification sees its effect.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ApplyWorkspaceEditParams,
  ConfigurationParams,
  InitializeResult,
  Position,
  TextEdit,
} from 'vscode-languageserver/node';
import { LineIndex } from '../../server/src/core';
import { clientCapabilities, connectOverStdio, serverPath } from './lsp-client';

const DEADLINE_MS = 10_000;

export interface IdeClientOptions {
  readonly folders?: readonly string[];
  readonly initializationOptions?: unknown;
  /** Answer `workspace/configuration` (section `pvefw.diagnostics`) with this object. */
  readonly settings?: Record<string, string>;
  /** Answer `workspace/configuration` (section `pvefw.reachability`) with this object. */
  readonly reachability?: Record<string, unknown>;
}

export class IdeClient {
  initializeResult: InitializeResult | undefined;
  readonly applied: ApplyWorkspaceEditParams[] = [];
  refreshCount = 0;
  settings: Record<string, string> | undefined;
  reachability: Record<string, unknown> | undefined;
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private stderr = '';
  private readonly exited: Promise<never>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly connection: MessageConnection,
  ) {
    this.exited = new Promise<never>((_, reject) =>
      child.on('exit', (code) => reject(new Error(`server exited (code ${code})\n${this.stderr}`))),
    );
    this.exited.catch(() => undefined);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    connection.onRequest('workspace/configuration', (params: ConfigurationParams) =>
      params.items.map((item) =>
        item.section === 'pvefw.reachability'
          ? (this.reachability ?? null)
          : (this.settings ?? null),
      ),
    );
    connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      this.applied.push(params);
      this.changed();
      return { applied: true };
    });
    connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshCount++;
      this.changed();
      return null;
    });
    connection.onRequest(() => null);
    connection.onNotification(() => undefined);
  }

  static async start(options: IdeClientOptions = {}): Promise<IdeClient> {
    const child = spawn(process.execPath, [serverPath(), '--stdio'], { stdio: 'pipe' });
    const connection = connectOverStdio(child);
    const client = new IdeClient(child, connection);
    client.settings = options.settings;
    client.reachability = options.reachability;
    connection.listen();
    const folders = options.folders ?? [];
    const capabilities = clientCapabilities({ pull: true, folders });
    client.initializeResult = await client.request<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: folders.map((f) => ({ uri: pathToFileURL(f).href, name: f })),
      capabilities: {
        ...capabilities,
        workspace: {
          ...capabilities.workspace,
          configuration: options.settings !== undefined || options.reachability !== undefined,
          applyEdit: true,
        },
      },
      initializationOptions: options.initializationOptions ?? null,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves when `probe()` holds (checked whenever the server sends a request); deadline. */
  waitFor(what: string, probe: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!probe()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}\n${this.stderr}`));
      }, DEADLINE_MS);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.within(`write of ${method}`, this.connection.sendNotification(method, params));
  }

  open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    return this.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'pve-firewall', version: 1, text },
    });
  }

  change(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    return this.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  request<R>(method: string, params?: unknown): Promise<R> {
    return this.within(`an answer to ${method}`, this.connection.sendRequest<R>(method, params));
  }

  /** Every wait ends: with the promise, at the deadline, or when the server exits. */
  private async within<T>(what: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ${what} within ${DEADLINE_MS} ms\n${this.stderr}`)),
        DEADLINE_MS,
      );
    });
    try {
      return await Promise.race([promise, deadline, this.exited]);
    } finally {
      clearTimeout(timer);
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.request('shutdown');
      await this.notify('exit', undefined);
    } finally {
      this.connection.dispose();
      this.child.kill();
    }
  }
}

export async function withIdeClient<T>(
  options: IdeClientOptions,
  body: (client: IdeClient) => Promise<T> | T,
): Promise<T> {
  const client = await IdeClient.start(options);
  try {
    return await body(client);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

/** Text with a `$0` cursor marker: the text without it and the cursor's position. */
export function marked(withCursor: string): { text: string; position: Position } {
  const offset = withCursor.indexOf('$0');
  if (offset === -1) throw new Error('no $0 marker');
  const text = withCursor.slice(0, offset) + withCursor.slice(offset + 2);
  return { text, position: new LineIndex(text).positionAt(offset) };
}

/** Applies LSP text edits (positions) to a text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits.map((e) => ({
    start: index.offsetAt(e.range.start),
    end: index.offsetAt(e.range.end),
    newText: e.newText,
  }));
  let result = text;
  for (const edit of spans.sort((a, b) => b.start - a.start))
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}
