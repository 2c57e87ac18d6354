// pvefw explain: log lines as pvefw-logger writes them, read back into packets, simulated in the
// cluster model, answered with the deciding rule and the smallest edit that turns it around.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClusterModel, type ClusterSources, type Topology } from '../../server/src/core';
import { explainLogLines, explainLogLinesIn } from '../../server/src/core/explain/explain';
import { guestZone } from '../../server/src/core/explain/guest-zone';
import { parseLogLine } from '../../server/src/core/explain/log-line';

const TCP_SYN =
  '100 6 tap100i0-IN 03/Dec/2026:13:56:43 +0100 policy DROP: IN=fwbr100i0 OUT=fwbr100i0 PHYSIN=fwln100i0 PHYSOUT=tap100i0 MAC=bc:24:11:00:00:01:aa:bb:cc:dd:ee:ff:08:00 SRC=203.0.113.5 DST=192.168.1.100 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 SEQ=1 ACK=0 WINDOW=64240 SYN URGP=0 ';

test('a log line reads back into its packet, also behind a journal prefix', () => {
  const parsed = parseLogLine(TCP_SYN);
  assert.ok(parsed.ok);
  assert.deepEqual(
    {
      vmid: parsed.packet.vmid,
      chain: parsed.packet.chain,
      message: parsed.packet.message,
      action: parsed.packet.action,
      byPolicy: parsed.packet.byPolicy,
      proto: parsed.packet.proto,
      ports: [parsed.packet.sport, parsed.packet.dport],
      flags: parsed.packet.flags,
      physOut: parsed.packet.devices.physOut,
    },
    {
      vmid: 100,
      chain: 'tap100i0-IN',
      message: 'policy DROP',
      action: 'DROP',
      byPolicy: true,
      proto: 'tcp',
      ports: [51234, 22],
      flags: ['DF', 'SYN'],
      physOut: 'tap100i0',
    },
  );
  const journal = parseLogLine(
    'Dec 03 13:56:43 pve1 pvefw-logger[812]: 0 6 PVEFW-HOST-IN 03/Dec/2026:13:56:43 +0100 DROP: IN=vmbr0 SRC=2001:db8::5 DST=2001:db8::2 LEN=64 TC=0 FLOWLBL=0 HOPLIMIT=64 PROTO=ICMPV6 TYPE=128 CODE=0 ID=7 SEQ=1',
  );
  assert.ok(journal.ok);
  assert.equal(journal.packet.family, 6);
  assert.equal(journal.packet.proto, 'icmpv6');
  assert.deepEqual(journal.packet.icmp, { type: 128, code: 0 });
  assert.equal(parseLogLine('starting pvefw-logger').ok, false);
  assert.equal(parseLogLine('100 6 tap100i0-IN 03/Dec/2026:13:56:43 +0100 DROP: IN=x').ok, false);
});

const TOPOLOGY: Topology = {
  localNode: 'pve1',
  localNetwork: '192.168.1.0/24',
  nodes: [{ name: 'pve1', address: '192.168.1.2' }],
  guests: [
    {
      vmid: 100,
      kind: 'vm',
      node: 'pve1',
      nics: [{ name: 'net0', bridge: 'vmbr0', firewall: true }],
    },
  ],
};

const SOURCES: ClusterSources = {
  cluster: { path: 'firewall/cluster.fw', text: '[OPTIONS]\nenable: 1\n' },
  hosts: [
    {
      node: 'pve1',
      file: {
        path: 'nodes/pve1/host.fw',
        text: '[RULES]\nIN ACCEPT -p tcp -dport 22 -source 10.0.0.0/24\n',
      },
    },
  ],
  guests: [
    {
      vmid: 100,
      file: {
        path: 'firewall/100.fw',
        text: '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\nIN DROP -p tcp -dport 3306 -log info\n',
      },
    },
  ],
  topology: { path: 'topology.json', topology: TOPOLOGY },
};

test('a packet the policy dropped: the fix goes after the last rule, and is checked', () => {
  const [e] = explainLogLines(SOURCES, [TCP_SYN]);
  assert.equal(e?.verdict, 'DROP');
  assert.equal(e?.agrees, true);
  assert.equal(e?.decidedBy?.builtin, 'policy DROP');
  assert.deepEqual(e?.flip, {
    rule: 'IN ACCEPT -source 203.0.113.5 -p tcp -dport 22',
    path: 'firewall/100.fw',
    beforeLine: 8,
    where: 'after the last rule (line 7)',
    then: 'ACCEPT',
  });
});

test("a packet a user's rule dropped: the fix goes just before that rule", () => {
  const line = TCP_SYN.replace('policy DROP:', 'DROP:').replace('DPT=22', 'DPT=3306');
  const [e] = explainLogLines(SOURCES, [line]);
  assert.deepEqual(e?.decidedBy?.origin?.lineNumber, 7);
  assert.equal(e?.flip?.beforeLine, 7);
  assert.equal(e?.flip?.then, 'ACCEPT');
});

test('an accepted packet on the host: the fix that drops it is checked too', () => {
  const line =
    '0 6 PVEFW-HOST-IN 03/Dec/2026:13:56:45 +0100 ACCEPT: IN=vmbr0 SRC=10.0.0.7 DST=192.168.1.2 LEN=60 PROTO=TCP SPT=40000 DPT=22 SYN';
  const [e] = explainLogLines(SOURCES, [line]);
  assert.equal(e?.verdict, 'ACCEPT');
  assert.equal(e?.decidedBy?.origin?.path, 'nodes/pve1/host.fw');
  assert.equal(e?.flip?.rule, 'IN DROP -source 10.0.0.7 -p tcp -dport 22');
  assert.equal(e?.flip?.then, 'DROP');
});

test('a mid-connection packet is simulated as established, and a line the files disagree with says so', () => {
  const ack = TCP_SYN.replace(' SYN ', ' ACK ').replace('policy DROP:', 'ACCEPT:');
  const [established] = explainLogLines(SOURCES, [ack]);
  assert.equal(established?.state, 'established');
  assert.equal(established?.verdict, 'ACCEPT');
  const [disagrees] = explainLogLines(SOURCES, [TCP_SYN.replace('policy DROP:', 'ACCEPT:')]);
  assert.equal(disagrees?.agrees, false);
});

test('a model built beforehand (as the editor builds it) explains as the sources alone do', () => {
  const lines = [TCP_SYN, TCP_SYN.replace('DPT=22', 'DPT=3306'), 'not a log line'];
  const model = buildClusterModel(SOURCES);
  const built = explainLogLinesIn({ sources: SOURCES, model }, lines);
  assert.deepEqual(built, explainLogLines(SOURCES, lines));
  assert.equal(built[0]?.node, 'pve1');
  assert.equal(built[0]?.flip?.then, 'ACCEPT', 'the flip is still checked against the sources');
  assert.deepEqual(
    explainLogLinesIn({ sources: SOURCES, model }, lines, 'pve2'),
    explainLogLines(SOURCES, lines, 'pve2'),
  );
});

test("a guest NIC's bridge port names its zone: tap for a VM, veth for a container", () => {
  assert.equal(guestZone('tap100i0'), 'vm100i0');
  assert.equal(guestZone('veth200i3'), 'ct200i3');
  for (const other of ['vmbr0', 'fwln100i0', 'tap100', 'tap100i0x', 'eth0', undefined])
    assert.equal(guestZone(other), undefined, other);
});
