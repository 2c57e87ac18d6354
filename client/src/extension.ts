// Extension entry point (bundled to dist/client.js). Only wires.
import { window } from 'vscode';
import type { ExtensionContext } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { registerReportView } from './report-view';
import { CLIENT_NAME, createLanguageClient } from './language-client';
import { registerSyncCommands } from './sync/sync-commands';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const output = window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(output);
  client = createLanguageClient(context, output);
  context.subscriptions.push(...registerCommands(client), ...registerReportView(client));
  context.subscriptions.push(...registerSyncCommands(context, output));
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.error(`The pvefw language server did not start: ${message}`);
    void window.showErrorMessage(
      `${CLIENT_NAME}: the language server did not start (see the output channel).`,
    );
  }
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running?.needsStop()) await running.stop();
}
