// Definition, references and highlights at `$0`, across files, with Proxmox's case and scope
// rules. Expectations are `path:line` lists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definitionAt, highlightsAt, referencesAt } from '../../../server/src/core';
import { fixture, where } from './fixture';

const CLUSTER =
  '[ALIASES]\nGateway 10.0.0.1\n\n[IPSET web]\n10.0.0.10\n\n[group tier]\nIN HTTP(ACCEPT) -source +web\n\n' +
  '[RULES]\nIN ACCEPT -source +web\nIN ACCEPT -source +Web\nIN ACCEPT -source GATEWAY\nGROUP tier\nGROUP Tier\n';
const GUEST =
  '[IPSET web]\n192.168.0.1\n\n[RULES]\nIN ACCEPT -source +web\nIN ACCEPT -source +dc/web\nGROUP tier\n';
const HOST = '[RULES]\nIN ACCEPT -source +web\nIN ACCEPT -dest gateway\n';

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly definition: readonly string[];
  readonly references: readonly string[];
}

const files = (marked: string, where: 'cluster' | 'guest' | 'host'): Record<string, string> => ({
  'firewall/cluster.fw': where === 'cluster' ? marked : CLUSTER,
  'firewall/100.fw': where === 'guest' ? marked : GUEST,
  'nodes/pve1/host.fw': where === 'host' ? marked : HOST,
});

const CASES: readonly Case[] = [
  {
    name: 'a cluster ipset: its exact-case references in cluster, dc/ in guests, and hosts',
    files: files(CLUSTER.replace('[IPSET web]', '[IPSET w$0eb]'), 'cluster'),
    definition: ['firewall/cluster.fw:4'],
    references: [
      'firewall/cluster.fw:8',
      'firewall/cluster.fw:11',
      'firewall/100.fw:6',
      'nodes/pve1/host.fw:2',
    ],
  },
  {
    name: 'an unscoped reference in a guest means the guest set',
    files: files(GUEST.replace('-source +web', '-source +w$0eb'), 'guest'),
    definition: ['firewall/100.fw:1'],
    references: ['firewall/100.fw:5'],
  },
  {
    name: '+Web matches nothing: ipset references are case-sensitive',
    files: files(CLUSTER.replace('+Web', '+W$0eb'), 'cluster'),
    definition: [],
    references: [],
  },
  {
    name: 'aliases are case-insensitive on both sides',
    files: files(HOST.replace('gateway', 'gate$0way'), 'host'),
    definition: ['firewall/cluster.fw:2'],
    references: ['firewall/cluster.fw:13', 'nodes/pve1/host.fw:3'],
  },
  {
    name: 'groups: references as written, from cluster.fw and guests',
    files: files(GUEST.replace('GROUP tier', 'GROUP ti$0er'), 'guest'),
    definition: ['firewall/cluster.fw:7'],
    references: ['firewall/cluster.fw:14', 'firewall/100.fw:7'],
  },
];

for (const c of CASES) {
  test(`navigation: ${c.name}`, () => {
    const { ws, fileId, offset, texts } = fixture(c.files);
    const lines = (found: readonly { fileId: string; span: { start: number } }[]): string[] =>
      found.map((f) => where(texts, f.fileId, f.span.start));
    assert.deepEqual(lines(definitionAt(ws, fileId, offset)), c.definition);
    assert.deepEqual(
      lines(referencesAt(ws, fileId, offset, false)).sort(),
      [...c.references].sort(),
    );
  });
}

test('navigation: highlights mark the definition as written and the uses as read', () => {
  const { ws, fileId, offset, texts } = fixture(
    files(CLUSTER.replace('-source +web\nIN', '-source +w$0eb\nIN'), 'cluster'),
  );
  const found = highlightsAt(ws, fileId, offset).map(
    (h) => `${where(texts, fileId, h.span.start)} ${h.write ? 'write' : 'read'}`,
  );
  assert.deepEqual(found, [
    'firewall/cluster.fw:4 write',
    'firewall/cluster.fw:8 read',
    'firewall/cluster.fw:11 read',
  ]);
});
