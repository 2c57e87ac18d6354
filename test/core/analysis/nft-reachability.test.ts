// Issue 13: shadowed and redundant rules on nodes that run proxmox-firewall (nftables), VNet
// files included, with witness packets. Every witness is replayed rule by rule through the
// node's tables (simulate-nft.ts walkEntry) and must get the verdict the finding claims, from
// the rule it names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClusterModel, checkReachability } from '../../../server/src/core';
import type { NftDeadRule } from '../../../server/src/core/nftables/nft-reach';
import { nftNodeReport } from '../../../server/src/core/checks/nft-reachability';
import { runToEnd } from '../../../server/src/core/steps';
import type { ClusterModel } from '../../../server/src/core/model/cluster-model';
import type { TopologyGuest } from '../../../server/src/core/model/topology';
import { buildNodeRuleset } from '../../../server/src/core/nftables/ruleset';
import { walkEntry } from '../../../server/src/core/nftables/simulate-nft';
import type { Finding } from '../../../server/src/core/findings/finding';

const NFT_HOST = '[OPTIONS]\nnftables: 1\n';

const VM101: TopologyGuest = {
  vmid: 101,
  kind: 'vm',
  node: 'pve',
  nics: [{ name: 'net0', bridge: 'vnet1', mac: 'BC:24:11:11:22:33', firewall: true }],
};

interface Files {
  readonly cluster: string;
  readonly host?: string;
  readonly guests?: Readonly<Record<number, string>>;
  readonly vnets?: Readonly<Record<string, string>>;
  /** A second node, on pve-firewall (iptables). */
  readonly iptablesNode?: boolean;
}

function model(files: Files): ClusterModel {
  return buildClusterModel({
    cluster: { path: 'firewall/cluster.fw', text: files.cluster },
    hosts: [
      { node: 'pve', file: { path: 'nodes/pve/host.fw', text: files.host ?? NFT_HOST } },
      ...(files.iptablesNode
        ? [{ node: 'pve2', file: { path: 'nodes/pve2/host.fw', text: '[OPTIONS]\n' } }]
        : []),
    ],
    guests: Object.entries(files.guests ?? {}).map(([vmid, text]) => ({
      vmid: Number(vmid),
      file: { path: `firewall/${vmid}.fw`, text },
    })),
    vnets: Object.entries(files.vnets ?? {}).map(([name, text]) => ({
      name,
      file: { path: `sdn/firewall/${name}.fw`, text },
    })),
    topology: {
      path: 'topology.json',
      topology: {
        localNode: 'pve',
        nodes: [
          { name: 'pve', address: '192.0.2.2' },
          ...(files.iptablesNode ? [{ name: 'pve2', address: '192.0.2.3' }] : []),
        ],
        guests: [VM101],
      },
    },
  });
}

function dead(m: ClusterModel, node = 'pve'): NftDeadRule[] {
  return [
    ...(runToEnd(
      nftNodeReport(
        m,
        m.nodes.find((n) => n.name === node)!,
      ),
    )?.dead ?? []),
  ];
}

function findingsAt(m: ClusterModel, path: string): Finding[] {
  return (checkReachability(m).get(path) ?? []).filter(
    (f) => f.code === 'shadowed-rule' || f.code === 'redundant-rule',
  );
}

/** The witness through the node's tables: the verdict and the rule the finding claims. */
function replay(m: ClusterModel, d: NftDeadRule): void {
  const built = buildNodeRuleset(
    m,
    m.nodes.find((n) => n.name === 'pve')!,
  ).ruleset;
  assert.equal(built.state, 'active');
  if (built.state !== 'active') return;
  const walked = walkEntry(built.tables, d.entry, d.witness.sample);
  assert.equal(walked.verdict, d.witness.verdict, `${d.witness.packet} at ${d.entry.label}`);
  // The rule that decided: the last one the packet met in the hook (a REJECT ends in do-reject,
  // whose decisions belong to the rule that jumped there).
  const steps = walked.steps.filter((s) => s.chain !== 'do-reject');
  const last = steps[steps.length - 1]!;
  const taker = d.witness.takenBy;
  if (taker.origin) {
    assert.equal(last.rule.origin?.path, taker.origin.path);
    assert.equal(last.rule.origin?.lineNumber, taker.origin.lineNumber);
  } else {
    assert.equal(last.rule.origin, undefined);
    assert.ok(taker.builtin?.includes(last.chain), `${taker.builtin} / ${last.chain}`);
  }
  // The dead rule itself is never met.
  assert.ok(
    !walked.steps.some(
      (s) =>
        s.rule.origin?.path === d.origin.path && s.rule.origin.lineNumber === d.origin.lineNumber,
    ),
  );
}

