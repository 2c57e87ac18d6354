// Issue 13: guest and VNet traffic on a node that runs proxmox-firewall (the bridge table
// `proxmox-firewall-guests`, its forward hook and the VNet chains of both tables), simulated
// hook by hook and compared with pve-firewall where the two differ. The bridge table cannot be
// loaded in the kernels here; the integration snapshot (test/corpus) proves the generated rules,
// these cases prove the walk through them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClusterModel, compileInputFor } from '../../server/src/core';
import { compileRuleset } from '../../server/src/core/compile';
import type { ClusterModel } from '../../server/src/core/model/cluster-model';
import type { TopologyGuest } from '../../server/src/core/model/topology';
import { buildNodeRuleset } from '../../server/src/core/nftables/ruleset';
import { parseIpv6 } from '../../server/src/core/nftables/rust-text';
import { simulateNft, type NftSimulation } from '../../server/src/core/nftables/simulate-nft';
import { prepareSimulation, simulatePacket } from '../../server/src/core/simulate';
import type { SimulateRequest } from '../../server/src/core/simulate/simulation-types';

const CLUSTER = '[OPTIONS]\nenable: 1\n';
const NFT_HOST = '[OPTIONS]\nnftables: 1\n';

const CT100: TopologyGuest = {
  vmid: 100,
  kind: 'ct',
  node: 'pve',
  nics: [
    {
      name: 'net0',
      bridge: 'vmbr0',
      mac: 'BC:24:11:4D:B0:FF',
      firewall: true,
      ip: '192.0.2.10/24',
    },
    { name: 'net1', bridge: 'vmbr0', mac: 'BC:24:11:4D:B0:FE', firewall: false },
  ],
};
const VM101: TopologyGuest = {
  vmid: 101,
  kind: 'vm',
  node: 'pve',
  nics: [{ name: 'net0', bridge: 'vnet1', mac: 'BC:24:11:11:22:33', firewall: true }],
};

interface Files {
  readonly cluster?: string;
  readonly host?: string;
  readonly guests?: Readonly<Record<number, string>>;
  readonly vnets?: Readonly<Record<string, string>>;
}

function model(files: Files, host = NFT_HOST): ClusterModel {
  return buildClusterModel({
    cluster: { path: 'firewall/cluster.fw', text: files.cluster ?? CLUSTER },
    hosts: [{ node: 'pve', file: { path: 'nodes/pve/host.fw', text: files.host ?? host } }],
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
        nodes: [{ name: 'pve', address: '192.0.2.2' }],
        guests: [CT100, VM101],
      },
    },
  });
}

function nft(m: ClusterModel, request: SimulateRequest): NftSimulation {
  return simulateNft(m, 'pve', request);
}

/** pve-firewall's verdict for the same files on an iptables node. */
function perl(files: Files, request: SimulateRequest): string {
  const m = model(files, '[OPTIONS]\n');
  const input = compileInputFor(m, 'pve');
  return simulatePacket(prepareSimulation(compileRuleset(input)), input.topology, request).verdict;
}

test('REJECT on traffic to a guest is a DROP (rule and policy); out of a guest it rejects', () => {
  const files: Files = {
    guests: {
      100: '[OPTIONS]\nenable: 1\npolicy_in: REJECT\npolicy_out: REJECT\n\n[RULES]\nIN REJECT -p tcp -dport 22\n',
    },
  };
  const m = model(files);
  const toGuest: SimulateRequest = { from: 'outside', to: 'ct100', proto: 'tcp', dport: '22' };
  const r = nft(m, toGuest);
  assert.equal(r.verdict, 'DROP');
  assert.deepEqual(
    r.hooks.map((h) => `${h.table} ${h.hook}: ${h.verdict}`),
    ['bridge prerouting: ACCEPT', 'bridge forward: ACCEPT', 'bridge postrouting: DROP'],
  );
  const decided = r.steps[r.steps.length - 1]!;
  assert.equal(decided.chain, 'guest-100-in');
  assert.equal(decided.rule.origin?.lineNumber, 7);
  assert.equal(perl(files, toGuest), 'REJECT');
  // The policy too: REJECT in is DROP.
  assert.equal(nft(m, { ...toGuest, dport: '80' }).verdict, 'DROP');
  // Out of the guest: the policy REJECT jumps to do-reject, a TCP reset.
  const out = nft(m, { from: 'ct100', to: 'outside', proto: 'tcp', dport: '80' });
  assert.equal(out.verdict, 'REJECT');
  assert.equal(out.rejectWith, 'tcp reset');
});

test('tracked connections pass a guest before its rules; a NIC without firewall=1 is not filtered', () => {
  const files: Files = { guests: { 100: '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP\n' } };
  const m = model(files);
  const established = nft(m, {
    from: 'outside',
    to: 'ct100',
    proto: 'tcp',
    dport: '5000',
    state: 'established',
  });
  assert.equal(established.verdict, 'ACCEPT');
  assert.ok(established.steps.some((s) => s.chain === 'pre-vm-in' && /established/.test(s.effect)));
  assert.equal(
    nft(m, { from: 'outside', to: 'ct100', proto: 'tcp', dport: '5000' }).verdict,
    'DROP',
  );
  // vm-map-in has an element for net0 only (net1 has no firewall=1): nothing filters net1.
  const built = buildNodeRuleset(m, m.nodes[0]!).ruleset;
  assert.equal(built.state, 'active');
  if (built.state !== 'active') return;
  assert.deepEqual([...built.tables.bridge!.maps.get('vm-map-in')!.keys()], ['veth100i0']);
});

