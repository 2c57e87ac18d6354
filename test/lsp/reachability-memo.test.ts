// The language server keeps, per cluster, what the last analysis leaves for the next one. That
// memory must go with the cluster: a deleted cluster.fw leaves nothing behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkspaceClusters } from '../../server/src/lsp/clusters';
import { ReachabilityService } from '../../server/src/lsp/cluster-analysis';
import { WorkspaceSnapshots } from '../../server/src/lsp/snapshot';
import { fileKey } from '../../server/src/lsp/uris';
import { WorkspaceState } from '../../server/src/lsp/workspace-state';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('a deleted cluster.fw takes its analysis memo and results with it', async () => {
  const state = new WorkspaceState();
  const cluster = fileKey('file:///pve/firewall/cluster.fw');
  const guest = fileKey('file:///pve/firewall/100.fw');
  state.setDiskText(cluster, '[OPTIONS]\nenable: 1\n');
  state.setDiskText(guest, '[RULES]\nIN ACCEPT -p tcp -dport 22\nIN ACCEPT -p tcp -dport 22\n');
  let analysed!: () => void;
  const firstAnalysis = new Promise<void>((resolve) => (analysed = resolve));
  const clusters = new WorkspaceClusters(state);
  const snapshots = new WorkspaceSnapshots(state, clusters);
  const service = new ReachabilityService(state, clusters, snapshots, quiet, () => analysed());
  service.listen();

  assert.deepEqual(service.findings(guest), []);
  await firstAnalysis;
  assert.ok(
    service.findings(guest).some((f) => f.code === 'redundant-rule'),
    'the analysis ran',
  );
  assert.equal(service.memoCount(), 1);

  state.setDiskText(cluster, undefined);
  assert.equal(service.memoCount(), 0);
  assert.deepEqual(service.findings(guest), []);
});