test('a cluster rule after a wider one on a node on nftables: shadowed, with a witness the tables agree with', () => {
  const m = model({
    cluster: '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp\nIN DROP -p tcp -dport 80\n',
  });
  const found = dead(m);
  assert.deepEqual(
    found.map((d) => [d.origin.lineNumber, d.kind]),
    [[6, 'shadowed']],
  );
  for (const d of found) replay(m, d);
  const f = findingsAt(m, 'firewall/cluster.fw');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.code, 'shadowed-rule');
  assert.match(f[0]!.message, /is accepted by cluster\.fw line 5/);
  assert.equal(f[0]!.related[0]?.span.start, m.cluster!.text.indexOf('IN ACCEPT'));
});

test("proxmox-firewall's fixed rules decide first: corosync, SMB and allowed ICMP", () => {
  const m = model({
    cluster: [
      '[OPTIONS]',
      'enable: 1',
      '',
      '[RULES]',
      'IN DROP -p udp -dport 5405',
      'IN ACCEPT -p tcp -dport 445',
      'IN DROP -p icmp -icmp-type destination-unreachable',
      'IN DROP -p udp -dport 5000',
      '',
    ].join('\n'),
  });
  const found = dead(m);
  assert.deepEqual(found.map((d) => [d.origin.lineNumber, d.kind, d.witness.verdict]).sort(), [
    [5, 'shadowed', 'ACCEPT'],
    [6, 'shadowed', 'REJECT'],
    [7, 'shadowed', 'ACCEPT'],
  ]);
  for (const d of found) {
    assert.equal(d.witness.takenBy.origin, undefined);
    replay(m, d);
  }
  const messages = findingsAt(m, 'firewall/cluster.fw').map((f) => f.message);
  assert.ok(messages.some((t) => t.includes('default-in') && t.includes('5405')));
});

test('host rules come before cluster rules; a REJECT taken by an earlier REJECT is redundant', () => {
  const m = model({
    cluster:
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\nIN REJECT -p tcp -dport 8080\n',
    host: '[OPTIONS]\nnftables: 1\n\n[RULES]\nIN DROP -p tcp -dport 400:500\nIN REJECT -p tcp -dport 8000:8100\n',
  });
  const found = dead(m);
  assert.deepEqual(found.map((d) => [d.origin.lineNumber, d.kind]).sort(), [
    [5, 'shadowed'],
    [6, 'redundant'],
  ]);
  for (const d of found) replay(m, d);
  const f = findingsAt(m, 'firewall/cluster.fw');
  assert.deepEqual(f.map((x) => x.code).sort(), ['redundant-rule', 'shadowed-rule']);
  assert.ok(f.some((x) => x.message.includes('host.fw line 5')));
});

test('VNet firewalls are analysed like any other chain, in both tables', () => {
  const vnet =
    '[OPTIONS]\nenable: 1\n\n[RULES]\nFORWARD ACCEPT -p tcp\nFORWARD DROP -p tcp -dport 22\nFORWARD DROP -p udp\n';
  const m = model({ cluster: '[OPTIONS]\nenable: 1\n', vnets: { vnet1: vnet } });
  const found = dead(m);
  assert.deepEqual(
    found.map((d) => [d.origin.path, d.origin.lineNumber, d.kind]),
    [['sdn/firewall/vnet1.fw', 6, 'shadowed']],
  );
  for (const d of found) replay(m, d);
  const f = findingsAt(m, 'sdn/firewall/vnet1.fw');
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /vnet1\.fw line 5/);
});

test('a guest rule behind the allowed ICMP types and an earlier rule; REJECT in is a DROP', () => {
  const m = model({
    cluster: '[OPTIONS]\nenable: 1\n',
    guests: {
      101: '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP -p icmp -icmp-type time-exceeded\nIN DROP -p tcp\nIN REJECT -p tcp -dport 22\nIN ACCEPT -p udp -dport 53\n',
    },
  });
  const found = dead(m);
  assert.deepEqual(found.map((d) => [d.origin.lineNumber, d.kind, d.ownVerdict]).sort(), [
    [5, 'shadowed', 'DROP'],
    [7, 'redundant', 'DROP'],
  ]);
  for (const d of found) replay(m, d);
  assert.equal(findingsAt(m, 'firewall/101.fw').length, 2);
});

