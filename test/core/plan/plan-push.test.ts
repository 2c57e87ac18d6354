// planPush on small cluster.fw pairs: data in (the cluster's file, the workspace's file), the
// ordered calls out, as their one-line summaries. Also the invariants every plan must keep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFirewallState } from '../../../server/src/core/plan/firewall-state';
import { planPush, type PushPlan } from '../../../server/src/core/plan/plan-push';

function plan(remote: string, local: string): PushPlan {
  const state = (text: string) =>
    loadFirewallState(
      new Map([['firewall/cluster.fw', { ref: { kind: 'cluster' as const }, text }]]),
      { sdnIpSets: new Set() },
    );
  return planPush(state(local), state(remote));
}

const ON = '[OPTIONS]\nenable: 1\n\n';
const rules = (...lines: string[]): string => `${ON}[RULES]\n\n${lines.join('\n')}\n`;
const A = 'IN ACCEPT -p tcp -dport 22';
const B = 'IN ACCEPT -p tcp -dport 80';
const C = 'IN DROP -p tcp -dport 23';
const D = 'IN REJECT -p udp -dport 69';

const CASES: { name: string; remote: string; local: string; calls: string[] }[] = [
  { name: 'identical files', remote: rules(A, B), local: rules(A, B), calls: [] },
  {
    name: 'comments and blank lines only',
    remote: rules(A, B),
    local: `# mine\n${rules(A, '', B)}`,
    calls: [],
  },
  {
    name: 'a new rule in a live list: created disabled, moved, then enabled',
    remote: rules(A, B),
    local: rules(A, C, B),
    calls: [
      'create disabled at position 0: |IN DROP -p tcp -dport 23',
      'move rule 0 before position 2: |IN DROP -p tcp -dport 23',
      'enable rule 1: IN DROP -p tcp -dport 23',
    ],
  },
  {
    name: 'the firewall is off: rules are created as they are meant to be',
    remote: '[RULES]\n\nIN ACCEPT -p tcp -dport 22\n',
    local: '[RULES]\n\nIN DROP -p tcp -dport 23\nIN ACCEPT -p tcp -dport 22\n',
    calls: ['create at position 0: IN DROP -p tcp -dport 23'],
  },
  {
    name: 'a swap is one move',
    remote: rules(A, B, C),
    local: rules(B, A, C),
    calls: ['move rule 1 before position 0: IN ACCEPT -p tcp -dport 80'],
  },
  {
    name: 'a changed comment is one update',
    remote: rules(A, B),
    local: rules(A, `${B} # web`),
    calls: ['update rule 1: IN ACCEPT -p tcp -dport 80 # web'],
  },
  {
    name: 'a changed port in place is one update',
    remote: rules(A, B),
    local: rules(A, 'IN ACCEPT -p tcp -dport 8080'),
    calls: ['update rule 1: IN ACCEPT -p tcp -dport 8080'],
  },
  {
    name: 'removals last, denials before allowances',
    remote: rules(A, C, B, D),
    local: rules(),
    calls: [
      'delete rule 1: IN DROP -p tcp -dport 23',
      'delete rule 2: IN REJECT -p udp -dport 69',
      'delete rule 0: IN ACCEPT -p tcp -dport 22',
      'delete rule 0: IN ACCEPT -p tcp -dport 80',
    ],
  },
  {
    name: 'ipset entries one by one, the stored form compared (host bits, /32)',
    remote: `${ON}[IPSET office]\n\n10.1.0.0/16\n10.2.0.1\n`,
    local: `${ON}[IPSET office]\n\n10.1.2.3/16\n10.2.0.1/32 # printer\n10.3.0.0/16\n`,
    calls: ['update 10.2.0.1 # printer in ipset office', 'add 10.3.0.0/16 to ipset office'],
  },
  {
    name: 'a new rule using a new alias and ipset: objects first',
    remote: rules(A),
    local: `${ON}[ALIASES]\n\nlab 192.0.2.0/24\n\n[IPSET admins]\n\nlab\n\n[RULES]\n\nIN ACCEPT -source +admins -p tcp -dport 8006\n${A}\n`,
    calls: [
      'create alias lab 192.0.2.0/24',
      'create ipset admins',
      'add lab to ipset admins',
      'create disabled at position 0: |IN ACCEPT -source +admins -p tcp -dport 8006',
      'enable rule 0: IN ACCEPT -source +admins -p tcp -dport 8006',
    ],
  },
  {
    name: 'options in one call after the rules, before removals',
    remote: `${ON}[RULES]\n\n${A}\n`,
    local: '[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n[RULES]\n\nOUT ACCEPT -p tcp -dport 80\n',
    calls: [
      'create disabled at position 0: |OUT ACCEPT -p tcp -dport 80',
      'enable rule 0: OUT ACCEPT -p tcp -dport 80',
      'options policy_in: DROP',
      'delete rule 1: IN ACCEPT -p tcp -dport 22',
    ],
  },
];

