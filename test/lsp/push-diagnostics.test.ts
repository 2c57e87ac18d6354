import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import {
  summary,
  UNDEFINED_IPSET,
  UNDEFINED_IPSET_RANGE,
  UNPARSABLE_RULE,
  VALID_CLUSTER,
} from './fixtures';
import { TempFolder, withServer } from './lsp-client';

test('push: an unparsable rule in cluster.fw is an error on its line', async () => {
  const folder = new TempFolder();
  await withServer({ pull: false }, async (client) => {
    const uri = folder.uri('cluster.fw');
    await client.open(uri, UNPARSABLE_RULE);
    const published = await client.nextDiagnostics(uri);
    assert.equal(published.version, 1);
    assert.equal(published.diagnostics.length, 1, JSON.stringify(published.diagnostics));
    const [diagnostic] = published.diagnostics;
    assert.equal(diagnostic!.code, 'unparsable-rule-parameters');
    assert.equal(diagnostic!.severity, DiagnosticSeverity.Error);
    assert.equal(diagnostic!.source, 'pvefw');
    assert.equal(diagnostic!.range.start.line, 1);
    assert.equal(diagnostic!.range.end.line, 1);
    assert.ok(diagnostic!.range.start.character <= diagnostic!.range.end.character);
    assert.ok(diagnostic!.range.end.character <= 'IN ACCEPT -p  tcp'.length);
    assert.equal(typeof diagnostic!.message, 'string');
    assert.ok((diagnostic!.message as string).length > 0);
    assert.deepEqual(diagnostic!.data, { proxmox: 'dropped' });
  });
  folder.dispose();
});

test('push: an undefined ipset is reported exactly on the reference', async () => {
  const folder = new TempFolder();
  await withServer({ pull: false }, async (client) => {
    const uri = folder.uri('cluster.fw');
    await client.open(uri, UNDEFINED_IPSET);
    const { diagnostics } = await client.nextDiagnostics(uri);
    assert.deepEqual(diagnostics.map(summary), [
      {
        code: 'undefined-ipset',
        severity: DiagnosticSeverity.Error,
        source: 'pvefw',
        range: UNDEFINED_IPSET_RANGE,
      },
    ]);
    assert.match(diagnostics[0]!.message as string, /no such ipset 'nope'/);
  });
  folder.dispose();
});

test('push: publishes on open, change and save, stamped with the version; clears on close', async () => {
  const folder = new TempFolder();
  await withServer({ pull: false }, async (client) => {
    const uri = folder.uri('cluster.fw');
    await client.open(uri, VALID_CLUSTER);
    assert.deepEqual(await client.nextDiagnostics(uri), { uri, version: 1, diagnostics: [] });

    const version = await client.change(uri, VALID_CLUSTER + '# more\n');
    assert.deepEqual(await client.nextDiagnostics(uri), { uri, version, diagnostics: [] });

    await client.save(uri);
    assert.deepEqual(await client.nextDiagnostics(uri), { uri, version, diagnostics: [] });

    await client.close(uri);
    const cleared = await client.nextDiagnostics(uri);
    assert.deepEqual(cleared.diagnostics, []);
    assert.equal(cleared.version, undefined);
  });
  folder.dispose();
});

test('push: a burst of edits ends with the diagnostics of the last version', async () => {
  const folder = new TempFolder();
  await withServer({ pull: false }, async (client) => {
    const uri = folder.uri('cluster.fw');
    await client.open(uri, UNDEFINED_IPSET);
    let last = 1;
    for (let i = 0; i < 20; i++)
      last = await client.change(uri, i % 2 === 0 ? VALID_CLUSTER : UNDEFINED_IPSET);
    const final = await client.nextDiagnostics(uri, (p) => p.version === last);
    // Round trip: whatever the server still had queued has arrived.
    await client.request('shutdown');
    const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
      'versions must never go backwards',
    );
    assert.equal(versions.at(-1), last, 'nothing older may arrive after the last version');
    // The last text (i = 19) is UNDEFINED_IPSET.
    assert.deepEqual(
      final.diagnostics.map((d) => d.code),
      ['undefined-ipset'],
    );
  });
  folder.dispose();
});