test('on a mixed cluster a finding that holds for one backend only says which', () => {
  const m = model({
    cluster:
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP -p udp -dport 5405\nIN ACCEPT -p tcp\nIN DROP -p tcp -dport 22\n',
    iptablesNode: true,
  });
  const f = findingsAt(m, 'firewall/cluster.fw');
  const corosync = f.find((x) => x.span.start === m.cluster!.text.indexOf('IN DROP -p udp'));
  assert.ok(corosync, 'the corosync rule is dead under proxmox-firewall');
  assert.match(corosync.message, /\(on proxmox-firewall nodes only: pve\)/);
  const ssh = f.find((x) => x.span.start === m.cluster!.text.indexOf('IN DROP -p tcp -dport 22'));
  assert.ok(ssh, 'dead on both');
  assert.doesNotMatch(ssh.message, /nodes only/);
});

test('a rule live in one copy is not dead; a file that fails to load gives no findings', () => {
  const m = model({
    cluster:
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -source 192.0.2.0/24\nIN DROP -p tcp -dport 22\n',
  });
  assert.deepEqual(dead(m), []);
  const broken = model({
    cluster:
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp\nIN DROP -p tcp -dport 80\nIN BOGUS\n',
  });
  assert.deepEqual(dead(broken), []);
});

test('after a rule on the output interface of forwarded traffic, which a hook cannot read, nothing is claimed', () => {
  const host = [
    '[OPTIONS]',
    'nftables: 1',
    '',
    '[RULES]',
    'FORWARD DROP -o vmbr1',
    'FORWARD ACCEPT -p tcp',
    'FORWARD ACCEPT -p tcp -dport 22',
    'FORWARD ACCEPT -p udp',
    'FORWARD ACCEPT -p udp -dport 53 -source 192.0.2.0/24',
    '',
  ].join('\n');
  const m = model({ cluster: '[OPTIONS]\nenable: 1\n', host });
  // Line 7 would be "redundant", but packets routed out of vmbr1 are dropped by line 5 first;
  // line 9's packets too. Lines before any such rule are judged as usual.
  assert.deepEqual(dead(m), []);
  const plain = model({
    cluster: '[OPTIONS]\nenable: 1\n',
    host: host.replace('FORWARD DROP -o vmbr1\n', ''),
  });
  assert.deepEqual(
    dead(plain).map((d) => [d.origin.lineNumber, d.kind]),
    [
      [6, 'redundant'],
      [8, 'redundant'],
    ],
  );
});

test("an ipset's ! entry wins on nftables however narrow the entry inside it: another verdict than pve-firewall's", () => {
  const cluster = [
    '[OPTIONS]',
    'enable: 1',
    '',
    '[IPSET web]',
    '10.0.0.0/8',
    '!10.1.0.0/16',
    '10.1.2.0/24',
    '',
    '[RULES]',
    'IN ACCEPT -source +web -p tcp',
    'IN DROP -source 10.1.2.0/24 -p tcp',
    'IN DROP -source 10.2.0.0/16 -p tcp',
    '',
  ].join('\n');
  const m = model({ cluster });
  const found = dead(m);
  assert.deepEqual(
    found.map((d) => [d.origin.lineNumber, d.kind]),
    [[12, 'shadowed']],
  );
  for (const d of found) replay(m, d);
  // On a mixed cluster, line 11 is dead under pve-firewall only (its more specific entry wins).
  const mixed = model({ cluster, iptablesNode: true });
  const f = findingsAt(mixed, 'firewall/cluster.fw');
  const at = (text: string) => f.find((x) => x.span.start === cluster.indexOf(text));
  assert.match(
    at('IN DROP -source 10.1.2.0/24')?.message ?? '',
    /\(on pve-firewall nodes only: pve2\)$/,
  );
  assert.doesNotMatch(at('IN DROP -source 10.2.0.0/16')?.message ?? 'missing', /nodes only/);
});

