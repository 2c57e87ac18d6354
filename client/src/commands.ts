// The extension's commands. "Normalise as Proxmox writes it" asks the server for the text
// Proxmox's writer would produce, warns when that loses lines, and applies it as one edit.
// "Convert line ends to LF" exists because VS Code keeps a document's end-of-line sequence
// through text edits, so the server's CRLF quick fix calls this instead.
import {
  EndOfLine,
  EventEmitter,
  TextEdit,
  Uri,
  ViewColumn,
  commands,
  env,
  window,
  workspace,
  WorkspaceEdit,
} from 'vscode';
import type { Disposable, TextDocumentContentProvider } from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { LanguageClient, WorkspaceEdit as LspWorkspaceEdit } from 'vscode-languageclient/node';

export const NORMALISE_FILE = 'pvefw.normaliseFile';
export const USE_LF_LINE_ENDS = 'pvefw.useLfLineEnds';
/** The server's command (server/src/lsp/features/normalise.ts). */
const SERVER_NORMALISE = 'pvefw.normalise';
const LANGUAGE_ID = 'pve-firewall';

interface NormaliseReply {
  readonly edit?: LspWorkspaceEdit;
  readonly changed: boolean;
  readonly droppedLines: number;
  readonly commentLines: number;
  readonly error?: string;
}

function lost(reply: NormaliseReply): string | undefined {
  const parts: string[] = [];
  if (reply.droppedLines > 0) parts.push(`${reply.droppedLines} line(s) Proxmox cannot read`);
  if (reply.commentLines > 0) parts.push(`${reply.commentLines} comment line(s)`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

async function normaliseActiveFile(client: LanguageClient): Promise<void> {
  const document = window.activeTextEditor?.document;
  if (!document || document.languageId !== LANGUAGE_ID) {
    void window.showInformationMessage('Open a Proxmox VE firewall file (.fw) first.');
    return;
  }
  const reply = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_NORMALISE,
    arguments: [document.uri.toString(), { apply: false }],
  })) as NormaliseReply | null;
  if (!reply || reply.error) {
    void window.showErrorMessage(
      `Cannot normalise: ${reply?.error ?? 'the server did not answer'}`,
    );
    return;
  }
  if (!reply.changed || !reply.edit) {
    void window.showInformationMessage('The file is already as Proxmox writes it.');
    return;
  }
  const losses = lost(reply);
  if (losses) {
    const choice = await window.showWarningMessage(
      `Normalising removes ${losses}, as Proxmox's next write of the file would.`,
      { modal: true },
      'Normalise',
    );
    if (choice !== 'Normalise') return;
  }
  await workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(reply.edit));
}

async function useLfLineEnds(uri: unknown): Promise<void> {
  const target = typeof uri === 'string' ? Uri.parse(uri) : window.activeTextEditor?.document.uri;
  if (!target) return;
  const edit = new WorkspaceEdit();
  edit.set(target, [TextEdit.setEndOfLine(EndOfLine.LF)]);
  await workspace.applyEdit(edit);
}

export const EXPLAIN_LOG_LINES = 'pvefw.explainLogLines';
/** The server's command (server/src/lsp/features/explain.ts). */
const SERVER_EXPLAIN = 'pvefw.explain';
/** The read-only document the explanation is shown in, one for every run (updated in place). */
const EXPLAIN_URI = Uri.parse('pvefw-explain:Firewall%20log%20explained.txt');

class ExplanationView implements TextDocumentContentProvider {
  private text = '';
  private readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(): string {
    return this.text;
  }

  show(text: string): Thenable<unknown> {
    this.text = text;
    this.changed.fire(EXPLAIN_URI);
    return workspace
      .openTextDocument(EXPLAIN_URI)
      .then((doc) =>
        window.showTextDocument(doc, { preview: true, viewColumn: ViewColumn.Beside }),
      );
  }
}

/** The selected log lines, else the clipboard's. */
async function explainLogLines(client: LanguageClient, view: ExplanationView): Promise<void> {
  const editor = window.activeTextEditor;
  const selected =
    editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  const text = selected.trim() !== '' ? selected : await env.clipboard.readText();
  if (text.trim() === '') {
    void window.showInformationMessage(
      'Select pve-firewall log lines (or copy them to the clipboard), then run this again.',
    );
    return;
  }
  const uri =
    editor?.document.languageId === LANGUAGE_ID ? editor.document.uri.toString() : undefined;
  const reply = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_EXPLAIN,
    arguments: [{ text, ...(uri ? { uri } : {}) }],
  })) as { text?: string; error?: string } | null;
  if (!reply?.text) {
    void window.showErrorMessage(`Cannot explain: ${reply?.error ?? 'the server did not answer'}`);
    return;
  }
  await view.show(reply.text);
}

export function registerCommands(client: LanguageClient): Disposable[] {
  const view = new ExplanationView();
  return [
    commands.registerCommand(NORMALISE_FILE, () => normaliseActiveFile(client)),
    commands.registerCommand(USE_LF_LINE_ENDS, (uri: unknown) => useLfLineEnds(uri)),
    workspace.registerTextDocumentContentProvider(EXPLAIN_URI.scheme, view),
    commands.registerCommand(EXPLAIN_LOG_LINES, () => explainLogLines(client, view)),
  ];
}
