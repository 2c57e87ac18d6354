// Issue 13: the hover on a rule line says what proxmox-firewall makes of it on the nodes that
// run it: the nftables rules it builds (per table and chain), that it skips the rule, or that
// the node's whole update fails there — grouped by the nodes that agree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClusterModel } from '../../server/src/core';
import { nftIpsetHover, nftLineHover, nftLinesOf } from '../../server/src/core/nftables/line-rules';

test('hover: the nft rules a line becomes, a skipped rule, and the line the update fails on', () => {
  const cluster = [
    '[OPTIONS]',
    'enable: 1',
    '',
    '[RULES]',
    'IN ACCEPT -dport 22',
    'IN Ping(ACCEPT) -source 192.0.2.0/24',
    'IN ACCEPT -source +nosuch',
    '',
  ].join('\n');
  const model = buildClusterModel({
    cluster: { path: 'firewall/cluster.fw', text: cluster },
    hosts: [
      { node: 'pve1', file: { path: 'nodes/pve1/host.fw', text: '[OPTIONS]\nnftables: 1\n' } },
      { node: 'pve2', file: { path: 'nodes/pve2/host.fw', text: '[OPTIONS]\nnftables: 1\n' } },
      { node: 'pve3', file: { path: 'nodes/pve3/host.fw', text: '[OPTIONS]\n' } },
    ],
    world: 'assumed',
  });
  const lines = nftLinesOf(model).get('firewall/cluster.fw')!;
  // -dport without -p: the port is gone, the rule accepts everything.
  assert.deepEqual(nftLineHover(lines.get(5)!), [
    '**proxmox-firewall** (nftables, nodes pve1, pve2) builds:\n\n```\ninet cluster-in: accept\n```',
  ]);
  // Ping's ICMPv6 part keeps no IPv4 source.
  const ping = nftLineHover(lines.get(6)!)[0]!;
  assert.match(
    ping,
    /inet cluster-in: .*icmp type \{ 8 \} ip saddr \{ 192\.0\.2\.0-192\.0\.2\.255 \} accept/,
  );
  assert.match(
    ping,
    /inet cluster-in: meta nfproto ipv6 meta l4proto ipv6-icmp icmpv6 type \{ 128 \} accept/,
  );
  assert.deepEqual(nftLineHover(lines.get(7)!), [
    '**proxmox-firewall** (nftables, nodes pve1, pve2) skips this rule (could not find ipset nosuch).',
  ]);
  // pve3 runs pve-firewall: not in the hover.
  assert.ok(![...lines.values()].some((n) => n.has('pve3')));

  const failing = buildClusterModel({
    cluster: { path: 'firewall/cluster.fw', text: `${cluster}GROUP nosuch\n` },
    hosts: [
      { node: 'pve1', file: { path: 'nodes/pve1/host.fw', text: '[OPTIONS]\nnftables: 1\n' } },
    ],
    world: 'assumed',
  });
  const fails = nftLinesOf(failing).get('firewall/cluster.fw')!.get(8)!;
  assert.match(
    nftLineHover(fails)[0]!,
    /node pve1\) the whole update fails on this line .*group-nosuch-in/,
  );
});

test('hover on an ipset: nomatch and management as proxmox-firewall reads them, only where nodes run it', () => {
  assert.deepEqual(nftIpsetHover('web', true, []), []);
  const [nomatch, management] = nftIpsetHover('management', true, ['pve1']);
  assert.match(
    nomatch!,
    /node pve1\): a member is an address some entry covers and no `!` entry covers/,
  );
  assert.match(management!, /before\*\* any host or cluster rule .* no 60000-60050/);
  assert.equal(nftIpsetHover('management', false, ['pve1']).length, 1);
});
