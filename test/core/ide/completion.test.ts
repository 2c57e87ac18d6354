// Completion at `$0`: which labels are offered (and which are not) and what gets inserted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completionsAt } from '../../../server/src/core';
import { fixture } from './fixture';

const CLUSTER =
  '[OPTIONS]\nenable: 1\n\n[ALIASES]\ngateway 10.0.0.1\n1bad 10.0.0.2\n\n[IPSET web]\n10.0.0.10\n10.0.0.11\n\n' +
  '[IPSET shared]\n10.9.0.0/16\n\n[group webgroup] # the web tier\nIN HTTP(ACCEPT)\n';

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly includes?: readonly string[];
  readonly excludes?: readonly string[];
  /** label → the text it inserts */
  readonly inserts?: Readonly<Record<string, string>>;
  /** label → its detail contains */
  readonly details?: Readonly<Record<string, string>>;
  /** Nothing at all is offered. */
  readonly none?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'section headers of a host file: no ALIASES, IPSET or group',
    files: { 'nodes/pve1/host.fw': '$0' },
    includes: ['[OPTIONS]', '[RULES]'],
    excludes: ['[ALIASES]', '[IPSET name]', '[group name]'],
  },
  {
    name: 'section headers of cluster.fw, with snippets for named sections',
    files: { 'firewall/cluster.fw': '[$0' },
    includes: ['[OPTIONS]', '[ALIASES]', '[RULES]', '[IPSET name]', '[group name]'],
    inserts: { '[IPSET name]': '[IPSET ${1:name}]' },
  },
  {
    name: 'option keys of a guest, minus the ones already set, followed by ": "',
    files: { 'firewall/100.fw': '[OPTIONS]\nenable: 1\n$0' },
    includes: ['policy_in', 'dhcp', 'log_level_in'],
    excludes: ['enable', 'ebtables', 'nosmurfs'],
    inserts: { policy_in: 'policy_in: ' },
  },
  {
    name: 'values of a policy option',
    files: { 'firewall/100.fw': '[OPTIONS]\npolicy_in: $0' },
    includes: ['ACCEPT', 'DROP', 'REJECT'],
  },
  {
    name: 'values of a boolean option',
    files: { 'nodes/pve1/host.fw': '[OPTIONS]\nnosmurfs:$0' },
    includes: ['0', '1'],
  },
  {
    name: 'directions of a guest: no FORWARD',
    files: { 'firewall/100.fw': '[RULES]\n$0' },
    includes: ['IN', 'OUT', 'GROUP'],
    excludes: ['FORWARD'],
    inserts: { IN: 'IN ' },
  },
  {
    name: 'directions inside a [group]: no GROUP',
    files: { 'firewall/cluster.fw': '[group g1]\n$0' },
    includes: ['IN', 'OUT', 'FORWARD'],
    excludes: ['GROUP'],
  },
  {
    name: 'directions after the disabling bar',
    files: { 'firewall/cluster.fw': '[RULES]\n|I$0' },
    includes: ['IN', 'OUT'],
    excludes: ['[RULES]'],
  },
  {
    name: 'actions in upper case and macros with their expansion',
    files: { 'firewall/cluster.fw': '[RULES]\nIN $0' },
    includes: ['ACCEPT', 'DROP', 'REJECT', 'SSH'],
    excludes: ['accept'],
    inserts: { SSH: 'SSH(' },
    details: { SSH: 'tcp dport 22' },
  },
  {
    name: 'FORWARD rules cannot REJECT',
    files: { 'firewall/cluster.fw': '[RULES]\nFORWARD $0' },
    includes: ['ACCEPT', 'DROP'],
    excludes: ['REJECT'],
  },
  {
    name: 'the action inside a macro closes the parenthesis',
    files: { 'firewall/cluster.fw': '[RULES]\nIN SSH($0' },
    includes: ['ACCEPT'],
    inserts: { ACCEPT: 'ACCEPT)' },
  },
  {
    name: 'GROUP takes the group names of cluster.fw',
    files: { 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': '[RULES]\nGROUP $0' },
    includes: ['webgroup'],
    details: { webgroup: 'the web tier' },
  },
  {
    name: 'flags after the action, each followed by one space',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT $0' },
    includes: ['-p', '-source', '-dest', '-i', '-log'],
    inserts: { '-p': '-p ' },
  },
  {
    name: 'flags already given are not offered again; ports need a port protocol',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p icmp $0' },
    includes: ['-icmp-type', '-source'],
    excludes: ['-p', '-dport', '-sport'],
  },
  {
    name: 'a macro that fixes the protocol and port leaves them out',
    files: { 'firewall/cluster.fw': '[RULES]\nIN SSH(ACCEPT) -$0' },
    includes: ['-source', '-sport'],
    excludes: ['-p', '-dport'],
  },
  {
    name: 'GROUP rules take only -i',
    files: { 'firewall/100.fw': '[RULES]\nGROUP web $0' },
    includes: ['-i'],
    excludes: ['-p', '-source'],
  },
  {
    name: 'no -i inside a [group]',
    files: { 'firewall/cluster.fw': '[group g1]\nIN ACCEPT $0' },
    excludes: ['-i'],
  },
  {
    name: 'protocols after -p, in lower case',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p $0' },
    includes: ['tcp', 'udp', 'icmp', 'icmpv6', 'gre'],
    excludes: ['TCP'],
    details: { icmpv6: 'protocol 58', gre: 'protocol 47' },
  },
  {
    name: 'service names with their ports after -dport, also after a comma',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p tcp -dport 22,$0' },
    includes: ['https', 'ssh'],
    excludes: ['bootps'],
    details: { https: 'port 443' },
  },
  {
    name: 'ICMP types of the rule family',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p icmpv6 -icmp-type $0' },
    includes: ['neighbour-solicitation', 'echo-request'],
    excludes: ['timestamp-request'],
  },
  {
    name: 'log levels',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -log $0' },
    includes: ['info', 'nolog', 'debug'],
  },
  {
    name: 'net<N> interfaces in guest files',
    files: { 'firewall/100.fw': '[RULES]\nIN ACCEPT -i $0' },
    includes: ['net0', 'net31'],
    excludes: ['net32'],
  },
  {
    name: 'after -source in cluster.fw: sets and aliases defined above only, in lower case',
    files: {
      'firewall/cluster.fw': CLUSTER + '\n[RULES]\nIN ACCEPT -source $0\n[IPSET later]\n10.1.1.1\n',
    },
    includes: ['+web', '+shared', 'gateway'],
    excludes: ['+later', '1bad', '+dc/web'],
    details: { '+web': '2 entries' },
  },
  {
    name: 'a guest sees its own names (also as guest/) and the cluster names (also as dc/)',
    files: {
      'firewall/cluster.fw': CLUSTER,
      'firewall/100.fw': '[IPSET web]\n192.168.0.1\n\n[RULES]\nIN ACCEPT -source +$0',
    },
    includes: ['+web', '+guest/web', '+dc/web', '+shared', '+dc/shared', 'gateway', 'dc/gateway'],
    details: { '+web': 'ipset of 100.fw', '+dc/web': 'ipset of cluster.fw' },
  },
  {
    name: "a guest's name hides the cluster's unscoped one even further down; dc/ still reaches it",
    files: {
      'firewall/cluster.fw': CLUSTER,
      'firewall/100.fw':
        '[RULES]\nIN ACCEPT -source $0\n\n[ALIASES]\nGateway 192.168.0.254\n\n[IPSET web]\n192.168.0.1\n',
    },
    includes: ['+dc/web', 'dc/gateway', '+shared', '+dc/shared'],
    excludes: ['+web', '+guest/web', 'gateway', 'Gateway', 'guest/Gateway'],
  },
  {
    name: 'a host sees the cluster names',
    files: { 'firewall/cluster.fw': CLUSTER, 'nodes/pve1/host.fw': '[RULES]\nIN ACCEPT -dest $0' },
    includes: ['+web', 'gateway'],
    excludes: ['+guest/web'],
  },
  {
    name: 'a guest without a cluster.fw: its own names, aliases as written',
    files: {
      'firewall/100.fw':
        '[ALIASES]\nMyHost 192.168.0.5\n\n[IPSET web]\n192.168.0.1\n\n[RULES]\nIN ACCEPT -source $0',
    },
    includes: ['+web', '+guest/web', 'MyHost', 'guest/MyHost'],
    excludes: ['+dc/web', 'myhost'],
    details: { MyHost: '192.168.0.5 · alias of 100.fw' },
  },
  {
    name: 'GROUP in a guest without a cluster.fw: no group to offer',
    files: { 'firewall/100.fw': '[RULES]\nGROUP $0' },
    none: true,
  },
  {
    name: 'ipset entries take aliases',
    files: { 'firewall/cluster.fw': '[ALIASES]\ngateway 10.0.0.1\n[IPSET s1]\n!$0' },
    includes: ['gateway'],
  },
  {
    name: 'nothing in a comment',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT # -p $0' },
    none: true,
  },
  {
    name: 'nothing after a flag followed by two blanks (Proxmox would drop the line)',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p  $0' },
    none: true,
  },
];

