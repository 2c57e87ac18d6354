// Issue 13: what proxmox-firewall (nftables) does with a file, per node of the cluster model:
// which line fails the whole file (Rust's text, and what that does to the nodes), which lines the
// two backends read differently, and which node runs which backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClusterModel, checkCluster, type Finding } from '../../server/src/core';
import type { ClusterSources } from '../../server/src/core/model/cluster-model';
import { loadRustConfig } from '../../server/src/core/nftables/rust-config';
import { loadFirewallState } from '../../server/src/core/plan/firewall-state';
import { checkLockout } from '../../server/src/core/plan/lockout-check';

const NFT_HOST = '[OPTIONS]\nnftables: 1\n';

function findings(sources: ClusterSources): Map<string, Finding[]> {
  return checkCluster(buildClusterModel({ world: 'assumed', ...sources }));
}

function codes(list: readonly Finding[] | undefined, code: string): Finding[] {
  return (list ?? []).filter((f) => f.code === code);
}

function twoNodes(clusterText: string): ClusterSources {
  return {
    cluster: { path: 'firewall/cluster.fw', text: clusterText },
    hosts: [
      { node: 'pve1', file: { path: 'nodes/pve1/host.fw', text: NFT_HOST } },
      { node: 'pve2', file: { path: 'nodes/pve2/host.fw', text: NFT_HOST } },
      { node: 'pve3', file: { path: 'nodes/pve3/host.fw', text: '[RULES]\n' } },
    ],
  };
}

test('each node has its own backend: nftables: 1 in its host.fw, else --backend for unknown ones', () => {
  const model = buildClusterModel({ ...twoNodes('[OPTIONS]\nenable: 1\n'), world: 'assumed' });
  assert.deepEqual(
    model.nodes.map((n) => [n.name, n.backend, n.backendFrom]),
    [
      ['pve1', 'proxmox-firewall', 'host.fw'],
      ['pve2', 'proxmox-firewall', 'host.fw'],
      ['pve3', 'pve-firewall', 'host.fw'],
    ],
  );
  const unknown = buildClusterModel({
    cluster: { path: 'cluster.fw', text: '' },
    world: 'assumed',
    defaultBackend: 'proxmox-firewall',
  });
  assert.deepEqual(
    unknown.nodes.map((n) => [n.backend, n.backendFrom]),
    [['proxmox-firewall', 'default']],
  );
});

test('a bad cluster.fw line fails the file on nftables nodes: Rust text, the nodes named', () => {
  const found = findings(twoNodes('[OPTIONS]\nenable: 1 # on\n'));
  const [f] = codes(found.get('firewall/cluster.fw'), 'nftables-load-error');
  assert.ok(f, 'reported');
  assert.equal(f.severity, 'error');
  assert.equal(f.proxmox, 'file-fails');
  assert.equal(f.message, 'invalid value: string "1 # on", expected a boolean-like value');
  assert.match(f.hint!, /nodes pve1, pve2 keep the previous ruleset/);
  assert.match(f.hint!, /every packet passes/);
  assert.match(f.hint!, /pve-firewall nodes reading it go on/);
});

test('lines fatal under nftables but skipped under Perl: each fails the file with Rust text', () => {
  const cases: [string, string, string][] = [
    ['cluster', '[FOO]\n', 'invalid section "[FOO]"'],
    ['cluster', '[ipset x]\n', 'invalid section "[ipset x]"'],
    ['cluster', '[Group x]\n', 'invalid section "[Group x]"'],
    ['cluster', '[OPTIONS]\nenable: 1\nenable: 1\n', 'duplicate option "enable"'],
    ['cluster', '[ALIASES]\na 1.2.3.4\nA 1.2.3.5\n', 'duplicate alias: A 1.2.3.5'],
    ['cluster', '[IPSET a]\n[IPSET a]\n', 'duplicate ipset: "a"'],
    ['cluster', '[group a]\n[group a]\n', 'duplicate group: "a"'],
    ['cluster', '[RULES]\nIN ACCEPT -p tcp -p udp\n', 'duplicate option in rule: p'],
    [
      'cluster',
      '[RULES]\ngroup x\n',
      "invalid direction: \"group\", expect 'IN', 'OUT' or 'FORWARD'",
    ],
    ['host', '[OPTIONS]\nlog_level_in: INFO\n', 'invalid log level "INFO"'],
    [
      'cluster',
      '[OPTIONS]\nenable: 1700000000\n',
      'invalid value: string "1700000000", expected a boolean-like value',
    ],
    [
      'cluster',
      '[RULES]\nIN ACCEPT -p icmpv6 -icmp-type reject-route\n',
      'supplied string is not a valid icmpv6 type',
    ],
    ['cluster', '[ALIASES]\n_a 1.2.3.4\n', 'expected an alias name'],
    [
      'guest',
      '[RULES]\nFORWARD ACCEPT\n',
      'found not allowed direction in firewall config: forward',
    ],
    ['host', '[ALIASES]\na 1.2.3.4\n', 'host firewall config cannot declare aliases'],
    ['vnet', '[RULES]\nIN ACCEPT\n', 'found not allowed direction in firewall config: in'],
  ];
  for (const [kind, text, message] of cases) {
    const loaded = loadRustConfig(text, kind as 'cluster');
    assert.equal(loaded.ok, false, text);
    if (!loaded.ok) assert.equal(loaded.error.message, message, text);
  }
});

