// Issue 13: the plan's impact for nodes on proxmox-firewall is computed in their own nftables
// rules (exactly, over every packet that opens a connection), not in pve-firewall's: the fixed
// chains accept management and corosync first, REJECT to a guest is a DROP, a VNet has a chain,
// and an update that would fail is said, not hidden.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  loadFirewallState,
  type FirewallState,
} from '../../../server/src/core/plan/firewall-state';
import type { FwFileRef } from '../../../server/src/core/plan/fw-files';
import { analyseImpact } from '../../../server/src/core/plan/impact-analysis';
import type { PulledTopology } from '../../../server/src/core/plan/topology';

const NFT_HOST = '[OPTIONS]\nnftables: 1\n';

function state(files: Readonly<Record<string, string>>): FirewallState {
  const ref = (path: string): FwFileRef => {
    if (path === 'firewall/cluster.fw') return { kind: 'cluster' };
    const host = /^nodes\/([^/]+)\/host\.fw$/.exec(path);
    if (host) return { kind: 'host', node: host[1]! };
    const guest = /^firewall\/([0-9]+)\.fw$/.exec(path);
    if (guest) return { kind: 'guest', vmid: guest[1]!, node: 'pve1', type: 'qemu' };
    const vnet = /^sdn\/firewall\/(.+)\.fw$/.exec(path);
    if (vnet) return { kind: 'vnet', vnet: vnet[1]! };
    throw new Error(path);
  };
  return loadFirewallState(
    new Map(Object.entries(files).map(([path, text]) => [path, { ref: ref(path), text }])),
    { sdnIpSets: new Set() },
  );
}

const TOPOLOGY: PulledTopology = {
  localNode: 'pve1',
  nodes: [{ name: 'pve1', address: '192.0.2.11', addresses: ['192.0.2.11/24'] }],
  guests: [
    {
      vmid: 100,
      kind: 'vm',
      node: 'pve1',
      nics: [{ name: 'net0', bridge: 'vnet1', mac: 'BC:24:11:00:00:01', firewall: true }],
    },
  ],
};

/** The impact of replacing cluster.fw's rules `was` by `now`, on node pve1 (nftables). */
function clusterImpact(was: string, now: string) {
  const cluster = (rules: string) =>
    state({
      'firewall/cluster.fw': `[OPTIONS]\nenable: 1\n\n[RULES]\n${rules}\n`,
      'nodes/pve1/host.fw': NFT_HOST,
    });
  return analyseImpact(cluster(was), cluster(now), TOPOLOGY);
}

test('an nftables node: a cluster-wide DROP of port 22 changes nothing from its own network', () => {
  const impact = clusterImpact('IN ACCEPT -p tcp -dport 22', 'IN DROP -p tcp -dport 22');
  const ssh = impact.changes.filter((c) => c.where === 'host pve1');
  assert.ok(ssh.length > 0, 'the change is found');
  for (const c of ssh) {
    assert.match(c.flow, /^inbound tcp port 22 to pve1 from anywhere/);
    assert.equal(c.before, 'ACCEPT');
    assert.equal(c.after, 'DROP');
    assert.doesNotMatch(c.example ?? '', / 192\.0\.2\.\d+:\d+ →/);
  }
  // What decides, before and after: the lines of cluster.fw.
  assert.deepEqual(ssh[0]!.beforeBy, ['firewall/cluster.fw: IN ACCEPT -p tcp -dport 22']);
  assert.deepEqual(ssh[0]!.afterBy, ['firewall/cluster.fw: IN DROP -p tcp -dport 22']);
  // accept-management takes port 22 from the node's own network first, on nftables only.
  assert.ok(ssh.some((c) => c.flow.endsWith('from anywhere except +dc/management')));
  assert.match((impact.notes ?? []).join('\n'), /pve1 runs proxmox-firewall/);
});

test('an nftables node: REJECT to a guest is a DROP, so REJECT <-> DROP is no change there', () => {
  const guest = (verdict: string) =>
    state({
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
      'nodes/pve1/host.fw': NFT_HOST,
      'firewall/100.fw': `[OPTIONS]\nenable: 1\n\n[RULES]\nIN ${verdict} -p tcp -dport 80\n`,
    });
  assert.deepEqual(analyseImpact(guest('REJECT'), guest('DROP'), TOPOLOGY).changes, []);
  const accept = analyseImpact(guest('REJECT'), guest('ACCEPT'), TOPOLOGY).changes;
  assert.ok(accept.length > 0);
  for (const c of accept) {
    assert.equal(c.where, 'guest 100 net0');
    assert.equal(c.flow, 'inbound tcp port 80 to guest 100 from anywhere');
    assert.equal(c.before, 'DROP');
    assert.equal(c.after, 'ACCEPT');
  }
});

test('an nftables node: a VNet firewall switched on changes the VNet and the traffic to the node over it', () => {
  const files = {
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT\n',
    'nodes/pve1/host.fw': NFT_HOST,
  };
  const vnet = (enable: string) =>
    state({
      ...files,
      'sdn/firewall/vnet1.fw': `[OPTIONS]\nenable: ${enable}\npolicy_forward: DROP\n`,
    });
  const changes = analyseImpact(vnet('0'), vnet('1'), TOPOLOGY).changes;
  assert.ok(
    changes.some(
      (c) =>
        c.where === 'vnet vnet1 on pve1' &&
        c.flow === 'forwarded all traffic through vnet vnet1 from anywhere to anywhere' &&
        c.after === 'DROP',
    ),
  );
  // Traffic between the node and the VNet passes the VNet's chain first: even management.
  assert.ok(
    changes.some(
      (c) =>
        c.where === 'host pve1' &&
        /^inbound tcp ports 22, 3128, 5900–5999, 8006 to pve1 from \+dc\/management on vnet1$/.test(
          c.flow,
        ) &&
        c.after === 'DROP',
    ),
  );
});

test('an nftables node whose update would fail keeps its rules: no flow changes, a note says why', () => {
  const impact = clusterImpact('IN ACCEPT -p tcp -dport 22', 'IN DROP\nGROUP nosuch');
  assert.deepEqual(impact.changes, []);
  assert.match((impact.notes ?? []).join('\n'), /jump group-nosuch-in: no such chain/);
});