for (const c of CASES) {
  test(`completion: ${c.name}`, () => {
    const { ws, fileId, offset } = fixture(c.files);
    const list = completionsAt(ws, fileId, offset);
    const items = list?.items ?? [];
    if (c.none) {
      assert.deepEqual(
        items.map((i) => i.label),
        [],
      );
      return;
    }
    const labels = new Set(items.map((i) => i.label));
    // One item per label: two would be two meanings of one name, with no way to tell which.
    assert.equal(
      labels.size,
      items.length,
      `a label twice in ${items.map((i) => i.label).join(' ')}`,
    );
    for (const label of c.includes ?? []) assert.ok(labels.has(label), `offers ${label}`);
    for (const label of c.excludes ?? []) assert.ok(!labels.has(label), `does not offer ${label}`);
    for (const [label, text] of Object.entries(c.inserts ?? {}))
      assert.equal(
        items.find((i) => i.label === label)?.insertText ?? label,
        text,
        `${label} inserts`,
      );
    for (const [label, detail] of Object.entries(c.details ?? {}))
      assert.match(
        items.find((i) => i.label === label)?.detail ?? '',
        new RegExp(detail.replace(/[()]/g, '\\$&')),
      );
  });
}

test('completion replaces the partial word around the cursor', () => {
  const { ws, fileId, offset, texts } = fixture({
    'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p t$0cp\n',
  });
  const list = completionsAt(ws, fileId, offset)!;
  assert.equal(texts[fileId]!.slice(list.span.start, list.span.end), 'tcp');
});

test('completion: sets before aliases, and the unscoped name before the scoped ones', () => {
  const { ws, fileId, offset } = fixture({
    'firewall/cluster.fw': '[ALIASES]\ngateway 10.0.0.1\n\n[IPSET shared]\n10.9.0.0/16\n',
    'firewall/100.fw': '[ALIASES]\nlocal 192.168.0.5\n\n[RULES]\nIN ACCEPT -source $0',
  });
  const items = [...completionsAt(ws, fileId, offset)!.items];
  const byRank = items.sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : 1));
  assert.deepEqual(
    byRank.map((i) => i.label),
    ['+shared', '+dc/shared', 'gateway', 'local', 'dc/gateway', 'guest/local'],
  );
});
