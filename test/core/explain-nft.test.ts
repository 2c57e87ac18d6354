// Issue 13: pvefw explain on a node that runs proxmox-firewall. Its log rules carry the prefix
// `:VMID:LEVEL:CHAIN: VERDICT: ` (proxmox-nftables' Log::generate_prefix), which pvefw-logger
// writes as `VMID LEVEL CHAIN TIME VERDICT: …` — with proxmox-firewall's chain names
// (cluster-in, guest-100-in, bridge-vnet1…) and the bare verdict for a policy. The answer comes
// from the nftables model: the rule it meets last, fixed rules named, the flip checked there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterSources, Topology } from '../../server/src/core';
import { explainLogLines } from '../../server/src/core/explain/explain';

const TOPOLOGY: Topology = {
  localNode: 'pve1',
  nodes: [{ name: 'pve1', address: '192.168.1.2' }],
  guests: [
    {
      vmid: 100,
      kind: 'vm',
      node: 'pve1',
      nics: [{ name: 'net0', bridge: 'vmbr0', firewall: true, mac: 'BC:24:11:00:00:01' }],
    },
    {
      vmid: 101,
      kind: 'vm',
      node: 'pve1',
      nics: [{ name: 'net0', bridge: 'vnet1', firewall: true, mac: 'BC:24:11:00:00:02' }],
    },
    {
      vmid: 102,
      kind: 'vm',
      node: 'pve1',
      nics: [{ name: 'net0', bridge: 'vnet1', firewall: true, mac: 'BC:24:11:00:00:03' }],
    },
  ],
};

const SOURCES: ClusterSources = {
  cluster: {
    path: 'firewall/cluster.fw',
    text: '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\nIN DROP -p tcp -dport 3306 -log info\n',
  },
  hosts: [{ node: 'pve1', file: { path: 'nodes/pve1/host.fw', text: '[OPTIONS]\nnftables: 1\n' } }],
  guests: [
    {
      vmid: 100,
      file: {
        path: 'firewall/100.fw',
        text: '[OPTIONS]\nenable: 1\npolicy_in: DROP\nlog_level_in: info\n\n[RULES]\nIN ACCEPT -p tcp -dport 80\n',
      },
    },
  ],
  vnets: [
    {
      name: 'vnet1',
      file: {
        path: 'sdn/firewall/vnet1.fw',
        text: '[OPTIONS]\nenable: 1\npolicy_forward: DROP\nlog_level_forward: info\n\n[RULES]\nFORWARD ACCEPT -p tcp -dport 22\n',
      },
    },
  ],
  topology: { path: 'topology.json', topology: TOPOLOGY },
};

const TIME = '03/Dec/2026:13:56:43 +0100';

test("a guest's policy drop logged by proxmox-firewall: the nftables chain, the fix checked there", () => {
  const line = `100 6 guest-100-in ${TIME} DROP: IN=vmbr0 OUT=tap100i0 MAC=bc:24:11:00:00:01:aa:bb:cc:dd:ee:ff:08:00 SRC=203.0.113.5 DST=192.168.1.100 LEN=60 PROTO=TCP SPT=51234 DPT=22 SYN`;
  const [e] = explainLogLines(SOURCES, [line]);
  assert.equal(e?.error, undefined);
  assert.equal(e?.verdict, 'DROP');
  assert.equal(e?.agrees, true);
  assert.match(e?.decidedBy?.builtin ?? '', /^proxmox-firewall, bridge guest-100-in: drop$/);
  assert.deepEqual(e?.flip, {
    rule: 'IN ACCEPT -source 203.0.113.5 -p tcp -dport 22',
    path: 'firewall/100.fw',
    beforeLine: 8,
    where: 'after the last rule (line 7)',
    then: 'ACCEPT',
  });
  assert.ok(e?.trace.some((t) => t.includes('guest-100-in')));
});

