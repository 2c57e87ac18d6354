// topology.json as a pull writes it: readable by `pvefw simulate` / `pvefw test` (their reader
// in core/simulate), with the NICs, addresses and cluster layout of the live cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PveClient } from '../../server/src/cluster/client';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { readTopology } from '../../server/src/core/model/read-topology';
import { CORPUS_GUESTS, CORPUS_NODES, USER } from '../support/sim-fixture';
import { syncHarness } from './harness';

test('the pulled topology has the corpus world and reads as the simulator expects', async () => {
  const h = await syncHarness({
    nodes: CORPUS_NODES,
    guests: [
      ...CORPUS_GUESTS,
      {
        vmid: '300',
        node: 'prox1',
        type: 'qemu',
        config:
          'name: web\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=10\nipconfig0: ip=192.0.2.30/24,gw=192.0.2.1\nnet1: virtio=BC:24:11:00:00:02\n',
      },
    ],
    vnets: { vnet1: { zone: 'zone1' } },
    corosyncTransport: 'knet',
  });
  try {
    await pull(h.ws, h.client);
    const json = JSON.parse(h.read('topology.json')) as Record<string, unknown>;
    const topology = readTopology(json);
    assert.equal(topology.localNode, 'proxself');
    assert.equal(topology.localNetwork, '172.16.1.0/24');
    assert.equal(topology.corosyncTransport, 'knet');
    // Where this machine reaches the cluster from, for check's proof of web UI access.
    assert.equal(topology.managedFrom, '127.0.0.1');
    assert.deepEqual(
      topology.nodes.find((n) => n.name === 'prox1'),
      {
        name: 'prox1',
        address: '172.16.1.11',
        ringAddresses: ['172.16.1.11', '172.16.2.11', 'hostname1'],
      },
    );
    assert.deepEqual(
      topology.guests.map((g) => [g.vmid, g.kind, g.node, g.nics.length]),
      [
        [100, 'vm', 'proxself', 3],
        [101, 'vm', 'proxself', 1],
        [110, 'vm', 'proxself', 1],
        [200, 'ct', 'proxself', 1],
        [201, 'ct', 'proxself', 1],
        [300, 'vm', 'prox1', 1],
      ],
    );
    assert.deepEqual(topology.guests.find((g) => g.vmid === 200)!.nics[0], {
      name: 'net0',
      bridge: 'vmbr0',
      firewall: true,
      mac: '0E:18:24:41:2C:43',
      ip: '10.0.200.1/24',
    });
    const raw = json['guests'] as {
      vmid: number;
      name?: string;
      nics: Record<string, unknown>[];
    }[];
    assert.deepEqual(
      raw.find((g) => g.vmid === 300),
      {
        vmid: 300,
        kind: 'vm',
        node: 'prox1',
        name: 'web',
        nics: [
          {
            name: 'net0',
            bridge: 'vmbr0',
            firewall: true,
            mac: 'BC:24:11:00:00:01',
            ips: ['192.0.2.30/24'],
            vlan: 10,
            model: 'virtio',
          },
        ],
      },
    );
    assert.deepEqual(json['vnets'], [{ vnet: 'vnet1', zone: 'zone1' }]);
  } finally {
    await h.close();
  }
});

test('ticket login: writes carry the CSRF token', async () => {
  const h = await syncHarness({ files: { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n' } });
  const client = new PveClient({ baseUrl: h.sim.url, fingerprint: h.sim.fingerprint });
  try {
    await client.login(USER.name, USER.password);
    await pull(h.ws, client);
    h.write('firewall/cluster.fw', '[OPTIONS]\n\nenable: 1\npolicy_in: REJECT\n\n');
    const report = await pushWorkspace(h.ws, client);
    assert.equal(report.outcome, 'complete', report.reason);
  } finally {
    client.close();
    await h.close();
  }
});