test('accepted by Rust, refused by Perl: the file loads on nftables', () => {
  for (const text of [
    '[RULES]\nIN ACCEPT -p  tcp\n',
    '[RULES]\nIN accept\n',
    '[OPTIONS]\nenable: yes\n',
    '[RULES]\nIN ACCEPT -log warn\n',
    '[RULES]\nIN ACCEPT -p tcp -dport 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n',
    '[RULES]\nIN ACCEPT -source 10.0.0.1/8\n',
    '[OPTIONS]\r\nenable: 1\r\n[RULES]\r\nIN PBS(ACCEPT)\r\n',
  ])
    assert.equal(loadRustConfig(text, 'cluster').ok, true, text);
});

test('same text, other meaning: ports without -p, -dport with icmp, set and macro case, ENABLE', () => {
  const cluster = [
    '[OPTIONS]',
    'enable: 1',
    '',
    '[IPSET Web]',
    '10.0.0.0/8',
    '',
    '[RULES]',
    'IN ACCEPT -dport 22',
    'IN ACCEPT -p icmp -dport echo-request',
    'IN ACCEPT -p tcp -source +web',
    'IN ssh(ACCEPT)',
    'IN Ping(ACCEPT) -source 192.0.2.1',
    '',
  ].join('\n');
  const found = findings(twoNodes(cluster)).get('firewall/cluster.fw') ?? [];
  const byLine = new Map<number, string>();
  for (const f of codes(found, 'nftables-differs'))
    byLine.set(cluster.slice(0, f.span.start).split('\n').length, f.message);
  assert.match(byLine.get(8)!, /matches every protocol and port/);
  assert.match(byLine.get(9)!, /matches all ICMP/);
  assert.match(byLine.get(10)!, /could not find ipset web/);
  assert.match(byLine.get(11)!, /cannot find macro ssh/);
  assert.match(byLine.get(12)!, /ICMPv6 matches from any address/);
  const host = findings({
    cluster: { path: 'firewall/cluster.fw', text: '[OPTIONS]\nENABLE: 1\n' },
    world: 'assumed',
    defaultBackend: 'proxmox-firewall',
  }).get('firewall/cluster.fw');
  assert.match(codes(host, 'nftables-differs')[0]!.hint!, /firewall of this file is off/);
});

test('nomatch: a narrower entry inside a wider ! entry never matches on nftables', () => {
  const found = findings(twoNodes('[IPSET s]\n!10.0.0.0/8\n10.1.0.0/16\n')).get(
    'firewall/cluster.fw',
  );
  const [f] = codes(found, 'nftables-differs');
  assert.match(f!.message, /never matches; the wider nomatch entry on line 2/);
});

test('only pve-firewall nodes: no nftables findings; only nftables nodes: Perl verdicts are warnings', () => {
  const iptables = findings({
    cluster: { path: 'firewall/cluster.fw', text: '[OPTIONS]\nenable: 1 # on\n' },
  }).get('firewall/cluster.fw');
  assert.equal(codes(iptables, 'nftables-load-error').length, 0);
  assert.equal(codes(iptables, 'invalid-option')[0]!.severity, 'error');
  const nft = findings({
    cluster: { path: 'firewall/cluster.fw', text: '[RULES]\nIN accept -p tcp\n' },
    defaultBackend: 'proxmox-firewall',
  }).get('firewall/cluster.fw');
  const perl = codes(nft, 'invalid-action')[0]!;
  assert.equal(perl.severity, 'warning');
  assert.match(perl.hint!, /only proxmox-firewall \(nftables\) reads this file/);
});

