// `pvefw.reachability.overlapHints`: the `rule-overlap` hints of the reachability analysis are off
// by default, and turning the setting on or off at runtime re-runs the analysis so the hints come
// and go in open files, whichever way the client sends settings (didChangeConfiguration payload,
// workspace/configuration, initializationOptions).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type {
  Diagnostic,
  DocumentDiagnosticReport,
  FullDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { EDITOR, withFolder, withServer, type LspClient } from './lsp-client';

// The guest's ACCEPT (line 5, 0-based) partly overlaps the DROP of the cluster's group `lan`
// (cluster.fw line 8): a correlation, reported only with the setting on. Its last rule is always
// reported as redundant, which tells that an analysis has finished.
const CLUSTER =
  '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\nIN DROP -p tcp -dport 22 -source 10.0.0.5\n\n[group lan]\nIN DROP -source 10.0.0.0/8\n';
const GUEST =
  '[OPTIONS]\nenable: 1\n\n[RULES]\nGROUP lan\nIN ACCEPT -p tcp -dport 22\nIN DROP -source 10.2.0.0/16\n';
const FILES = { 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': GUEST };

const analysed = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.code === 'redundant-rule');
const overlap = (diagnostics: readonly Diagnostic[]): Diagnostic | undefined =>
  diagnostics.find((d) => d.code === 'rule-overlap');

function assertOverlapHint(diagnostics: readonly Diagnostic[], clusterUri: string): void {
  const hint = overlap(diagnostics);
  assert.ok(hint, `a rule-overlap hint among ${diagnostics.map((d) => d.code).join(', ')}`);
  assert.equal(hint.severity, DiagnosticSeverity.Hint);
  assert.equal(hint.range.start.line, 5);
  const message = typeof hint.message === 'string' ? hint.message : hint.message.value;
  assert.match(message, /partly overlaps cluster\.fw line 9, which drops the shared packets/);
  const related = hint.relatedInformation?.[0]?.location;
  assert.equal(related?.uri, clusterUri);
  assert.equal(related?.range.start.line, 8);
}

/** Pulls `uri` until `accept` holds, waiting for a refresh request between pulls. */
async function pullUntil(
  client: LspClient,
  uri: string,
  what: string,
  accept: (items: readonly Diagnostic[]) => boolean,
): Promise<Diagnostic[]> {
  for (;;) {
    const refreshes = client.refreshCount;
    const report = await client.request<DocumentDiagnosticReport>('textDocument/diagnostic', {
      textDocument: { uri },
    });
    const items = (report as FullDocumentDiagnosticReport).items;
    if (accept(items)) return items;
    await client.waitFor(
      `a refresh before ${what}`,
      () => client.refreshCount > refreshes || undefined,
    );
  }
}

test('push: overlap hints are off by default; didChangeConfiguration turns them on and off', async () => {
  await withFolder(FILES, async (folder) => {
    await withServer({ pull: false, folders: [folder.root] }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      const guest = folder.uri('firewall/100.fw');
      await client.open(cluster, CLUSTER);
      await client.open(guest, GUEST);

      const before = await client.nextDiagnostics(guest, (p) => analysed(p.diagnostics));
      assert.equal(overlap(before.diagnostics), undefined, 'no rule-overlap by default');

      await client.notify('workspace/didChangeConfiguration', {
        settings: { pvefw: { reachability: { overlapHints: true } } },
      });
      const on = await client.nextDiagnostics(guest, (p) => overlap(p.diagnostics) !== undefined);
      assertOverlapHint(on.diagnostics, cluster);

      await client.notify('workspace/didChangeConfiguration', {
        settings: { pvefw: { reachability: { overlapHints: false } } },
      });
      const off = await client.nextDiagnostics(
        guest,
        (p) => analysed(p.diagnostics) && overlap(p.diagnostics) === undefined,
      );
      assert.equal(off.diagnostics.filter((d) => d.code === 'redundant-rule').length, 1);
    });
  });
});

test('pull: workspace/configuration section pvefw.reachability turns overlap hints on and off', async () => {
  await withFolder(FILES, async (folder) => {
    const options = { folders: [folder.root], settings: {}, reachability: { overlapHints: false } };
    await withServer({ ...EDITOR, ...options }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      const guest = folder.uri('firewall/100.fw');
      await client.open(cluster, CLUSTER);
      await client.open(guest, GUEST);

      const before = await pullUntil(client, guest, 'the first analysis', analysed);
      assert.equal(overlap(before), undefined, 'no rule-overlap by default');

      client.reachability = { overlapHints: true };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      const on = await pullUntil(client, guest, 'the overlap hint', (items) => !!overlap(items));
      assertOverlapHint(on, cluster);

      client.reachability = { overlapHints: false };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      const off = await pullUntil(
        client,
        guest,
        'the hint to go',
        (items) => analysed(items) && !overlap(items),
      );
      assert.equal(off.filter((d) => d.code === 'redundant-rule').length, 1);
    });
  });
});

test('initializationOptions turn overlap hints on from the start', async () => {
  await withFolder(FILES, async (folder) => {
    const initializationOptions = { reachability: { overlapHints: true } };
    await withServer(
      { pull: false, folders: [folder.root], initializationOptions },
      async (client) => {
        const cluster = folder.uri('firewall/cluster.fw');
        const guest = folder.uri('firewall/100.fw');
        await client.open(cluster, CLUSTER);
        await client.open(guest, GUEST);
        const published = await client.nextDiagnostics(guest, (p) => analysed(p.diagnostics));
        assertOverlapHint(published.diagnostics, cluster);
      },
    );
  });
});
