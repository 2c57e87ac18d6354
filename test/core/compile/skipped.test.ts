// Compile-time failures: Proxmox warns and leaves the rule out for that NIC and family; the rest
// of the chain is built. Each case: a rule line, the family, and the message Proxmox prints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Topology } from '../../../server/src/core/model/topology';
import { compileTexts, ENABLED_CLUSTER } from './helpers';

const ONE_NIC: Topology = {
  localNode: 'proxself',
  localNetwork: '172.16.1.0/24',
  nodes: [],
  guests: [
    {
      vmid: 100,
      kind: 'vm',
      node: 'proxself',
      nics: [{ name: 'net0', bridge: 'vmbr0', mac: '0E:0B:38:B8:B3:21', firewall: true }],
    },
  ],
};

const CLUSTER = `${ENABLED_CLUSTER}[ALIASES]\ndcalias 192.168.1.1\n[IPSET dcset]\n10.0.0.0/8\n`;

const GUEST_CASES: [rule: string, messages: [4 | 6, string][]][] = [
  [
    'IN ACCEPT -source +guest/dcset',
    [
      [4, "no such ipset 'dcset'"],
      [6, "no such ipset 'dcset'"],
    ],
  ],
  // Alias references without a family of their own go into both rulesets.
  [
    'IN ACCEPT -dest guest/dcalias',
    [
      [4, "no such alias 'guest/dcalias'"],
      [6, "no such alias 'guest/dcalias'"],
    ],
  ],
  ['IN ACCEPT -p icmp -dport 300', [[4, "invalid icmp-type '300'"]]],
  ['IN ACCEPT -p icmpv6 -dport 256', [[6, "invalid icmp-type '256'"]]],
  [
    'IN ACCEPT -p icmp -dport neighbor-solicitation',
    [[4, "unknown icmp-type 'neighbor-solicitation'"]],
  ],
  ['IN ACCEPT -p ipv6-icmp -dport echo-request', [[6, 'protocol ipv6-icmp does not have ports']]],
];

for (const [rule, messages] of GUEST_CASES) {
  test(`skipped in a guest: ${rule}`, () => {
    const guest = `[OPTIONS]\nenable: 1\n[RULES]\n${rule}\nIN ACCEPT -p tcp -dport 22\n`;
    const result = compileTexts({ cluster: CLUSTER, guests: { 100: guest } }, ONE_NIC);
    assert.deepEqual(
      result.skipped.map((s) => [s.family, s.message]),
      messages,
    );
    for (const s of result.skipped) {
      assert.equal(s.chain, 'tap100i0-IN');
      assert.equal(s.origin?.path, '100.fw');
      assert.equal(s.origin?.lineNumber, 4);
    }
    // The next rule is still there.
    assert.ok(result.v4.chains.get('tap100i0-IN')!.some((r) => r.origin?.lineNumber === 5));
  });
}

test('host rules resolve +sets and aliases against cluster.fw only', () => {
  const result = compileTexts({
    cluster: CLUSTER,
    host: '[RULES]\nIN ACCEPT -source +dcset\nIN ACCEPT -source +guest/dcset\nIN DROP -source dc/dcalias\n',
  });
  assert.deepEqual(
    result.skipped.map((s) => [s.family, s.chain, s.origin?.lineNumber, s.message]),
    [
      [4, 'PVEFW-HOST-IN', 3, "no such ipset 'dcset'"],
      [6, 'PVEFW-HOST-IN', 3, "no such ipset 'dcset'"],
    ],
  );
  const user = result.v4.chains
    .get('PVEFW-HOST-IN')!
    .filter((r) => r.origin)
    .map((r) => r.text);
  assert.deepEqual(user, [
    '-A PVEFW-HOST-IN -m set --match-set PVEFW-0-dcset-v4 src -j RETURN',
    '-A PVEFW-HOST-IN -s 192.168.1.1 -j DROP',
  ]);
});

test('disabled rules and rules with verify errors are never compiled, and never reported', () => {
  const guest = '[OPTIONS]\nenable: 1\n[RULES]\n|IN ACCEPT -p tcp -dport 1\nIN ACCEPT -dport 2\n';
  const result = compileTexts({ cluster: CLUSTER, guests: { 100: guest } });
  assert.deepEqual(result.skipped, []);
  assert.ok(!result.v4.chains.get('tap100i0-IN')!.some((r) => r.origin));
});

test('nothing is generated without enable: 1 in cluster.fw', () => {
  const result = compileTexts({ cluster: '[OPTIONS]\nenable: 0\n', host: '[RULES]\nIN DROP\n' });
  assert.equal(result.enabled, false);
  assert.equal(result.v4.chains.size, 0);
});
