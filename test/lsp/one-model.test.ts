// The editor shows what the CLI shows (issue 12): findings of the background analysis appear
// after open without an edit and go when their cause does, for a client that pulls as VS Code
// does (with its previous result id); every .fw file of the workspace is reported, open or not;
// topology.json is read as the CLI reads it; and the analysis reads the loads the editor has.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  Diagnostic,
  WorkspaceDiagnosticReport,
  WorkspaceFullDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { WorkspaceClusters } from '../../server/src/lsp/clusters';
import { WorkspaceSnapshots } from '../../server/src/lsp/snapshot';
import { fileKey } from '../../server/src/lsp/uris';
import { WorkspaceState } from '../../server/src/lsp/workspace-state';
import { buildClusterModel, clusterSourcesOf } from '../../server/src/core';
import { withFolder, withServer } from './lsp-client';
import { pvefw } from '../cli/helpers';

const CLUSTER = '[OPTIONS]\nenable: 1\n';
const GUEST = [
  '[OPTIONS]',
  'enable: 1',
  '',
  '[RULES]',
  'IN ACCEPT -p tcp -dport 443',
  'IN DROP -p tcp -dport 443 -source 10.9.0.0/16',
  '',
].join('\n');
const codes = (diagnostics: readonly Diagnostic[]): string[] =>
  diagnostics.map((d) => `${d.range.start.line + 1} ${String(d.code)}`);
const has = (code: string) => (diagnostics: readonly Diagnostic[]) =>
  diagnostics.some((d) => d.code === code);

test('pull as VS Code: a shadowed rule appears after open without an edit, and goes with its cause', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': GUEST }, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      client.followRefreshes();
      await client.scanned();
      const guest = folder.uri('firewall/100.fw');
      await client.open(guest, GUEST);
      await client.pullAsVsCode(guest);
      const shown = await client.shownWhen(guest, 'shadowed-rule', has('shadowed-rule'));
      assert.deepEqual(codes(shown), ['6 shadowed-rule']);

      // Remove the cause (the earlier ACCEPT); VS Code pulls after each edit.
      const fixed = GUEST.replace('IN ACCEPT -p tcp -dport 443\n', '');
      await client.change(guest, fixed);
      await client.pullAsVsCode(guest);
      assert.deepEqual(
        codes(await client.shownWhen(guest, 'no shadowed-rule', (d) => !has('shadowed-rule')(d))),
        [],
      );
    });
  });
});

test('pull as VS Code: while typing, a carried finding is never shown at a wrong line', async () => {
  await withFolder({ 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': GUEST }, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      client.followRefreshes();
      const guest = folder.uri('firewall/100.fw');
      await client.open(guest, GUEST);
      await client.pullAsVsCode(guest);
      await client.shownWhen(guest, 'shadowed-rule', has('shadowed-rule'));

      // Two lines above the rules: the finding, carried or fresh, moves with its rule; a
      // finding an edit touched would be withdrawn until the fresh analysis, never misplaced.
      const edited = GUEST.replace('[RULES]\n', '[RULES]\n# one\n# two\n');
      await client.change(guest, edited);
      await client.pullAsVsCode(guest);
      for (const d of client.shown.get(guest) ?? []) {
        assert.equal(d.code, 'shadowed-rule');
        assert.equal(d.range.start.line + 1, 8, 'the DROP rule is now line 8');
        assert.match(
          typeof d.message === 'string' ? d.message : d.message.value,
          /100\.fw line 7 /,
          'its blocker is now line 7',
        );
        assert.equal(d.relatedInformation?.[0]?.location.range.start.line, 6);
      }
      const settled = await client.shownWhen(guest, 'the finding', has('shadowed-rule'));
      assert.deepEqual(codes(settled), ['8 shadowed-rule']);
    });
  });
});

