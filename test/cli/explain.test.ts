// `pvefw explain` as a user runs it: log lines as arguments or from a file, against a folder.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, makeTree, pvefw, writeTree } from './helpers';

const root = makeTree({
  'pve/firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
  'pve/firewall/100.fw':
    '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\n',
  'pve/topology.json': JSON.stringify({
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
  }),
});
after(() => cleanup(root));

const LINE =
  '100 6 tap100i0-IN 03/Dec/2026:13:56:43 +0100 policy DROP: IN=fwbr100i0 OUT=fwbr100i0 PHYSIN=fwln100i0 PHYSOUT=tap100i0 SRC=203.0.113.5 DST=192.168.1.100 LEN=60 PROTO=TCP SPT=51234 DPT=22 SYN';

test('explain: the deciding rule, the path and the checked edit, from arguments', () => {
  const result = pvefw(['explain', '--dir', 'pve', LINE], root);
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stdout,
    /pvefw: DROP by Proxmox's built-in rule \(policy DROP\) on node pve1/,
  );
  assert.match(result.stdout, /tap100i0-IN #\d+: -j DROP/);
  assert.match(
    result.stdout,
    /to turn it around: add 'IN ACCEPT -source 203\.0\.113\.5 -p tcp -dport 22' to pve\/firewall\/100\.fw after the last rule \(line 6\); then: ACCEPT/,
  );
});

test('explain --file: many lines summed up per deciding rule; a line it cannot read fails', () => {
  writeTree(root, {
    'fw.log': [
      LINE,
      LINE.replace('DPT=22', 'DPT=443').replace('policy DROP:', 'ACCEPT:'),
      LINE,
      '',
    ].join('\n'),
  });
  const result = pvefw(['explain', '--dir', 'pve', '--file', 'fw.log', '--format', 'json'], root);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as {
    summary: { by: string; verdict: string; count: number }[];
  };
  assert.deepEqual(
    report.summary.map((s) => [s.count, s.verdict]),
    [
      [2, 'DROP'],
      [1, 'ACCEPT'],
    ],
  );
  const bad = pvefw(['explain', '--dir', 'pve', 'not a log line'], root);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /cannot explain: not a pve-firewall log line/);
  const none = pvefw(['explain', '--dir', 'pve'], root);
  assert.equal(none.status, 2);
});
