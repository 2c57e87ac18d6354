// The language client: starts dist/server.js over Node IPC (with an inspector on port 6009
// when the extension host itself is being debugged) and connects it to `.fw` documents.
import * as path from 'node:path';
import { Uri, workspace } from 'vscode';
import type { ExtensionContext, LogOutputChannel } from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { USE_LF_LINE_ENDS } from './commands';

export const LANGUAGE_ID = 'pve-firewall';
/** Also the settings prefix: vscode-languageclient reads `pvefw.trace.server`. */
export const CLIENT_ID = 'pvefw';
export const CLIENT_NAME = 'Proxmox VE Firewall';
/** Attach ".vscode/launch.json › Attach to Server" here. */
export const SERVER_INSPECT_PORT = 6009;

export function createLanguageClient(
  context: ExtensionContext,
  output: LogOutputChannel,
): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', `--inspect=${SERVER_INSPECT_PORT}`] },
    },
  };
  // topology.json too: it says which guests and NICs the analysis compiles (docs/topology.md).
  const watcher = workspace.createFileSystemWatcher('**/{*.fw,topology.json}');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    synchronize: { fileEvents: watcher },
    diagnosticPullOptions: { onChange: true, onSave: true },
    outputChannel: output,
    // The server links each diagnostic code to its page in the installed extension, may ask
    // VS Code to show the next suggestions, and leaves line-end changes to our command.
    initializationOptions: {
      docsUri: Uri.joinPath(context.extensionUri, 'docs', 'diagnostics').toString(),
      retriggerSuggest: true,
      lineEndsCommand: USE_LF_LINE_ENDS,
    },
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