test('ipfilter: a container sends only from its configured address (and ARP for it)', () => {
  const m = model({ guests: { 100: '[OPTIONS]\nenable: 1\nipfilter: 1\n' } });
  const from = (source: string): string =>
    nft(m, {
      from: 'ct100',
      to: 'outside',
      proto: 'udp',
      dport: '53',
      source,
      dest: '198.51.100.7',
    }).verdict;
  assert.equal(from('192.0.2.10'), 'ACCEPT');
  assert.equal(from('192.0.2.11'), 'DROP');
  const built = buildNodeRuleset(m, m.nodes[0]!).ruleset;
  assert.equal(built.state, 'active');
  if (built.state !== 'active') return;
  const sets = built.tables.bridge!.sets;
  // The MAC's EUI-64 link-local address and the container's address, as single addresses.
  const linkLocal = parseIpv6('fe80::be24:11ff:fe4d:b0ff')!;
  assert.deepEqual(sets.get('v6-guest-100/ipfilter-net0'), [[linkLocal, linkLocal]]);
  assert.deepEqual(sets.get('v4-guest-100/ipfilter-net0'), [[0xc000020an, 0xc000020an]]);
});

test('dhcp: 0 drops the guest DHCP requests; radv: 1 lets router advertisements out', () => {
  const m = model({ guests: { 100: '[OPTIONS]\nenable: 1\ndhcp: 0\n' } });
  const dhcp = nft(m, {
    from: 'ct100',
    to: 'outside',
    proto: 'udp',
    sport: '68',
    dport: '67',
  });
  assert.equal(dhcp.verdict, 'DROP');
  assert.equal(dhcp.steps[dhcp.steps.length - 1]!.chain, 'block-dhcp-out');
  const ra = (radv: string): string =>
    nft(model({ guests: { 100: `[OPTIONS]\nenable: 1\nradv: ${radv}\n` } }), {
      from: 'ct100',
      to: 'outside',
      proto: 'icmpv6',
      dport: 'router-advertisement',
      source: 'fe80::1',
      dest: 'ff02::1',
    }).verdict;
  assert.equal(ra('0'), 'DROP');
  assert.equal(ra('1'), 'ACCEPT');
});

test('a guest without enable: 1 has no chain: its traffic passes', () => {
  const m = model({ guests: { 100: '[RULES]\nIN DROP\n' } });
  const r = nft(m, { from: 'outside', to: 'ct100', proto: 'tcp', dport: '22' });
  assert.equal(r.verdict, 'ACCEPT');
  assert.match(r.notes.join('\n'), /deletes the table bridge proxmox-firewall-guests/);
});

test('a VNet firewall filters traffic bridged on the VNet, and traffic to the node over it', () => {
  const vnet =
    '[OPTIONS]\nenable: 1\npolicy_forward: REJECT\n\n[RULES]\nFORWARD ACCEPT -p tcp -dport 443\nFORWARD DROP -p tcp -dport 22\n';
  const m = model({ vnets: { vnet1: vnet } });
  const bridged = nft(m, { from: 'vm101', to: 'vnet1/eth9', proto: 'tcp', dport: '22' });
  assert.equal(bridged.verdict, 'DROP');
  assert.deepEqual(
    bridged.hooks.map((h) => `${h.table} ${h.hook}`),
    ['bridge prerouting', 'bridge forward'],
  );
  assert.equal(bridged.steps[bridged.steps.length - 1]!.chain, 'bridge-vnet1');
  assert.equal(
    nft(m, { from: 'vm101', to: 'vnet1/eth9', proto: 'tcp', dport: '443' }).verdict,
    'ACCEPT',
  );
  // The policy REJECT is a bare reject (not do-reject): ICMP port-unreachable, even for TCP.
  const other = nft(m, { from: 'vm101', to: 'vnet1/eth9', proto: 'tcp', dport: '80' });
  assert.equal(other.verdict, 'REJECT');
  assert.equal(other.rejectWith, 'icmp port-unreachable');
  // To the node over the VNet: host-bridge-input sends it through the VNet's inet chain first.
  const toNode = nft(m, { from: 'vm101', to: 'host', proto: 'tcp', dport: '22' });
  assert.equal(toNode.verdict, 'DROP');
  assert.deepEqual(
    toNode.hooks.map((h) => `${h.table} ${h.hook}: ${h.verdict}`),
    ['bridge prerouting: ACCEPT', 'inet input: DROP'],
  );
  assert.ok(toNode.steps.some((s) => s.table === 'inet' && s.chain === 'bridge-vnet1'));
  // A VNet file without enable: 1 builds nothing.
  const off = model({ vnets: { vnet1: vnet.replace('enable: 1', 'enable: 0') } });
  assert.equal(
    nft(off, { from: 'vm101', to: 'vnet1/eth9', proto: 'tcp', dport: '22' }).verdict,
    'ACCEPT',
  );
});

