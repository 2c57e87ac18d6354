// A guest file resolves `+web` against the cluster.fw next to it (firewall/ in /etc/pve).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSeverity, FileChangeType } from 'vscode-languageserver/node';
import type { FullDocumentDiagnosticReport } from 'vscode-languageserver/node';
import {
  CLUSTER_WITH_WEB,
  CLUSTER_WITHOUT_WEB,
  codes,
  GUEST_USING_WEB,
  summary,
  WEB_REFERENCE_RANGE,
} from './fixtures';
import { withFolder, withServer } from './lsp-client';

const FILES = { 'firewall/cluster.fw': CLUSTER_WITHOUT_WEB, 'firewall/100.fw': GUEST_USING_WEB };

const undefinedWeb = {
  code: 'undefined-ipset',
  severity: DiagnosticSeverity.Error,
  source: 'pvefw',
  range: WEB_REFERENCE_RANGE,
};

test('push: defining the ipset in the open cluster.fw clears the guest', async () => {
  await withFolder(FILES, async (folder) => {
    await withServer({ pull: false, folders: [folder.root] }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      const guest = folder.uri('firewall/100.fw');
      await client.open(cluster, CLUSTER_WITHOUT_WEB);
      await client.open(guest, GUEST_USING_WEB);
      const before = await client.nextDiagnostics(guest);
      assert.deepEqual(before.diagnostics.map(summary), [undefinedWeb]);

      await client.change(cluster, CLUSTER_WITH_WEB);
      const after = await client.nextDiagnostics(guest);
      assert.equal(after.version, 1, 'the guest itself did not change');
      assert.deepEqual(after.diagnostics, []);
    });
  });
});

test('pull: defining the ipset in the open cluster.fw asks for a refresh, then the guest is clean', async () => {
  await withFolder(FILES, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      const guest = folder.uri('firewall/100.fw');
      await client.open(cluster, CLUSTER_WITHOUT_WEB);
      await client.open(guest, GUEST_USING_WEB);
      const before = (await client.pull(guest)) as FullDocumentDiagnosticReport;
      assert.deepEqual(before.items.map(summary), [undefinedWeb]);

      const refreshes = client.refreshCount;
      await client.change(cluster, CLUSTER_WITH_WEB);
      await client.refreshes(refreshes + 1);
      const after = await client.pull(guest, before.resultId);
      assert.deepEqual(after, {
        kind: 'full',
        resultId: (after as FullDocumentDiagnosticReport).resultId,
        items: [],
      });
    });
  });
});

test('pull: editing a file nobody depends on asks for no refresh', async () => {
  await withFolder(FILES, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      await client.open(cluster, CLUSTER_WITHOUT_WEB);
      await client.change(cluster, CLUSTER_WITH_WEB);
      await client.pull(cluster);
      await client.pull(cluster);
      assert.equal(client.refreshCount, 0);
    });
  });
});

test('push: the guest follows cluster.fw on disk through watched-file events', async () => {
  await withFolder(FILES, async (folder) => {
    await withServer({ pull: false, folders: [folder.root] }, async (client) => {
      const guest = folder.uri('firewall/100.fw');
      await client.open(guest, GUEST_USING_WEB);
      assert.deepEqual(codes((await client.nextDiagnostics(guest)).diagnostics), [
        'undefined-ipset',
      ]);

      folder.write('firewall/cluster.fw', CLUSTER_WITH_WEB);
      await client.filesChanged([
        { uri: folder.uri('firewall/cluster.fw'), type: FileChangeType.Changed },
      ]);
      assert.deepEqual(
        (await client.nextDiagnostics(guest, (p) => p.diagnostics.length === 0)).diagnostics,
        [],
      );

      folder.write('firewall/cluster.fw', CLUSTER_WITHOUT_WEB);
      await client.filesChanged([
        { uri: folder.uri('firewall/cluster.fw'), type: FileChangeType.Changed },
      ]);
      const again = await client.nextDiagnostics(guest, (p) => p.diagnostics.length > 0);
      assert.deepEqual(codes(again.diagnostics), ['undefined-ipset']);
    });
  });
});

test('push: closing an edited cluster.fw falls back to the text on disk', async () => {
  await withFolder(FILES, async (folder) => {
    await withServer({ pull: false, folders: [folder.root] }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      const guest = folder.uri('firewall/100.fw');
      await client.open(cluster, CLUSTER_WITH_WEB);
      await client.open(guest, GUEST_USING_WEB);
      assert.deepEqual(
        (await client.nextDiagnostics(guest)).diagnostics,
        [],
        'the open text wins over the disk',
      );

      await client.close(cluster);
      assert.deepEqual(codes((await client.nextDiagnostics(guest)).diagnostics), [
        'undefined-ipset',
      ]);
    });
  });
});
