import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type {
  DocumentDiagnosticReport,
  FullDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import {
  summary,
  UNDEFINED_IPSET,
  UNDEFINED_IPSET_RANGE,
  UNPARSABLE_RULE,
  VALID_CLUSTER,
} from './fixtures';
import { TempFolder, withServer } from './lsp-client';

function full(report: DocumentDiagnosticReport): FullDocumentDiagnosticReport {
  assert.equal(report.kind, 'full', JSON.stringify(report));
  return report;
}

test('pull: an unparsable rule in cluster.fw is an error on its line', async () => {
  const folder = new TempFolder();
  await withServer({ pull: true }, async (client) => {
    const uri = folder.uri('cluster.fw');
    await client.open(uri, UNPARSABLE_RULE);
    const { items } = full(await client.pull(uri));
    assert.equal(items.length, 1, JSON.stringify(items));
    assert.equal(items[0]!.code, 'unparsable-rule-parameters');
    assert.equal(items[0]!.severity, DiagnosticSeverity.Error);
    assert.equal(items[0]!.source, 'pvefw');
    assert.equal(items[0]!.range.start.line, 1);
    assert.equal(items[0]!.range.end.line, 1);
  });
  folder.dispose();
});

test('pull: an undefined ipset is reported exactly on the reference', async () => {
  const folder = new TempFolder();
  await withServer({ pull: true }, async (client) => {
    const uri = folder.uri('cluster.fw');
    await client.open(uri, UNDEFINED_IPSET);
    const { items } = full(await client.pull(uri));
    assert.deepEqual(items.map(summary), [
      {
        code: 'undefined-ipset',
        severity: DiagnosticSeverity.Error,
        source: 'pvefw',
        range: UNDEFINED_IPSET_RANGE,
      },
    ]);
  });
  folder.dispose();
});

test('pull: the result id changes exactly when the diagnostics do', async () => {
  const folder = new TempFolder();
  await withServer({ pull: true }, async (client) => {
    const uri = folder.uri('cluster.fw');
    await client.open(uri, VALID_CLUSTER);
    const first = full(await client.pull(uri));
    assert.ok(first.resultId, 'a full report carries a result id');
    assert.deepEqual(await client.pull(uri, first.resultId), {
      kind: 'unchanged',
      resultId: first.resultId,
    });

    // An edit that leaves the diagnostics as they were: still unchanged.
    await client.change(uri, VALID_CLUSTER + '# edited\n');
    assert.deepEqual(await client.pull(uri, first.resultId), {
      kind: 'unchanged',
      resultId: first.resultId,
    });

    await client.change(uri, UNPARSABLE_RULE);
    const second = full(await client.pull(uri, first.resultId));
    assert.notEqual(second.resultId, first.resultId);
    assert.equal(second.items.length, 1);
  });
  folder.dispose();
});

test('pull: a pulling client gets no pushed diagnostics', async () => {
  const folder = new TempFolder();
  await withServer({ pull: true }, async (client) => {
    const uri = folder.uri('cluster.fw');
    await client.open(uri, UNDEFINED_IPSET);
    await client.change(uri, UNPARSABLE_RULE);
    // Two round trips: anything the server queued while handling the notifications has gone out.
    await client.pull(uri);
    await client.pull(uri);
    assert.deepEqual(client.published, []);
  });
  folder.dispose();
});

test('pull: a document the server does not know gets an empty report', async () => {
  const folder = new TempFolder();
  await withServer({ pull: true }, async (client) => {
    assert.deepEqual(full(await client.pull(folder.uri('cluster.fw'))).items, []);
  });
  folder.dispose();
});