test('a live rule whose packets the rest of its chain decides alike is redundant: checked by walking the tables without it', () => {
  const m = model({
    cluster: [
      '[OPTIONS]',
      'enable: 1',
      'policy_in: REJECT',
      '',
      '[RULES]',
      'IN REJECT -p tcp -dport 8080',
      'IN DROP -p tcp -dport 8081',
      'IN REJECT -p udp -dport 9000 -log info',
      '',
    ].join('\n'),
    host: '[OPTIONS]\nnftables: 1\n\n[RULES]\nIN DROP -p tcp -dport 7000\n',
    guests: {
      101: '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP -p tcp -dport 23\nOUT ACCEPT -p udp -dport 53\n',
    },
  });
  const node = m.nodes.find((n) => n.name === 'pve')!;
  const report = runToEnd(nftNodeReport(m, node))!;
  assert.deepEqual(report.dead, []);
  // Not the DROP before a REJECT policy, not the logged rule, not the host rule (what follows
  // host-in is cluster-in: not this chain's to say).
  assert.deepEqual(report.removable.map((r) => `${r.origin.path}:${r.origin.lineNumber}`).sort(), [
    'firewall/101.fw:5',
    'firewall/101.fw:6',
    'firewall/cluster.fw:6',
  ]);
  const built = buildNodeRuleset(m, node).ruleset;
  assert.equal(built.state, 'active');
  if (built.state !== 'active') return;
  for (const r of report.removable) {
    const without = { ...built.tables };
    for (const id of ['inet', 'bridge'] as const) {
      const t = built.tables[id];
      if (!t) continue;
      without[id] = {
        ...t,
        chains: new Map(
          [...t.chains].map(([c, rules]) => [
            c,
            rules.filter(
              (x) =>
                x.origin?.path !== r.origin.path || x.origin.lineNumber !== r.origin.lineNumber,
            ),
          ]),
        ),
      };
    }
    const withIt = walkEntry(built.tables, r.entry, r.sample);
    const withoutIt = walkEntry(without, r.entry, r.sample);
    assert.equal(withoutIt.verdict, withIt.verdict, r.witness.packet);
    assert.equal(withIt.verdict, r.ownVerdict === 'REJECT' ? 'REJECT' : r.ownVerdict);
    const taker = withoutIt.steps.filter((s) => s.chain !== 'do-reject').at(-1)!;
    assert.equal(taker.rule.origin, undefined, 'the policy takes them');
    assert.ok(r.witness.takenBy.builtin?.includes(taker.chain));
  }
  const f = checkReachability(m).get('firewall/101.fw') ?? [];
  assert.ok(
    f.some(
      (x) =>
        x.code === 'redundant-rule' &&
        /would be dropped anyway by Proxmox's built-in rule \(proxmox-firewall, bridge guest-101-in: drop\)/.test(
          x.message,
        ),
    ),
  );
});

test("a conntrack helper's port is accepted in ct-in, before the node's and the cluster's rules", () => {
  const m = model({
    cluster:
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP -p tcp -dport 21\nIN DROP -p tcp -dport 22\n',
    host: '[OPTIONS]\nnftables: 1\nnf_conntrack_helpers: ftp\n',
  });
  const found = dead(m);
  assert.deepEqual(
    found.map((d) => [d.origin.lineNumber, d.kind, d.witness.verdict]),
    [[5, 'shadowed', 'ACCEPT']],
  );
  assert.match(found[0]!.witness.takenBy.builtin ?? '', /inet ct-in: /);
  for (const d of found) replay(m, d);
});

test('disabled rules on nftables nodes are said to be disabled; on a mixed cluster without the iptables what-if', () => {
  const cluster = '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp\n|IN DROP -p tcp -dport 22\n';
  const vnet = '[OPTIONS]\nenable: 1\n\n[RULES]\n|FORWARD DROP -p udp\n';
  const disabled = (m: ClusterModel, path: string): string[] =>
    (checkReachability(m).get(path) ?? [])
      .filter((f) => f.code === 'disabled-rule')
      .map((f) => f.message);
  const plain = 'disabled rule: Proxmox keeps it but never applies it';
  const nftOnly = model({ cluster, vnets: { vnet1: vnet } });
  assert.deepEqual(disabled(nftOnly, 'firewall/cluster.fw'), [plain]);
  assert.deepEqual(disabled(nftOnly, 'sdn/firewall/vnet1.fw'), [plain]);
  // pve-firewall alone says what enabling it would do (nothing: line 5 takes its packets).
  const mixed = model({ cluster, iptablesNode: true });
  assert.deepEqual(disabled(mixed, 'firewall/cluster.fw'), [plain]);
});