test('no lock-out-risk false alarm on an nftables node: management passes before user rules', () => {
  const sources: ClusterSources = {
    cluster: { path: 'firewall/cluster.fw', text: '[OPTIONS]\nenable: 1\n' },
    hosts: [
      { node: 'pve1', file: { path: 'nodes/pve1/host.fw', text: `${NFT_HOST}[RULES]\nIN DROP\n` } },
    ],
  };
  assert.equal(codes(findings(sources).get('nodes/pve1/host.fw'), 'lockout-risk').length, 0);
  const perl: ClusterSources = {
    ...sources,
    hosts: [{ node: 'pve1', file: { path: 'nodes/pve1/host.fw', text: '[RULES]\nIN DROP\n' } }],
  };
  assert.ok(codes(findings(perl).get('nodes/pve1/host.fw'), 'lockout-risk').length > 0);
});

test("push's lock-out check on an nftables node: its own table, management passes first", () => {
  const state = (cluster: string, host: string) =>
    loadFirewallState(
      new Map([
        ['firewall/cluster.fw', { ref: { kind: 'cluster' as const }, text: cluster }],
        ['nodes/pve1/host.fw', { ref: { kind: 'host' as const, node: 'pve1' }, text: host }],
      ]),
      { sdnIpSets: new Set() },
    );
  const topology = {
    localNode: 'pve1',
    nodes: [{ name: 'pve1', address: '192.0.2.11', addresses: ['192.0.2.11/24'] }],
    guests: [],
  };
  const drop = '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP\n';
  const open = '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 8006\n';
  const ask = (host: string, client: string) =>
    checkLockout(state(drop, host), {
      clientAddress: client,
      nodeAddresses: [{ node: 'pve1', address: '192.0.2.11' }],
      topology,
      before: state(open, host),
    });
  // From the node's own network: iptables and nftables both let the web UI through.
  assert.deepEqual(ask(NFT_HOST, '192.0.2.50'), { checked: true, lockedOut: [] });
  // From elsewhere, a cluster-wide DROP locks the client out on nftables too.
  assert.deepEqual(ask(NFT_HOST, '203.0.113.9'), {
    checked: true,
    lockedOut: [{ node: 'pve1', address: '192.0.2.11' }],
  });
  // A cluster.fw that fails to load: the node keeps its rules, this push locks nobody out there.
  const broken = checkLockout(state('[OPTIONS]\nenable: 1 # x\n\n[RULES]\nIN DROP\n', NFT_HOST), {
    clientAddress: '203.0.113.9',
    nodeAddresses: [{ node: 'pve1', address: '192.0.2.11' }],
    topology,
  });
  assert.deepEqual(broken, { checked: true, lockedOut: [] });
});

test('a rule proxmox-firewall skips: the version note, and the portable name of an unscoped SDN set', () => {
  const found = findings(
    twoNodes(
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -source +public-all\nIN ACCEPT -source +nosuch\n',
    ),
  );
  const skips = codes(found.get('firewall/cluster.fw'), 'nftables-skips');
  assert.deepEqual(
    skips.map((f) => f.message),
    [
      'proxmox-firewall skips this rule: could not find ipset public-all',
      'proxmox-firewall skips this rule: could not find ipset nosuch',
    ],
  );
  assert.equal(skips[0]!.severity, 'warning');
  assert.match(skips[0]!.hint!, /^Nodes pve1, pve2 build the rest of the ruleset/);
  assert.match(skips[0]!.hint!, /Portable: \+sdn\/public-all/);
  assert.match(
    skips[0]!.hint!,
    /Before proxmox-firewall 1\.2\.0 an unscoped ipset or alias name failed the whole file/,
  );
  assert.match(
    skips[1]!.hint!,
    /Before proxmox-firewall 1\.2\.3 a rule it cannot generate failed the node's whole update/,
  );
});

test("lines on which an nftables node's whole update fails: a missing group, an unknown protocol name", () => {
  const found = findings(twoNodes('[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p Tcp -dport 22\n'));
  const [proto] = codes(found.get('firewall/cluster.fw'), 'nftables-update-error');
  assert.ok(proto);
  assert.equal(proto.severity, 'error');
  assert.equal(
    proto.message,
    "proxmox-firewall's update fails on this line: Could not resolve protocol name (meta l4proto Tcp)",
  );
  assert.match(proto.hint!, /^Nodes pve1, pve2 keep the previous ruleset/);
  assert.match(proto.hint!, /Portable: the lower-case name/);
  const group = findings(
    twoNodes('[OPTIONS]\nenable: 1\n\n[group web]\nIN ACCEPT\n\n[RULES]\nGROUP Web\n'),
  );
  const [missing] = codes(group.get('firewall/cluster.fw'), 'nftables-update-error');
  assert.ok(missing);
  assert.match(missing.message, /jump group-Web-in: no such chain/);
  assert.match(missing.hint!, /looks the rule's name up as written/);
  // pve3 runs pve-firewall and is not named.
  assert.doesNotMatch(missing.hint!, /pve3/);
});
