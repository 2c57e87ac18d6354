// A NIC's firewall flag set in topology.json and pushed through the guest's config API
// (issue 18): net<N> with only the flag changed, digest-checked with the config's digest; the
// plan shows the call and what it changes; edits of other parts of topology.json are refused,
// not ignored; a pull keeps flags not pushed yet; check sees the edited flag.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { planText } from '../../server/src/cluster/report-text';
import { runPvefw } from './cli-run';
import { syncHarness, type SyncHarness } from './harness';

const NET0 = 'virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0';
const FIXTURE = {
  files: {
    'firewall/cluster.fw': '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 8006\n\n',
    'firewall/100.fw':
      '[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 443\n\n',
  },
  guests: [
    { vmid: '100', node: 'pve1', type: 'qemu' as const, config: `name: web\nnet0: ${NET0}\n` },
  ],
};

type Topology = {
  guests: { vmid: number; nics: { name: string; firewall: boolean; bridge: string }[] }[];
};

function editTopology(h: SyncHarness, change: (t: Topology) => void): void {
  const topology = JSON.parse(h.read('topology.json')) as Topology;
  change(topology);
  h.write('topology.json', `${JSON.stringify(topology, null, 2)}\n`);
}

const net0 = (t: Topology) => t.guests[0]!.nics[0]!;

test('a flag set in topology.json is planned, pushed with the config digest, and read back', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    assert.equal(net0(JSON.parse(h.read('topology.json')) as Topology).firewall, false);
    editTopology(h, (t) => (net0(t).firewall = true));
    const planned = await planWorkspace(h.ws, h.client);
    assert.deepEqual(planned.nics.problems, []);
    assert.deepEqual(
      planned.nics.calls.map((c) => [
        c.request.method,
        c.request.path,
        c.request.params['net0'],
        c.when,
      ]),
      [['PUT', '/nodes/pve1/qemu/100/config', `${NET0},firewall=1`, 'last']],
    );
    assert.match(planned.nics.calls[0]!.request.params['digest'] ?? '', /^[0-9a-f]{40}$/);
    assert.match(
      planText('https://pve1:8006', planned),
      /^Plan: 1 calls to https:\/\/pve1:8006\nNIC firewall flags, set after the firewall calls \(topology\.json\):\n {5}- PUT {4}guest 100: firewall on for net0 \(\/nodes\/pve1\/qemu\/100\/config\)\n/,
    );
    // The impact: the guest's chain appears on net0, and its policy_in DROP takes effect.
    assert.match(
      planText('https://pve1:8006', planned),
      /\nimpact: guest 100 \(web\) net0: inbound .*: ACCEPT → DROP\n.*\n {8}now: no guest firewall on net0 \(the NIC has no firewall=1\)\n {8}after push: policy_in: DROP \(firewall\/100\.fw\)\n/,
    );
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'complete', report.reason);
    assert.match(
      h.sim.store.read('nodes/pve1/qemu-server/100.conf'),
      new RegExp(`^net0: ${NET0},firewall=1$`, 'm'),
    );
    const again = await planWorkspace(h.ws, h.client);
    assert.deepEqual([again.nics.calls, again.plan.operations.length], [[], 0]);
  } finally {
    await h.close();
  }
});

test('a flag turned off goes before the firewall calls; a stale config digest stops the push', async () => {
  const h = await syncHarness({
    ...FIXTURE,
    guests: [{ ...FIXTURE.guests[0]!, config: `name: web\nnet0: ${NET0},firewall=1\n` }],
  });
  try {
    await pull(h.ws, h.client);
    editTopology(h, (t) => (net0(t).firewall = false));
    h.write('firewall/100.fw', '[OPTIONS]\n\nenable: 1\n\n');
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'complete', report.reason);
    const writes = h.sim.requests.filter((r) => r.method !== 'GET').map((r) => r.path);
    assert.equal(writes[0], '/nodes/pve1/qemu/100/config');
    assert.match(
      h.sim.store.read('nodes/pve1/qemu-server/100.conf'),
      new RegExp(`^net0: ${NET0},firewall=0$`, 'm'),
    );

    // Someone edits the guest's config between the plan's read and the call.
    editTopology(h, (t) => (net0(t).firewall = true));
    h.sim.faults.add({
      when: (r) => r.method === 'PUT' && r.path === '/nodes/pve1/qemu/100/config',
      fault: {
        kind: 'concurrent-write',
        edit: (store) =>
          store.write(
            'nodes/pve1/qemu-server/100.conf',
            `${store.read('nodes/pve1/qemu-server/100.conf')}memory: 4096\n`,
          ),
      },
    });
    const stopped = await pushWorkspace(h.ws, h.client);
    assert.equal(stopped.outcome, 'aborted');
    assert.match(stopped.reason ?? '', /checksum mismatch \(file change by other user\?\)/);
    assert.match(h.sim.store.read('nodes/pve1/qemu-server/100.conf'), /firewall=0/);
  } finally {
    await h.close();
  }
});

test('other edits of topology.json are refused, never ignored; a pull keeps unpushed flags', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    editTopology(h, (t) => (net0(t).bridge = 'vmbr9'));
    const refused = await pushWorkspace(h.ws, h.client);
    assert.equal(refused.outcome, 'refused');
    assert.match(
      refused.reason ?? '',
      /topology\.json: guests\[0\]\.nics\[0\]\.bridge differs from what the cluster reported at the last pull; pvefw pushes only a NIC's firewall flag/,
    );
    editTopology(h, (t) => {
      net0(t).bridge = 'vmbr0';
      net0(t).firewall = true;
    });
    const report = await pull(h.ws, h.client);
    assert.deepEqual(report.warnings, []);
    assert.equal(net0(JSON.parse(h.read('topology.json')) as Topology).firewall, true);
    editTopology(h, (t) => (net0(t).bridge = 'vmbr9'));
    const replaced = await pull(h.ws, h.client);
    assert.match(
      replaced.warnings.join('\n'),
      /guests\[0\]\.nics\[0\]\.bridge differs .*; it is replaced by the cluster's/,
    );
    assert.equal(net0(JSON.parse(h.read('topology.json')) as Topology).bridge, 'vmbr0');
  } finally {
    await h.close();
  }
});

test('pvefw check sees the flag as edited: the guest whose NICs are all unfirewalled is warned about until then', async () => {
  const h = await syncHarness(FIXTURE);
  const home = mkdtempSync(join(tmpdir(), 'pvefw-home-'));
  try {
    await pull(h.ws, h.client);
    const before = await runPvefw(h.ws, home, ['check', '.']);
    assert.match(before.stdout, /guest-firewall-off/);
    editTopology(h, (t) => (net0(t).firewall = true));
    const after = await runPvefw(h.ws, home, ['check', '.']);
    assert.doesNotMatch(after.stdout, /guest-firewall-off/);
  } finally {
    await h.close();
    rmSync(home, { recursive: true, force: true });
  }
});
