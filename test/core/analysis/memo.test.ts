// The incremental analysis an editor runs (a ReachabilityMemo kept between analyses) must give
// exactly what a fresh analysis gives, whatever the edit: checked over a chain of random edits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkReachability,
  ReachabilityMemo,
  buildClusterModel,
  type ClusterModel,
} from '../../../server/src/core';
import { generateWorkspace, rng } from '../../bench/generate';

const EXTRA_RULES = [
  'IN ACCEPT -p tcp -dport 22',
  'IN DROP -p tcp -dport 20:30 -source 10.0.0.0/8',
  'OUT REJECT -p udp -dport 53',
  'IN ACCEPT -p tcp -dport 2005 -source +set1',
  'GROUP grp3',
  '|IN DROP -p tcp -dport 80',
  'IN HTTP(ACCEPT) -i net1',
  'IN ACCEPT -p icmp -icmp-type echo-request',
];

type Edit = (lines: string[], pick: () => number) => void;

const EDITS: Edit[] = [
  (lines, pick) => {
    const i = rulesAt(lines, pick);
    lines[i] = lines[i]!.replace(/-dport [0-9]+/, `-dport ${1 + Math.floor(pick() * 3000)}`);
  },
  (lines, pick) =>
    void lines.splice(
      rulesAt(lines, pick),
      0,
      EXTRA_RULES[Math.floor(pick() * EXTRA_RULES.length)]!,
    ),
  (lines, pick) => void lines.splice(rulesAt(lines, pick), 1),
  (lines, pick) => {
    const i = rulesAt(lines, pick);
    lines[i] = lines[i]!.startsWith('|') ? lines[i]!.slice(1) : `|${lines[i]}`;
  },
  (lines, pick) => {
    // Move a rule somewhere else.
    const [moved] = lines.splice(rulesAt(lines, pick), 1);
    lines.splice(rulesAt(lines, pick), 0, moved!);
  },
];

/** A line of the [RULES] section; a section that edits have emptied gets a rule first. */
function rulesAt(lines: string[], pick: () => number): number {
  const first = lines.indexOf('[RULES]') + 1;
  if (lines.length === first) lines.push(EXTRA_RULES[0]!);
  return first + Math.floor(pick() * (lines.length - first));
}

function files(cluster: string, guest: string, host: string): ClusterModel {
  return buildClusterModel({
    cluster: { path: 'cluster.fw', text: cluster },
    hosts: [{ node: 'pve1', file: { path: 'host.fw', text: host } }],
    guests: [{ vmid: 100, file: { path: '100.fw', text: guest } }],
    topology: {
      path: 'topology.json',
      topology: {
        localNode: 'pve1',
        localNetwork: '192.168.1.0/24',
        nodes: [{ name: 'pve1' }],
        guests: [
          {
            vmid: 100,
            kind: 'vm',
            node: 'pve1',
            nics: [
              { name: 'net0', bridge: 'vmbr0', firewall: true },
              { name: 'net1', bridge: 'vmbr0', firewall: true },
            ],
          },
        ],
      },
    },
    sdnIpSets: [],
  });
}

test('an analysis with a memo finds exactly what a fresh one does, edit after edit', () => {
  const ws = generateWorkspace(150, 7);
  const pick = rng(42);
  const guest = ws.guest.split('\n');
  const cluster = ws.cluster.split('\n');
  const host = [
    '[OPTIONS]',
    'enable: 1',
    '[RULES]',
    'IN ACCEPT -p tcp -dport 22',
    'IN DROP -p tcp -dport 23',
  ];
  const memo = new ReachabilityMemo();
  let compared = 0;
  for (let step = 0; step < 60; step++) {
    const target = pick();
    const edit = EDITS[Math.floor(pick() * EDITS.length)]!;
    if (target < 0.7) edit(guest, pick);
    else if (target < 0.85) edit(host, pick);
    else {
      // A cluster edit: a rule, or an ipset entry of a set the guest uses.
      const set = cluster.indexOf('[IPSET set4]');
      if (pick() < 0.5) cluster.splice(set + 1, 0, `10.200.${step}.0/24`);
      else edit(cluster, pick);
    }
    const input = files(cluster.join('\n'), guest.join('\n'), host.join('\n'));
    const incremental = checkReachability(input, {}, memo);
    const fresh = checkReachability(input);
    assert.deepEqual(incremental, fresh, `after edit ${step}`);
    compared += [...fresh.values()].reduce((n, f) => n + f.length, 0);
  }
  assert.ok(compared > 200, `compared ${compared} findings`);
});
