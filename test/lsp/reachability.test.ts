// Reachability findings reach the editor: computed in the background per cluster, then
// published (push) or offered with a refresh (pull), and shown in the hover of the dead rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FullDocumentDiagnosticReport, Hover } from 'vscode-languageserver/node';
import { withFolder, withServer } from './lsp-client';

const CLUSTER =
  '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\nIN DROP -p tcp -dport 22 -source 10.0.0.5\n';
const GUEST =
  '[OPTIONS]\nenable: 1\n\n[RULES]\nIN SSH(ACCEPT)\nIN ACCEPT -p tcp -dport 22 -i net0\n';

test('push: a shadowed rule is published once the background analysis is done', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': GUEST }, async (folder) => {
    await withServer({ pull: false, folders: [folder.root] }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      // Read from disk after the open, a file would start the analysis again (a new revision).
      await client.scanned();
      await client.open(cluster, CLUSTER);
      const published = await client.nextDiagnostics(cluster, (p) =>
        p.diagnostics.some((d) => d.code === 'shadowed-rule'),
      );
      const shadowed = published.diagnostics.find((d) => d.code === 'shadowed-rule')!;
      assert.equal(shadowed.range.start.line, 5);
      assert.match(
        typeof shadowed.message === 'string' ? shadowed.message : shadowed.message.value,
        /10\.0\.0\.5.* is accepted by cluster\.fw line 5 instead of dropped/,
      );
      assert.equal(shadowed.relatedInformation?.[0]?.location.range.start.line, 4);

      // The hover reads the analysis of the current texts, done when its findings were published.
      const hover = await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: cluster },
        position: { line: 5, character: 1 },
      });
      const contents = hover?.contents;
      const text =
        contents !== undefined && typeof contents === 'object' && 'value' in contents
          ? String(contents.value)
          : '';
      assert.match(text, /Reachability.*shadowed-rule/);

      const guest = folder.uri('firewall/100.fw');
      await client.open(guest, GUEST);
      const guestPublished = await client.nextDiagnostics(guest, (p) =>
        p.diagnostics.some((d) => d.code === 'redundant-rule'),
      );
      assert.equal(
        guestPublished.diagnostics.find((d) => d.code === 'redundant-rule')!.range.start.line,
        5,
      );
    });
  });
});

test('pull: the client is asked to pull again, and then gets the finding', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER }, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      await client.open(cluster, CLUSTER);
      await client.pull(cluster);
      await client.refreshes(1);
      const report = (await client.pull(cluster)) as FullDocumentDiagnosticReport;
      assert.ok(report.items.some((d) => d.code === 'shadowed-rule'));
    });
  });
});

test('push: an edit keeps the last findings, moved, until the new analysis is done', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER }, async (folder) => {
    await withServer({ pull: false, folders: [folder.root] }, async (client) => {
      const cluster = folder.uri('firewall/cluster.fw');
      await client.open(cluster, CLUSTER);
      await client.nextDiagnostics(cluster, (p) =>
        p.diagnostics.some((d) => d.code === 'shadowed-rule'),
      );
      const version = await client.change(cluster, `# a comment line\n${CLUSTER}`);
      // The first publish for the new text already has the finding, one line further down.
      const next = await client.nextDiagnostics(cluster, (p) => p.version === version);
      const shadowed = next.diagnostics.find((d) => d.code === 'shadowed-rule');
      assert.equal(shadowed?.range.start.line, 6);
    });
  });
});

test('hover on a rule read by a node on proxmox-firewall: the nftables rules it becomes there', async () => {
  const cluster =
    '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -dport 22\nIN ACCEPT -source +nosuch\n\n[IPSET management]\n10.0.0.0/24\n';
  await withFolder(
    { 'firewall/cluster.fw': cluster, 'nodes/pve1/host.fw': '[OPTIONS]\nnftables: 1\n' },
    async (folder) => {
      await withServer({ pull: false, folders: [folder.root] }, async (client) => {
        const uri = folder.uri('firewall/cluster.fw');
        await client.scanned();
        await client.open(uri, cluster);
        // The cluster analysis is done when its nftables findings are published.
        await client.nextDiagnostics(uri, (p) =>
          p.diagnostics.some((d) => d.code === 'nftables-skips'),
        );
        const hoverAt = async (line: number, character: number): Promise<string> => {
          const hover = await client.request<Hover | null>('textDocument/hover', {
            textDocument: { uri },
            position: { line, character },
          });
          const contents = hover?.contents;
          return contents !== undefined && typeof contents === 'object' && 'value' in contents
            ? String(contents.value)
            : '';
        };
        const rule = await hoverAt(4, 1);
        assert.match(rule, /proxmox-firewall\*\* \(nftables, node pve1\) builds:/);
        assert.match(rule, /inet cluster-in: accept/);
        // The management set: what the fixed chains do with it there.
        const set = await hoverAt(7, 9);
        assert.match(set, /any `!` entry wins/);
        assert.match(set, /\*\*before\*\* any host or cluster rule/);
      });
    },
  );
});