test('a guest on another bridge is routed: the inet forward hook with FORWARD rules', () => {
  const m = model({
    cluster: `${CLUSTER}\n[RULES]\nFORWARD DROP -p tcp -dport 3306\n`,
    guests: { 100: '[OPTIONS]\nenable: 1\npolicy_in: ACCEPT\n' },
  });
  const r = nft(m, { from: 'vm101', to: 'ct100', proto: 'tcp', dport: '3306' });
  assert.equal(r.verdict, 'DROP');
  assert.deepEqual(
    r.hooks.map((h) => `${h.table} ${h.hook}: ${h.verdict}`),
    ['bridge prerouting: ACCEPT', 'inet forward: DROP'],
  );
  assert.equal(r.steps[r.steps.length - 1]!.chain, 'cluster-forward');
});

test('GROUP to an undefined group: nft refuses the whole batch and the node keeps its rules', () => {
  const m = model({ cluster: `${CLUSTER}\n[RULES]\nIN ACCEPT -p tcp -dport 22\nGROUP nosuch\n` });
  const built = buildNodeRuleset(m, m.nodes[0]!).ruleset;
  assert.equal(built.state, 'stale');
  if (built.state !== 'stale') return;
  assert.equal(built.lineNumber, 6);
  assert.match(built.why, /jump group-nosuch-in: no such chain/);
  assert.match(built.why, /keeps the node's previous ruleset/);
});

test('an ipset entry naming an undefined alias aborts the whole update', () => {
  const m = model({ cluster: `${CLUSTER}\n[IPSET web]\nnosuchalias\n` });
  const built = buildNodeRuleset(m, m.nodes[0]!).ruleset;
  assert.equal(built.state, 'stale');
  if (built.state !== 'stale') return;
  assert.match(built.why, /could not find alias nosuchalias in environment/);
});

test('nf_conntrack_helpers: the helper port is accepted from anywhere before host and cluster rules', () => {
  const m = model({
    cluster: `${CLUSTER}\n[RULES]\nIN DROP -p tcp -dport 21\n`,
    host: `${NFT_HOST}nf_conntrack_helpers: ftp\n`,
  });
  const r = nft(m, { from: 'outside', to: 'host', proto: 'tcp', dport: '21', dest: '192.0.2.2' });
  assert.equal(r.verdict, 'ACCEPT');
  assert.equal(r.steps[r.steps.length - 1]!.chain, 'ct-in');
});

test('a protocol name nft does not know, or an interface name over 15 bytes, fails the whole batch', () => {
  for (const [line, why] of [
    ['IN ACCEPT -p Tcp -dport 22', /Could not resolve protocol name \(meta l4proto Tcp\)/],
    ['IN ACCEPT -i averyveryverylong', /String exceeds maximum length of 16/],
  ] as const) {
    const m = model({ cluster: `${CLUSTER}\n[RULES]\n${line}\n` });
    const built = buildNodeRuleset(m, m.nodes[0]!).ruleset;
    assert.equal(built.state, 'stale', line);
    if (built.state === 'stale') assert.match(built.why, why);
  }
  // TCP (netbase's alias) and ipv6-icmp resolve.
  const ok = model({ cluster: `${CLUSTER}\n[RULES]\nIN ACCEPT -p TCP\nIN ACCEPT -p esp\n` });
  assert.equal(buildNodeRuleset(ok, ok.nodes[0]!).ruleset.state, 'active');
});

test('macfilter (on by default): a frame from a firewalled NIC with another MAC is dropped, ARP too', () => {
  const m = model({ guests: { 100: '[OPTIONS]\nenable: 1\n' } });
  const built = buildNodeRuleset(m, m.nodes[0]!).ruleset;
  assert.equal(built.state, 'active');
  if (built.state !== 'active') return;
  const out = built.tables.bridge!.chains.get('guest-100-out')!;
  const filters = out.flatMap((r) => r.matches.filter((x) => x.kind === 'mac-pairs'));
  // Only net0 has firewall=1; the filter is one rule on the frame, one on ARP's sender.
  assert.deepEqual(filters, [
    { kind: 'mac-pairs', via: 'ether', pairs: [['veth100i0', 'BC:24:11:4D:B0:FF']] },
    { kind: 'mac-pairs', via: 'arp', pairs: [['veth100i0', 'BC:24:11:4D:B0:FF']] },
  ]);
  const off = model({ guests: { 100: '[OPTIONS]\nenable: 1\nmacfilter: 0\n' } });
  const none = buildNodeRuleset(off, off.nodes[0]!).ruleset;
  assert.ok(
    none.state === 'active' &&
      !none.tables
        .bridge!.chains.get('guest-100-out')!
        .some((r) => r.matches.some((x) => x.kind === 'mac-pairs')),
  );
});
