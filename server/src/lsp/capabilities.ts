// What the client can do (read once from `initialize`) and what the server offers in return.
import { CodeActionKind, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { InitializeParams, ServerCapabilities } from 'vscode-languageserver/node';
import { COMPLETION_TRIGGERS } from './features/completion';
import { EXPLAIN_COMMAND } from './features/explain';
import { REPORT_COMMAND } from './features/report';
import { NORMALISE_COMMAND } from './features/normalise';
import { SEMANTIC_LEGEND } from './features/semantic-tokens';

/** The provider of every finding, or (with ANALYSIS_DIAGNOSTICS registered) of the text's own. */
export const TEXT_DIAGNOSTICS = 'pvefw';
/** The provider of the background analysis' findings, where the client can have two. */
export const ANALYSIS_DIAGNOSTICS = 'pvefw-reachability';

export interface ClientSupport {
  /** `textDocument/diagnostic`: the client pulls; otherwise the server pushes. */
  readonly pullDiagnostics: boolean;
  /** `workspace/diagnostic/refresh`: the server may ask a pulling client to pull again. */
  readonly diagnosticRefresh: boolean;
  /** The server may register a second diagnostic provider (another `identifier`) itself. */
  readonly diagnosticRegistration: boolean;
  /** The server may register a `**\/*.fw` file watcher itself. */
  readonly watchedFilesRegistration: boolean;
  readonly workspaceFolderChanges: boolean;
  /** `workspace/configuration`: the server may ask for settings. */
  readonly configuration: boolean;
  /** The server may register for `workspace/didChangeConfiguration` itself. */
  readonly configurationChangeRegistration: boolean;
  /** `workspace/applyEdit`: the server may ask the client to apply an edit. */
  readonly applyEdit: boolean;
}

export function clientSupport(params: InitializeParams): ClientSupport {
  const capabilities = params.capabilities ?? {};
  return {
    pullDiagnostics: capabilities.textDocument?.diagnostic !== undefined,
    diagnosticRefresh: capabilities.workspace?.diagnostics?.refreshSupport === true,
    diagnosticRegistration: capabilities.textDocument?.diagnostic?.dynamicRegistration === true,
    watchedFilesRegistration:
      capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolderChanges: capabilities.workspace?.workspaceFolders === true,
    configuration: capabilities.workspace?.configuration === true,
    configurationChangeRegistration:
      capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    applyEdit: capabilities.workspace?.applyEdit === true,
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
      identifier: TEXT_DIAGNOSTICS,
      interFileDependencies: true,
      workspaceDiagnostics: true,
    };
  }
  if (support.workspaceFolderChanges) {
    capabilities.workspace = { workspaceFolders: { supported: true, changeNotifications: true } };
  }
  return { ...capabilities, ...editorCapabilities() };
}

/** The editor features of server/src/lsp/features. */
function editorCapabilities(): ServerCapabilities {
  return {
    completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: { prepareProvider: true },
    documentHighlightProvider: true,
    documentSymbolProvider: { label: 'Proxmox VE firewall' },
    workspaceSymbolProvider: true,
    foldingRangeProvider: true,
    semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    executeCommandProvider: { commands: [NORMALISE_COMMAND, EXPLAIN_COMMAND, REPORT_COMMAND] },
  };
}
