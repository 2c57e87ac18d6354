// Commit-confirmed push (issue 18): the push records what it changes before its first call;
// unless confirmed in time while every node still answers, it is reverted, digest-chained and
// only if nobody changed those lists since. A node that stops answering after the push (a
// lock-out the static check could not see) is caught by the watcher, and the revert goes
// through another node's endpoint: the simulator serves one endpoint per node over one store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PveClient } from '../../server/src/cluster/client';
import {
  confirmPending,
  lastConfirmOutcome,
  pushConfirmed,
  readPending,
  revertIfDue,
  watchPending,
  type ClientFor,
} from '../../server/src/cluster/confirm';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { TOKEN } from '../support/sim-fixture';
import { syncHarness, type SyncHarness } from './harness';

const NODES = { pve1: { ip: '192.0.2.11' }, pve2: { ip: '192.0.2.12' } };
const CLUSTER = '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 8006\n\n';
const HOST = '[RULES]\n\nIN ACCEPT -p tcp -dport 22\n\n';
const EDITED =
  '[RULES]\n\nIN DROP -source 10.99.0.0/16 -p tcp -dport 8006\nIN ACCEPT -p tcp -dport 22\n\n';

async function pushed(window = 60_000): Promise<{ h: SyncHarness; clientFor: ClientFor }> {
  const h = await syncHarness(
    {
      nodes: NODES,
      files: { 'firewall/cluster.fw': CLUSTER, 'nodes/pve1/host.fw': HOST },
    },
    {},
    { nodeEndpoints: true },
  );
  const clientFor: ClientFor = (url) =>
    new PveClient({
      baseUrl: url,
      fingerprint: h.sim.fingerprint,
      credentials: { kind: 'token', token: TOKEN },
    });
  await pull(h.ws, h.client);
  h.write('nodes/pve1/host.fw', EDITED);
  const report = await pushConfirmed(h.ws, h.client, {
    confirmWithinMs: window,
    endpoints: Object.entries(h.sim.nodeUrls).map(([node, url]) => ({ node, url })),
  });
  assert.equal(report.outcome, 'complete', report.reason);
  assert.ok(readPending(h.ws), 'the push awaits confirmation');
  return { h, clientFor };
}

const writesVia = (h: SyncHarness, node: string): number =>
  h.sim.requests.filter((r) => r.method !== 'GET' && r.endpoint === node).length;

test('a node that stops answering after the push: reverted through another node', async () => {
  const { h, clientFor } = await pushed();
  try {
    const writesBefore = writesVia(h, 'pve2');
    // pve-firewall applies the rules a few seconds later, and pve1 stops answering this machine.
    await h.sim.refuseConnections('pve1');
    const outcome = await watchPending(h.ws, { clientFor, intervalMs: 20, probeTimeoutMs: 5000 });
    assert.equal(outcome.outcome, 'reverted');
    assert.match(
      'why' in outcome ? outcome.why : '',
      /pve1 \(https:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\) stopped answering/,
    );
    assert.equal(h.sim.store.read('nodes/pve1/host.fw'), HOST);
    assert.ok(writesVia(h, 'pve2') > writesBefore, 'the revert went through pve2');
    assert.equal(readPending(h.ws), undefined);
    assert.match(
      lastConfirmOutcome(h.ws) ?? '',
      /reverted the push of .* through https:\/\/127\.0\.0\.1:\d+: pve1/,
    );
    // The workspace keeps the edit, now unpushed again.
    const again = await planWorkspace(h.ws, clientFor(h.sim.nodeUrls['pve2']!)!);
    assert.deepEqual(again.remoteChanged, []);
    assert.ok(again.plan.operations.length > 0);
  } finally {
    await h.close();
  }
});

test('confirmed in time while every node answers: it stays', async () => {
  const { h, clientFor } = await pushed();
  try {
    const outcome = await confirmPending(h.ws, { clientFor });
    assert.deepEqual(outcome, { outcome: 'confirmed' });
    assert.equal(h.sim.store.read('nodes/pve1/host.fw'), EDITED);
    assert.deepEqual(await watchPending(h.ws, { clientFor }), { outcome: 'confirmed' });
  } finally {
    await h.close();
  }
});

test('not confirmed by the deadline: the next command reverts it; a late confirm cannot keep it', async () => {
  const { h, clientFor } = await pushed();
  try {
    h.write('nodes/pve1/host.fw', `${EDITED.trimEnd()}\nIN ACCEPT -p tcp -dport 80\n`);
    const refused = await pushWorkspace(h.ws, h.client);
    assert.equal(refused.outcome, 'refused');
    assert.match(refused.reason ?? '', /awaits confirmation until .*'pvefw confirm'/);
    const later = Date.now() + 10 * 60_000;
    assert.equal(await revertIfDue(h.ws, { clientFor, now: Date.now() }), undefined);
    const late = await confirmPending(h.ws, { clientFor, now: () => later });
    assert.equal(late.outcome, 'not-confirmed');
    assert.equal(late.outcome === 'not-confirmed' && late.revert.outcome, 'reverted');
    assert.equal(h.sim.store.read('nodes/pve1/host.fw'), HOST);
  } finally {
    await h.close();
  }
});

test('a list someone changed after the push is not reverted over their change', async () => {
  const { h, clientFor } = await pushed();
  try {
    h.sim.store.write('nodes/pve1/host.fw', `${EDITED.trimEnd()}\nIN ACCEPT -p tcp -dport 443\n`);
    const outcome = await revertIfDue(h.ws, { clientFor, now: Date.now() + 10 * 60_000 });
    assert.equal(outcome?.outcome, 'refused');
    assert.match(
      outcome?.outcome === 'refused' ? outcome.reason : '',
      /someone changed nodes\/pve1\/host\.fw#rules since the push/,
    );
    assert.match(h.sim.store.read('nodes/pve1/host.fw'), /dport 443/);
  } finally {
    await h.close();
  }
});

test('a second confirmed push, refused while the first awaits confirmation, leaves the first pending', async () => {
  const { h, clientFor } = await pushed();
  try {
    const first = readPending(h.ws);
    h.write('nodes/pve1/host.fw', `${EDITED.trimEnd()}\nIN ACCEPT -p tcp -dport 80\n\n`);
    const second = await pushConfirmed(h.ws, h.client, {
      confirmWithinMs: 60_000,
      endpoints: Object.entries(h.sim.nodeUrls).map(([node, url]) => ({ node, url })),
    });
    assert.equal(second.outcome, 'refused');
    assert.equal(second.awaitingConfirmation, false);
    assert.deepEqual(readPending(h.ws), first);
    assert.deepEqual(await confirmPending(h.ws, { clientFor }), { outcome: 'confirmed' });
  } finally {
    await h.close();
  }
});
