// Hover at `$0`: the Markdown mentions what matters (membership, address, expansion, rules…).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hoverAt, type HoverSectionProvider } from '../../../server/src/core';
import { fixture } from './fixture';

const CLUSTER =
  '[ALIASES]\ngateway 10.0.0.1 # the router\nv6net fd00::/64\n\n' +
  '[IPSET lan] # office\n10.0.0.0/8\n!10.1.0.0/16\n10.1.2.0/24\ngateway\nfd00::/64\n10.5.0.0/99\n\n' +
  '[group web] # web tier\nIN HTTP(ACCEPT)\nIN HTTPS(ACCEPT) -source +lan\n\n' +
  '[RULES]\nIN ACCEPT -source +lan -p tcp -dport 22\n';

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly contains: readonly string[];
  readonly lacks?: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'an ipset: effective membership, nomatch applied, most specific prefix wins',
    files: { 'firewall/cluster.fw': CLUSTER.replace('[IPSET lan]', '[IPSET l$0an]') },
    contains: [
      '**ipset** `lan` · cluster.fw line 5 — office',
      '`10.0.0.0/16`',
      '`10.1.2.0/24`',
      '`10.2.0.0 – 10.255.255.255`',
      'IPv6: `fd00::/64`',
      '`10.5.0.0/99` (the prefix is longer than the address)',
      '6 entries, 1 with `!`',
      'Used by 2 rules.', // the [group] rule and the [RULES] rule
    ],
  },
  {
    name: 'an ipset of aliases: each resolved to its address, a missing one never loaded',
    files: {
      'firewall/cluster.fw':
        '[ALIASES]\ngateway 192.0.2.1\n\n[IPSET g$0w]\ngateway\nnosuch\n\n[RULES]\nIN ACCEPT -source +gw -p tcp -dport 22\n',
    },
    contains: [
      'IPv4: `192.0.2.1` (1 addresses)',
      'IPv6: none',
      "2 entries. Never loaded: `nosuch` (no such alias 'nosuch').",
      'Used by 1 rule.',
    ],
  },
  {
    name: 'a guest reference to a cluster set counts uses across files',
    files: {
      'firewall/cluster.fw': CLUSTER,
      'firewall/100.fw': '[RULES]\nIN ACCEPT -source +l$0an\n',
    },
    contains: ['cluster.fw line 5', 'Used by 3 rules in 2 files'],
  },
  {
    name: 'a guest set shadows the cluster set of the same name',
    files: {
      'firewall/cluster.fw': CLUSTER,
      'firewall/100.fw': '[IPSET lan]\n192.168.1.0/24\n\n[RULES]\nIN ACCEPT -source +l$0an\n',
    },
    contains: ['100.fw line 1', '`192.168.1.0/24`'],
    lacks: ['office'],
  },
  {
    name: 'a scoped reference that only the parser accepts says the rule is skipped',
    files: { 'firewall/cluster.fw': CLUSTER + 'IN ACCEPT -source +guest/l$0an\n' },
    contains: ['the rule is skipped'],
  },
  {
    name: 'an alias: its address and where it is defined',
    files: { 'firewall/cluster.fw': CLUSTER + 'IN ACCEPT -source gate$0way\n' },
    contains: ['**alias** `gateway` = `10.0.0.1` (IPv4) · cluster.fw line 2 — the router'],
  },
  {
    name: 'a macro: its expansion for each family',
    files: { 'firewall/cluster.fw': '[RULES]\nIN Pi$0ng(ACCEPT)\n' },
    contains: ['**Ping**', 'IPv4:', 'IPv6:', '`icmp`', '`echo-request`'],
  },
  {
    name: 'a group: its rules and its uses',
    files: { 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': '[RULES]\nGROUP w$0eb -i net0\n' },
    contains: ['**security group** `web`', 'IN HTTP(ACCEPT)', 'Used by 1 GROUP rule'],
  },
  {
    name: 'an option: meaning, default and values',
    files: { 'firewall/100.fw': '[OPTIONS]\npolicy_$0in: DROP\n' },
    contains: ['**policy_in**', 'Default: `DROP`', '`ACCEPT`'],
  },
  {
    name: 'a rule: one plain sentence',
    files: { 'firewall/100.fw': '[RULES]\nIN ACCEPT -i net0 -p tcp -dp$0ort 22,80 -log info\n' },
    contains: ['Accept incoming TCP to ports 22,80 on net0, logged at level info.'],
  },
  {
    name: 'a disabled rule with an error says what Proxmox does with it',
    files: { 'firewall/100.fw': '[RULES]\n|IN accept -p tcp$0\n' },
    contains: ['Disabled with `|`', "never applies it: unknown action 'accept'"],
  },
];

for (const c of CASES) {
  test(`hover: ${c.name}`, () => {
    const { ws, fileId, offset } = fixture(c.files);
    const text = hoverAt(ws, fileId, offset)?.sections.join('\n\n') ?? '';
    for (const part of c.contains) assert.ok(text.includes(part), `has ${part}\n---\n${text}`);
    for (const part of c.lacks ?? [])
      assert.ok(!text.includes(part), `lacks ${part}\n---\n${text}`);
  });
}

test('hover: providers add sections (the extension point for reachability)', () => {
  const { ws, fileId, offset } = fixture({ 'firewall/100.fw': '[RULES]\nIN ACC$0EPT -p tcp\n' });
  const reach: HoverSectionProvider = (_ws, _file, target) =>
    target.kind === 'rule' ? [`rule on line ${target.line.line.number}`] : undefined;
  assert.deepEqual(hoverAt(ws, fileId, offset, [reach])?.sections.at(-1), 'rule on line 2');
});

test('hover: nothing on blank lines and plain headers', () => {
  const { ws, fileId, offset } = fixture({ 'firewall/100.fw': '[RU$0LES]\n\n' });
  assert.equal(hoverAt(ws, fileId, offset), undefined);
});