test('workspace/diagnostic reports every .fw file, open or not, unchanged where up to date', async () => {
  const files = {
    'firewall/cluster.fw': CLUSTER,
    'firewall/100.fw': GUEST,
    'firewall/101.fw': '[RULES]\nIN ACCEPT -p tcp -dport 22 -source +nosuchset\n',
    'firewall/web.fw': '[RULES]\n',
  };
  await withFolder(files, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      await client.scanned();
      const byUri = async (
        previous: { uri: string; value: string }[] = [],
      ): Promise<Map<string, WorkspaceDiagnosticReport['items'][number]>> => {
        const report = await client.request<WorkspaceDiagnosticReport>('workspace/diagnostic', {
          previousResultIds: previous,
        });
        return new Map(report.items.map((item) => [fileKey(item.uri), item]));
      };
      // The first report starts the analysis; when it is done the server asks for a refresh.
      let items = await byUri();
      assert.equal(items.size, 4);
      await client.refreshes(1);
      items = await byUri();
      const full = (path: string): Diagnostic[] =>
        (items.get(fileKey(folder.uri(path))) as WorkspaceFullDocumentDiagnosticReport).items;
      assert.deepEqual(codes(full('firewall/100.fw')), ['6 shadowed-rule']);
      assert.deepEqual(codes(full('firewall/101.fw')), ['2 undefined-ipset']);
      assert.deepEqual(codes(full('firewall/web.fw')), ['1 unknown-file-kind']);
      assert.deepEqual(codes(full('firewall/cluster.fw')), []);

      const previous = [...items.values()].map((i) => ({ uri: i.uri, value: i.resultId! }));
      const again = await byUri(previous);
      assert.deepEqual(
        [...again.values()].map((i) => i.kind),
        ['unchanged', 'unchanged', 'unchanged', 'unchanged'],
      );
    });
  });
});

test('push: files that are not open are published too', async () => {
  const files = {
    'firewall/cluster.fw': CLUSTER,
    'firewall/101.fw': '[RULES]\nIN ACCEPT -p tcp -dport 22 -source +nosuchset\n',
  };
  await withFolder(files, async (folder) => {
    await withServer({ pull: false, folders: [folder.root] }, async (client) => {
      const guest = folder.uri('firewall/101.fw');
      const published = await client.nextDiagnostics(guest, (p) => p.diagnostics.length > 0);
      assert.deepEqual(codes(published.diagnostics), ['2 undefined-ipset']);
      assert.equal(published.version, undefined, 'a file on disk has no document version');
    });
  });
});

test('topology.json beside the cluster is read, as the CLI reads it', async () => {
  const guest = [
    '[OPTIONS]',
    'enable: 1',
    '',
    '[RULES]',
    'IN DROP -i net0 -p tcp -dport 3306',
    'IN ACCEPT -p tcp -dport 3306',
    'IN ACCEPT -p tcp -dport 443',
    'IN DROP -p tcp -dport 443 -source 10.9.0.0/16',
    '',
  ].join('\n');
  const topology = JSON.stringify({
    localNode: 'pve1',
    nodes: [{ name: 'pve1' }],
    guests: [
      {
        vmid: 100,
        kind: 'vm',
        node: 'pve1',
        nics: [{ name: 'net0', bridge: 'vmbr0', firewall: true }],
      },
    ],
  });
  const files = { 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': guest };
  const shownOnceAnalysed = async (folderFiles: Record<string, string>): Promise<string[]> =>
    withFolder(folderFiles, async (folder) =>
      withServer({ pull: true, folders: [folder.root] }, async (client) => {
        client.followRefreshes();
        const uri = folder.uri('firewall/100.fw');
        await client.open(uri, guest);
        await client.pullAsVsCode(uri);
        // Line 8 is shadowed either way: once it shows, the analysis has run.
        const shown = await client.shownWhen(uri, 'the analysis', (d) =>
          d.some((x) => x.range.start.line === 7),
        );
        return codes(shown);
      }),
    );
  // Assumed: the guest may have a NIC no rule names, so the 3306 ACCEPT is alive.
  assert.deepEqual(await shownOnceAnalysed(files), ['8 shadowed-rule']);
  // The topology says net0 is its only NIC: the ACCEPT can never match.
  assert.deepEqual(await shownOnceAnalysed({ ...files, 'topology.json': topology }), [
    '6 shadowed-rule',
    '8 shadowed-rule',
  ]);
});

test('the analysis reads the loads the editor already has: nothing is parsed again', () => {
  const state = new WorkspaceState();
  const cluster = fileKey('file:///pve/firewall/cluster.fw');
  const guest = fileKey('file:///pve/firewall/100.fw');
  state.setDiskText(cluster, CLUSTER);
  state.setDiskText(guest, GUEST);
  const clusters = new WorkspaceClusters(state);
  const snapshots = new WorkspaceSnapshots(state, clusters);
  const byPath = new Map([
    ['/pve/firewall/cluster.fw', cluster],
    ['/pve/firewall/100.fw', guest],
  ]);
  const { sources } = clusterSourcesOf([...byPath.keys()], (path) => ({
    path,
    text: state.snapshot(byPath.get(path)!)!.text,
  }));
  const model = buildClusterModel(sources, snapshots.loader(byPath));
  assert.equal(model.cluster?.load, snapshots.file(cluster)?.load);
  assert.equal(model.guests[0]?.file?.load, snapshots.file(guest)?.load);
});

test('cluster-wide findings reach the editor as they reach the CLI (unused-definition, outbound-blocked)', async () => {
  const cluster = '[OPTIONS]\nenable: 1\npolicy_out: DROP\n\n[IPSET old_backup]\n10.9.8.0/24\n';
  await withFolder({ 'firewall/cluster.fw': cluster }, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      client.followRefreshes();
      await client.scanned();
      const uri = folder.uri('firewall/cluster.fw');
      await client.open(uri, cluster);
      await client.pullAsVsCode(uri);
      const shown = await client.shownWhen(uri, 'the cluster-wide findings', (d) =>
        has('unused-definition')(d),
      );
      assert.deepEqual(codes(shown).sort(), ['3 outbound-blocked', '5 unused-definition']);
    });
  });
});