for (const { name, remote, local, calls } of CASES) {
  test(name, () => {
    const result = plan(remote, local);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.operations.map((op) => op.summary.replace(/^firewall\/cluster\.fw: /, '')),
      calls,
    );
  });
}

test('digests chain: each call on a list sends the digest the previous one left', () => {
  const result = plan(rules(A, B, C, D), rules(D, `${B} # x`, 'IN ACCEPT -p tcp -dport 443', A));
  const last = new Map<string, string>();
  for (const op of result.operations) {
    const previous = last.get(op.list);
    if (previous !== undefined) assert.equal(op.digestBefore, previous, op.summary);
    if ('digest' in op.request.params) assert.equal(op.request.params['digest'], op.digestBefore);
    last.set(op.list, op.digestAfter);
  }
  assert.ok(result.operations.length > 0);
  assert.equal(
    plan(
      rules(D, `${B} # x`, 'IN ACCEPT -p tcp -dport 443', A),
      rules(D, `${B} # x`, 'IN ACCEPT -p tcp -dport 443', A),
    ).operations.length,
    0,
  );
});

test('what the API refuses is a problem, not a call', () => {
  const result = plan(rules(A), rules(A, 'IN ACCEPT -dport 80', 'IN ACCEPT -source +nosuch'));
  assert.deepEqual(
    result.problems.map((p) => p.message),
    [
      "Proxmox refuses the rule 'IN ACCEPT -source +nosuch' (source: no such ipset 'nosuch'); fix it before pushing",
      "Proxmox refuses the rule 'IN ACCEPT -dport 80' (proto: missing property - 'dport' requires this property); fix it before pushing",
    ],
  );
});

test('files are planned in one order: cluster, hosts, guests by number, then VNets', () => {
  type Ref =
    | { kind: 'cluster' }
    | { kind: 'host'; node: string }
    | { kind: 'guest'; vmid: string; node: string; type: 'qemu' | 'lxc' }
    | { kind: 'vnet'; vnet: string };
  const files: [string, Ref][] = [
    ['firewall/100.fw', { kind: 'guest', vmid: '100', node: 'pve1', type: 'qemu' }],
    ['sdn/firewall/vnet1.fw', { kind: 'vnet', vnet: 'vnet1' }],
    ['firewall/20.fw', { kind: 'guest', vmid: '20', node: 'pve1', type: 'lxc' }],
    ['nodes/pve1/host.fw', { kind: 'host', node: 'pve1' }],
    ['firewall/cluster.fw', { kind: 'cluster' }],
  ];
  const state = (text: (path: string) => string) =>
    loadFirewallState(new Map(files.map(([path, ref]) => [path, { ref, text: text(path) }])), {
      sdnIpSets: new Set(),
    });
  const remote = state((path) => (path === 'firewall/cluster.fw' ? ON : '[OPTIONS]\nenable: 1\n'));
  const local = state((path) =>
    path === 'firewall/cluster.fw'
      ? rules(A)
      : `[OPTIONS]\nenable: 1\n\n[RULES]\n\n${path.startsWith('sdn/') ? 'FORWARD ACCEPT -p tcp -dport 80' : B}\n`,
  );
  const result = planPush(local, remote);
  assert.deepEqual(result.problems, []);
  const order = [...new Set(result.operations.map((op) => op.file))];
  assert.deepEqual(order, [
    'firewall/cluster.fw',
    'nodes/pve1/host.fw',
    'firewall/20.fw',
    'firewall/100.fw',
    'sdn/firewall/vnet1.fw',
  ]);
});