test("a cluster rule's log line on the node: the rule that decided, and the fix just before it", () => {
  const line = `0 6 cluster-in ${TIME} DROP: IN=vmbr0 SRC=198.51.100.7 DST=192.168.1.2 LEN=60 PROTO=TCP SPT=40000 DPT=3306 SYN`;
  const [e] = explainLogLines(SOURCES, [line]);
  assert.equal(e?.verdict, 'DROP');
  assert.equal(e?.decidedBy?.origin?.path, 'firewall/cluster.fw');
  assert.equal(e?.decidedBy?.origin?.lineNumber, 6);
  assert.equal(e?.flip?.beforeLine, 6);
  assert.equal(e?.flip?.then, 'ACCEPT');
});

test("a packet proxmox-firewall's fixed rules reject: named, and no edit turns it around", () => {
  const line = `0 6 cluster-in ${TIME} ACCEPT: IN=vmbr0 SRC=198.51.100.7 DST=192.168.1.2 LEN=60 PROTO=TCP SPT=40000 DPT=445 SYN`;
  const [e] = explainLogLines(SOURCES, [line]);
  assert.equal(e?.verdict, 'REJECT');
  assert.equal(e?.agrees, false);
  assert.match(e?.decidedBy?.builtin ?? '', /inet default-in: tcp dport \{ 135, 139, 445 \}/);
  assert.equal(e?.flip, undefined);
  assert.match(e?.noFlip ?? '', /changes nothing/);
});

test("a VNet's policy drop: the packet between two guests on the VNet, a FORWARD rule as the fix", () => {
  const line = `0 6 bridge-vnet1 ${TIME} DROP: IN=tap101i0 OUT=tap102i0 SRC=10.1.0.11 DST=10.1.0.12 LEN=60 PROTO=TCP SPT=40000 DPT=8080 SYN`;
  const [e] = explainLogLines(SOURCES, [line]);
  assert.equal(e?.error, undefined);
  assert.equal(e?.verdict, 'DROP');
  assert.match(e?.decidedBy?.builtin ?? '', /bridge bridge-vnet1: drop/);
  assert.deepEqual(e?.flip, {
    rule: 'FORWARD ACCEPT -source 10.1.0.11 -dest 10.1.0.12 -p tcp -dport 8080',
    path: 'sdn/firewall/vnet1.fw',
    beforeLine: 8,
    where: 'after the last rule (line 7)',
    then: 'ACCEPT',
  });
});

test('an edit that would fail the file is no fix: proxmox-firewall would keep the old ruleset', () => {
  const bare: ClusterSources = {
    ...SOURCES,
    cluster: { path: 'firewall/cluster.fw', text: '[OPTIONS]\nenable: 1\n' },
  };
  const line = `0 6 cluster-in ${TIME} DROP: IN=vmbr0 SRC=198.51.100.7 DST=192.168.1.2 LEN=60 PROTO=TCP SPT=40000 DPT=8080 SYN`;
  const [e] = explainLogLines(bare, [line]);
  assert.equal(e?.verdict, 'DROP');
  assert.equal(e?.flip, undefined);
  assert.match(e?.noFlip ?? '', /would stop the update/);
});

test('a REJECT logged on the way to a guest is the DROP proxmox-firewall makes of it: the line agrees', () => {
  const sources: ClusterSources = {
    ...SOURCES,
    guests: [
      {
        vmid: 100,
        file: {
          path: 'firewall/100.fw',
          text: '[OPTIONS]\nenable: 1\n\n[RULES]\nIN REJECT -p tcp -dport 25 -log info\n',
        },
      },
    ],
  };
  const line = `100 6 guest-100-in ${TIME} REJECT: IN=vmbr0 OUT=tap100i0 SRC=203.0.113.5 DST=192.168.1.100 LEN=60 PROTO=TCP SPT=51234 DPT=25 SYN`;
  const [e] = explainLogLines(sources, [line]);
  assert.equal(e?.verdict, 'DROP');
  assert.equal(e?.agrees, true);
  assert.equal(e?.decidedBy?.origin?.lineNumber, 5);
});
