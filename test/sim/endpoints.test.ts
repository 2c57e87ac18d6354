// One API endpoint per node over one store, as a Proxmox cluster's shared /etc/pve: a write
// through one node is read through another. The refuse-node fault makes a node's endpoint stop
// taking connections once the matching call is answered (a lock-out the rules just caused).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { TOKEN, writeSimState } from '../support/sim-fixture';
import { raw } from './raw-client';
import { startSimulator, type Simulator } from './simulator';

const auth = { Authorization: `PVEAPIToken=${TOKEN}` };

function at(sim: Simulator, url: string): Simulator {
  return { ...sim, url };
}

test('every node answers for the one cluster; refuse-node closes one after its answer', async () => {
  const dir = writeSimState({
    nodes: { pve1: { ip: '192.0.2.11' }, pve2: { ip: '192.0.2.12' } },
  });
  const sim = await startSimulator({ stateDir: dir, authFailureDelayMs: 0, nodeEndpoints: true });
  try {
    assert.deepEqual(Object.keys(sim.nodeUrls), ['pve1', 'pve2']);
    assert.equal(sim.url, sim.nodeUrls['pve1']);
    const pve2 = at(sim, sim.nodeUrls['pve2']!);
    const created = await raw(pve2, 'POST', '/cluster/firewall/aliases', {
      params: { name: 'web', cidr: '10.0.0.1' },
      headers: auth,
    });
    assert.equal(created.status, 200);
    sim.faults.add({
      when: (r) => r.method === 'GET' && r.path === '/cluster/firewall/aliases',
      fault: { kind: 'refuse-node', node: 'pve1' },
    });
    const read = await raw(sim, 'GET', '/cluster/firewall/aliases', { headers: auth });
    assert.deepEqual(
      (read.json?.data as { name: string }[]).map((a) => a.name),
      ['web'],
    );
    assert.equal(sim.requests.at(-1)?.endpoint, 'pve1');
    await sim.refusing('pve1');
    await assert.rejects(
      raw(sim, 'GET', '/cluster/firewall/aliases', { headers: auth }),
      /ECONNREFUSED/,
    );
    const still = await raw(pve2, 'GET', '/cluster/firewall/aliases', { headers: auth });
    assert.equal(still.status, 200);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
