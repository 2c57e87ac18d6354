// Per-code severities from the settings (initializationOptions, workspace/configuration,
// didChangeConfiguration) and the docs link of each diagnostic code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { Diagnostic, FullDocumentDiagnosticReport } from 'vscode-languageserver/node';
import { EDITOR, withFolder, withServer, type LspClient } from './lsp-client';

const TEXT = '[OPTIONS]\npolicy_in: ACCEPT\npolicy_in: DROP\n[RULES]\nIN accept\n';

async function severities(client: LspClient, uri: string): Promise<string[]> {
  const report = await client.request<FullDocumentDiagnosticReport>('textDocument/diagnostic', {
    textDocument: { uri },
  });
  return report.items.map((d: Diagnostic) => `${String(d.code)}:${d.severity}`);
}

test('lsp: initializationOptions set severities; "off" hides a code', async () => {
  await withFolder({}, async (folder) => {
    const diagnostics = { 'invalid-action': 'warning', 'duplicate-option': 'off' };
    await withServer({ ...EDITOR, initializationOptions: { diagnostics } }, async (client) => {
      const uri = folder.uri('firewall/cluster.fw');
      await client.open(uri, TEXT);
      assert.deepEqual(await severities(client, uri), [
        `invalid-action:${DiagnosticSeverity.Warning}`,
      ]);
    });
  });
});

test('lsp: workspace/configuration is read at start and again on didChangeConfiguration', async () => {
  await withFolder({}, async (folder) => {
    await withServer({ ...EDITOR, settings: { 'duplicate-option': 'error' } }, async (client) => {
      // The server reads the settings after `initialized`, then asks the client to pull again.
      await client.waitFor('the first refresh', () => client.refreshCount > 0 || undefined);
      const uri = folder.uri('firewall/cluster.fw');
      await client.open(uri, TEXT);
      assert.deepEqual(await severities(client, uri), [
        `duplicate-option:${DiagnosticSeverity.Error}`,
        `invalid-action:${DiagnosticSeverity.Error}`,
      ]);
      const refreshes = client.refreshCount;
      client.settings = { 'duplicate-option': 'hint', 'invalid-action': 'information' };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      await client.waitFor(
        'a refresh after the change',
        () => client.refreshCount > refreshes || undefined,
      );
      assert.deepEqual(await severities(client, uri), [
        `duplicate-option:${DiagnosticSeverity.Hint}`,
        `invalid-action:${DiagnosticSeverity.Information}`,
      ]);
    });
  });
});

test('lsp: without workspace/configuration the didChangeConfiguration payload counts', async () => {
  await withFolder({}, async (folder) => {
    await withServer(EDITOR, async (client) => {
      const uri = folder.uri('firewall/cluster.fw');
      await client.open(uri, TEXT);
      await client.notify('workspace/didChangeConfiguration', {
        settings: { pvefw: { diagnostics: { 'invalid-action': 'off' } } },
      });
      assert.deepEqual(await severities(client, uri), [
        `duplicate-option:${DiagnosticSeverity.Warning}`,
      ]);
    });
  });
});

test('lsp: each diagnostic links to the page of its code', async () => {
  await withFolder({}, async (folder) => {
    const docsUri = 'file:///opt/ext/docs/diagnostics/';
    await withServer({ ...EDITOR, initializationOptions: { docsUri } }, async (client) => {
      const uri = folder.uri('firewall/cluster.fw');
      await client.open(uri, TEXT);
      const report = await client.request<FullDocumentDiagnosticReport>('textDocument/diagnostic', {
        textDocument: { uri },
      });
      assert.deepEqual(
        report.items.map((d) => d.codeDescription?.href),
        [
          'file:///opt/ext/docs/diagnostics/duplicate-option.md',
          'file:///opt/ext/docs/diagnostics/invalid-action.md',
        ],
      );
    });
  });
});