test('the editor explains log lines against the cluster of the open file, as the CLI does', async () => {
  const topology = JSON.stringify({
    localNode: 'pve1',
    nodes: [{ name: 'pve1', address: '192.168.1.2' }],
    guests: [
      {
        vmid: 100,
        kind: 'vm',
        node: 'pve1',
        nics: [{ name: 'net0', bridge: 'vmbr0', firewall: true }],
      },
    ],
  });
  const files = {
    'firewall/cluster.fw': CLUSTER,
    'firewall/100.fw': GUEST,
    'topology.json': topology,
  };
  await withFolder(files, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      await client.scanned();
      const line =
        '100 6 tap100i0-IN 03/Dec/2026:13:56:43 +0100 DROP: IN=fwbr100i0 OUT=fwbr100i0 PHYSIN=fwln100i0 PHYSOUT=tap100i0 SRC=10.9.0.5 DST=192.168.1.100 LEN=60 PROTO=TCP SPT=40000 DPT=443 SYN';
      const reply = await client.request<{ text?: string; error?: string }>(
        'workspace/executeCommand',
        {
          command: 'pvefw.explain',
          arguments: [{ text: line, uri: folder.uri('firewall/100.fw') }],
        },
      );
      assert.match(reply.text ?? reply.error ?? '', /pvefw: ACCEPT by .*100\.fw:5 on node pve1/);
      assert.match(reply.text ?? '', /NOT what the log says \(DROP\)/);
      // Word for word the CLI's explanation, under the node it was made on.
      const cli = pvefw(['explain', line], folder.root);
      assert.equal(cli.status, 0, cli.stderr);
      const same = (text: string): string => text.replaceAll(`${folder.root}/`, '');
      assert.equal(same(reply.text ?? ''), `Explained on node pve1.\n\n${same(cli.stdout)}`);
    });
  });
});

test('the editor reports what is exposed in the cluster of the open file, as the CLI does', async () => {
  const topology = JSON.stringify({
    localNode: 'pve1',
    nodes: [{ name: 'pve1', address: '192.168.1.2' }],
    guests: [
      {
        vmid: 100,
        kind: 'vm',
        node: 'pve1',
        nics: [{ name: 'net0', bridge: 'vmbr0', firewall: true }],
      },
    ],
  });
  const files = {
    'firewall/cluster.fw': CLUSTER,
    'firewall/100.fw': GUEST,
    'topology.json': topology,
  };
  await withFolder(files, async (folder) => {
    await withServer({ pull: true, folders: [folder.root] }, async (client) => {
      await client.scanned();
      const reply = await client.request<{ html?: string; markdown?: string; error?: string }>(
        'workspace/executeCommand',
        { command: 'pvefw.report', arguments: [{ uri: folder.uri('firewall/100.fw') }] },
      );
      assert.ok(reply.html && reply.markdown, reply.error);
      const cli = pvefw(['report', '--format', 'markdown', folder.root], folder.root);
      assert.equal(cli.status, 0, cli.stderr);
      // The same report, but for the paths: the CLI shows them from where it runs.
      const same = (text: string): string => text.replaceAll(`${folder.root}/`, '');
      assert.equal(same(reply.markdown), same(cli.stdout));
      assert.match(reply.html, /<h2>guest 100 net0 \(IPv4\)<\/h2>/);
      assert.match(reply.html, /Content-Security-Policy/);
    });
  });
});
