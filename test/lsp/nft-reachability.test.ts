// Issue 13 in the editor: on a node whose host.fw says `nftables: 1`, the background analysis
// gives the shadowed rules of proxmox-firewall's tables, over a real LSP connection: a VNet
// file's dead rule, and a cluster.fw rule that only proxmox-firewall's fixed chains shadow
// (corosync), said for that backend on a mixed cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver/node';
import { withFolder, withServer, type LspClient } from './lsp-client';

const CLUSTER = [
  '[OPTIONS]',
  'enable: 1',
  '',
  '[RULES]',
  'IN DROP -p udp -dport 5405',
  'IN ACCEPT -p tcp',
  'IN DROP -p tcp -dport 22',
  '',
].join('\n');
const VNET = [
  '[OPTIONS]',
  'enable: 1',
  '',
  '[RULES]',
  'FORWARD ACCEPT -p tcp',
  'FORWARD DROP -p tcp -dport 22',
  '',
].join('\n');
const TOPOLOGY = JSON.stringify({
  localNode: 'pve1',
  nodes: [
    { name: 'pve1', address: '192.0.2.2' },
    { name: 'pve2', address: '192.0.2.3' },
  ],
  guests: [],
});

const text = (d: Diagnostic): string =>
  typeof d.message === 'string' ? d.message : d.message.value;
const has = (code: string) => (diagnostics: readonly Diagnostic[]) =>
  diagnostics.some((d) => d.code === code);

async function scanned(client: LspClient): Promise<void> {
  await client.waitFor('the folder scan', () =>
    client.logs.some((l) => l.message.includes('.fw file(s)')) ? true : undefined,
  );
}

test('nftables nodes: a VNet rule and a cluster rule only the fixed chains shadow, over LSP', async () => {
  await withFolder(
    {
      'firewall/cluster.fw': CLUSTER,
      'nodes/pve1/host.fw': '[OPTIONS]\nnftables: 1\n',
      'nodes/pve2/host.fw': '[OPTIONS]\n',
      'sdn/firewall/vnet1.fw': VNET,
      'topology.json': TOPOLOGY,
    },
    async (folder) => {
      await withServer({ pull: true, folders: [folder.root] }, async (client) => {
        client.followRefreshes();
        await scanned(client);
        const vnet = folder.uri('sdn/firewall/vnet1.fw');
        await client.open(vnet, VNET);
        await client.pullAsVsCode(vnet);
        const onVnet = await client.shownWhen(vnet, 'shadowed-rule', has('shadowed-rule'));
        const dead = onVnet.filter((d) => d.code === 'shadowed-rule');
        assert.deepEqual(
          dead.map((d) => d.range.start.line + 1),
          [6],
        );
        assert.match(text(dead[0]!), /accepted by vnet1\.fw line 5/);

        const cluster = folder.uri('firewall/cluster.fw');
        await client.open(cluster, CLUSTER);
        await client.pullAsVsCode(cluster);
        const shown = await client.shownWhen(
          cluster,
          'two shadowed rules',
          (d) => d.filter((x) => x.code === 'shadowed-rule').length === 2,
        );
        const byLine = new Map(
          shown.filter((d) => d.code === 'shadowed-rule').map((d) => [d.range.start.line + 1, d]),
        );
        assert.match(text(byLine.get(5)!), /5405.*\(on proxmox-firewall nodes only: pve1\)/);
        assert.doesNotMatch(text(byLine.get(7)!), /nodes only/);
      });
    },
  );
});
