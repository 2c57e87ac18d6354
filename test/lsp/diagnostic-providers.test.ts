// A client that registers diagnostic providers dynamically (VS Code) gets two: `pvefw` for what
// the text says at once, `pvefw-reachability` for the background analysis of the whole cluster.
// A keystroke that moves no analysis finding then answers that provider `unchanged` instead of
// resending thousands of diagnostics. A client that cannot register gets everything from one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  Diagnostic,
  DocumentDiagnosticReport,
  WorkspaceDiagnosticReport,
} from 'vscode-languageserver/node';
import { withFolder, withServer } from './lsp-client';
import type { LspClient } from './lsp-client';

const CLUSTER = [
  '[OPTIONS]',
  'enable: 1',
  '',
  '[RULES]',
  'IN ACCEPT -p tcp -dport 22',
  'IN DROP -p tcp -dport 22 -source 10.0.0.5',
  'IN ACCEPT -p tcp -dport 80 -source +nosuch',
  '',
].join('\n');
const NOSUCH_LINE = 6;
const REACHABILITY = 'pvefw-reachability';

function items(report: DocumentDiagnosticReport): Diagnostic[] {
  assert.equal(report.kind, 'full', JSON.stringify(report));
  return report.kind === 'full' ? report.items : [];
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

/** Pulls `identifier` until its report has a shadowed rule (the analysis runs in the background). */
async function analysed(client: LspClient, uri: string, identifier?: string) {
  for (let refreshes = 1; ; refreshes++) {
    const report = await client.pull(uri, undefined, identifier);
    if (items(report).some((d) => d.code === 'shadowed-rule')) return report;
    await client.refreshes(refreshes);
  }
}

test('providers: the analysis findings come from a second provider the server registers', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER }, async (folder) => {
    await withServer(
      { pull: true, diagnosticRegistration: true, folders: [folder.root] },
      async (client) => {
        const registration = await client.registration('textDocument/diagnostic');
        assert.deepEqual(registration.registerOptions, {
          documentSelector: null,
          identifier: REACHABILITY,
          interFileDependencies: true,
          workspaceDiagnostics: true,
        });
        await client.waitFor('the second provider logged', () =>
          client.logs.some((l) => l.message.includes(`second diagnostic provider, ${REACHABILITY}`))
            ? true
            : undefined,
        );
        const uri = folder.uri('firewall/cluster.fw');
        await client.scanned();
        await client.open(uri, CLUSTER);
        const analysis = items(await analysed(client, uri, REACHABILITY));
        assert.deepEqual(codes(analysis), ['shadowed-rule']);
        assert.deepEqual(codes(items(await client.pull(uri, undefined, 'pvefw'))), [
          'undefined-ipset',
        ]);
        // The static provider's pulls carry its identifier, or none at all (older clients).
        assert.deepEqual(codes(items(await client.pull(uri))), ['undefined-ipset']);

        const workspace = await client.request<WorkspaceDiagnosticReport>('workspace/diagnostic', {
          identifier: REACHABILITY,
          previousResultIds: [],
        });
        const file = workspace.items.find((i) => i.uri === uri);
        assert.ok(file?.kind === 'full');
        assert.deepEqual(codes(file.items), ['shadowed-rule']);
      },
    );
  });
});

test('providers: a keystroke that moves no analysis finding leaves that provider unchanged', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER }, async (folder) => {
    await withServer(
      { pull: true, diagnosticRegistration: true, folders: [folder.root] },
      async (client) => {
        await client.registration('textDocument/diagnostic');
        const uri = folder.uri('firewall/cluster.fw');
        await client.scanned();
        await client.open(uri, CLUSTER);
        const before = await analysed(client, uri, REACHABILITY);
        const text = await client.pull(uri, undefined, 'pvefw');
        assert.ok(before.kind === 'full' && text.kind === 'full');

        const at = { line: NOSUCH_LINE, character: CLUSTER.split('\n')[NOSUCH_LINE]!.length };
        await client.edit(uri, [{ range: { start: at, end: at }, text: '2' }]);
        const after = await client.pull(uri, before.resultId, REACHABILITY);
        assert.deepEqual(after, { kind: 'unchanged', resultId: before.resultId });
        const [undefinedSet] = items(await client.pull(uri, text.resultId, 'pvefw'));
        assert.equal(undefinedSet?.code, 'undefined-ipset');
        assert.match(JSON.stringify(undefinedSet.message), /nosuch2/);
      },
    );
  });
});

test('providers: a client that cannot register providers gets every finding from one', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER }, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      const uri = folder.uri('firewall/cluster.fw');
      await client.scanned();
      await client.open(uri, CLUSTER);
      assert.deepEqual(codes(items(await analysed(client, uri))), [
        'shadowed-rule',
        'undefined-ipset',
      ]);
      assert.equal(
        client.registrations.some((r) => r.method === 'textDocument/diagnostic'),
        false,
      );
    });
  });
});

test('providers: a refused registration leaves one provider with every finding', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER }, async (folder) => {
    await withServer(
      {
        pull: true,
        diagnosticRegistration: true,
        refuseDiagnosticRegistration: true,
        folders: [folder.root],
      },
      async (client) => {
        await client.waitFor('the refusal logged', () =>
          client.logs.some((l) => l.message.includes('one provider delivers every finding'))
            ? true
            : undefined,
        );
        const uri = folder.uri('firewall/cluster.fw');
        await client.scanned();
        await client.open(uri, CLUSTER);
        assert.deepEqual(codes(items(await analysed(client, uri, 'pvefw'))), [
          'shadowed-rule',
          'undefined-ipset',
        ]);
      },
    );
  });
});
