// What the client can do (read once from `initialize`) and what the server offers in return.
import { TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { InitializeParams, ServerCapabilities } from 'vscode-languageserver/node';

export interface ClientSupport {
  /** `textDocument/diagnostic`: the client pulls; otherwise the server pushes. */
  readonly pullDiagnostics: boolean;
  /** `workspace/diagnostic/refresh`: the server may ask a pulling client to pull again. */
  readonly diagnosticRefresh: boolean;
  /** The server may register a `**\/*.fw` file watcher itself. */
  readonly watchedFilesRegistration: boolean;
  readonly workspaceFolderChanges: boolean;
}

export function clientSupport(params: InitializeParams): ClientSupport {
  const capabilities = params.capabilities ?? {};
  return {
    pullDiagnostics: capabilities.textDocument?.diagnostic !== undefined,
    diagnosticRefresh: capabilities.workspace?.diagnostics?.refreshSupport === true,
    watchedFilesRegistration:
      capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolderChanges: capabilities.workspace?.workspaceFolders === true,
  };
}

/** The workspace folders to scan: `workspaceFolders`, else the deprecated `rootUri`. */
export function initialFolders(params: InitializeParams): string[] {
  if (params.workspaceFolders) return params.workspaceFolders.map((folder) => folder.uri);
  return params.rootUri ? [params.rootUri] : [];
}

export function serverCapabilities(support: ClientSupport): ServerCapabilities {
  const capabilities: ServerCapabilities = {
    textDocumentSync: {
      openClose: true,
      change: TextDocumentSyncKind.Incremental,
      save: { includeText: false },
    },
  };
  if (support.pullDiagnostics) {
    capabilities.diagnosticProvider = {
      identifier: 'pvefw',
      interFileDependencies: true,
      workspaceDiagnostics: false,
    };
  }
  if (support.workspaceFolderChanges) {
    capabilities.workspace = { workspaceFolders: { supported: true, changeNotifications: true } };
  }
  return capabilities;
}
