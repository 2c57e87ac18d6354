// "Show what is exposed": the server's exposure report (pvefw report) in one web view that
// updates in place on each run. The page comes escaped from the server with a content security
// policy that allows no script and no remote resource; the view enables neither.
import { ViewColumn, commands, window } from 'vscode';
import type { Disposable, WebviewPanel } from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';

export const SHOW_EXPOSURE_REPORT = 'pvefw.showExposureReport';
/** The server's command (server/src/lsp/features/report.ts). */
const SERVER_REPORT = 'pvefw.report';
const LANGUAGE_ID = 'pve-firewall';

interface ReportReply {
  readonly html?: string;
  readonly error?: string;
}

class ExposureView {
  private panel: WebviewPanel | undefined;

  show(html: string): void {
    if (!this.panel) {
      this.panel = window.createWebviewPanel(
        'pvefw.exposure',
        'Firewall: what is exposed',
        { viewColumn: ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableCommandUris: false, localResourceRoots: [] },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.webview.html = html;
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

async function showExposureReport(client: LanguageClient, view: ExposureView): Promise<void> {
  const editor = window.activeTextEditor;
  const uri =
    editor?.document.languageId === LANGUAGE_ID ? editor.document.uri.toString() : undefined;
  const reply = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_REPORT,
    arguments: [uri ? { uri } : {}],
  })) as ReportReply | null;
  if (!reply?.html) {
    void window.showErrorMessage(
      `Cannot report what is exposed: ${reply?.error ?? 'the server did not answer'}`,
    );
    return;
  }
  view.show(reply.html);
}

export function registerReportView(client: LanguageClient): Disposable[] {
  const view = new ExposureView();
  return [
    commands.registerCommand(SHOW_EXPOSURE_REPORT, () => showExposureReport(client, view)),
    view,
  ];
}
