// proxmox-firewall's verdicts checked in a real kernel: pvefw's generated host table for a node on
// nftables (`inet proxmox-firewall`, fixed chains and user rules, a counter on each rule) loaded
// with nft in a fresh network namespace (test/kernel/nft-node.sh), real packets sent to the node,
// and the rules whose counters move must be exactly the rules the simulator walks. The
// behaviours are the kernel measurements of proxmox-firewall 1.2.3. Needs root, nft,
// iproute2 and python3 (Debian's packages; .ci/run installs them), and skips with the reason
// when any is missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterModel } from '../../server/src/core/model/cluster-model';
import { buildNodeRuleset } from '../../server/src/core/nftables/ruleset';
import { simulateNft, type NftSimulation } from '../../server/src/core/nftables/simulate-nft';
import { NftKernelNode, nftKernelSkipReason, nftNodeModel } from './support/nft-node';

interface Scenario {
  readonly name: string;
  readonly family: 4 | 6;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly sport?: number;
  readonly dport: number;
  readonly verdict: string;
}

function simulate(model: ClusterModel, s: Scenario): NftSimulation {
  const v6 = s.family === 6;
  return simulateNft(model, 'pve', {
    from: 'outside',
    to: 'host',
    proto: s.proto === 'icmp' ? (v6 ? 'icmpv6' : 'icmp') : s.proto,
    dport: s.proto === 'icmp' ? (v6 ? 'echo-request' : 'echo-request') : String(s.dport),
    ...(s.sport !== undefined ? { sport: String(s.sport) } : {}),
    source: v6 ? 'fd00::50' : '172.16.1.50',
    dest: v6 ? 'fd00::2' : '172.16.1.2',
  });
}

/** The simulated verdicts first, then (as root) the kernel's counters against the walk. */
function check(model: ClusterModel, scenarios: readonly Scenario[], kernel: boolean): void {
  const walks = scenarios.map((s) => {
    const walk = simulate(model, s);
    assert.equal(walk.verdict, s.verdict, s.name);
    return { s, inet: walk.steps.filter((st) => st.table === 'inet') };
  });
  if (!kernel) return;
  const built = buildNodeRuleset(model, model.nodes[0]!);
  assert.equal(built.ruleset.state, 'active');
  if (built.ruleset.state !== 'active') return;
  const node = new NftKernelNode(built.ruleset.tables.inet!);
  const seen = node.send(
    walks.map(({ s, inet }) => {
      const last = inet.at(-1);
      assert.ok(last, s.name);
      const icmpType = s.family === 4 ? 8 : 128;
      const dport = s.proto === 'icmp' ? icmpType : s.dport;
      return { name: s.name, family: s.family, proto: s.proto, sport: s.sport ?? 0, dport, last };
    }),
  );
  for (const { s, inet } of walks) assert.deepEqual(seen.get(s.name), node.counted(inet), s.name);
}

const SKIP_KERNEL = nftKernelSkipReason();

test('ports without -p: IN ACCEPT -dport 2222 accepts TCP 2223, UDP and ICMP (kernel-checked)', () => {
  const model = nftNodeModel('[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -dport 2222\nIN DROP\n');
  check(
    model,
    [
      { name: 'tcp2223', family: 4, proto: 'tcp', dport: 2223, verdict: 'ACCEPT' },
      { name: 'udp9999', family: 4, proto: 'udp', dport: 9999, verdict: 'ACCEPT' },
      { name: 'ping', family: 4, proto: 'icmp', dport: 8, verdict: 'ACCEPT' },
    ],
    SKIP_KERNEL === false,
  );
});

test('the fixed ruleset: SMB rejected, DNS replies and SSDP dropped, corosync and management before DROP (kernel-checked)', () => {
  const model = nftNodeModel(
    [
      '[OPTIONS]',
      'enable: 1',
      '',
      '[ALIASES]',
      'local_network 172.16.1.0/24',
      '',
      '[RULES]',
      'IN Ping(ACCEPT) -source 172.16.1.99',
      'IN ACCEPT -p tcp -dport 445',
      'IN ACCEPT -p udp -dport 137',
      'IN REJECT -p icmp',
      'IN DROP',
      '',
    ].join('\n'),
  );
  check(
    model,
    [
      { name: 'smb445', family: 4, proto: 'tcp', dport: 445, verdict: 'REJECT' },
      { name: 'nb137', family: 4, proto: 'udp', dport: 137, verdict: 'REJECT' },
      { name: 'dns', family: 4, proto: 'udp', sport: 53, dport: 4000, verdict: 'DROP' },
      { name: 'ssdp', family: 4, proto: 'udp', dport: 1900, verdict: 'DROP' },
      { name: 'corosync', family: 4, proto: 'udp', dport: 5405, verdict: 'ACCEPT' },
      { name: 'ssh', family: 4, proto: 'tcp', dport: 22, verdict: 'ACCEPT' },
      { name: 'webui', family: 4, proto: 'tcp', dport: 8006, verdict: 'ACCEPT' },
      { name: 'other', family: 4, proto: 'tcp', dport: 60001, verdict: 'DROP' },
      { name: 'ping4', family: 4, proto: 'icmp', dport: 8, verdict: 'REJECT' },
      { name: 'ping6', family: 6, proto: 'icmp', dport: 128, verdict: 'ACCEPT' },
    ],
    SKIP_KERNEL === false,
  );
});

test('REJECT answers an ICMP echo with port-unreachable; no 60000-60050 range', () => {
  const model = nftNodeModel('[OPTIONS]\nenable: 1\n\n[RULES]\nIN REJECT\n');
  const echo = simulate(model, {
    name: 'echo',
    family: 4,
    proto: 'icmp',
    dport: 8,
    verdict: 'REJECT',
  });
  assert.equal(echo.rejectWith, 'icmpx port-unreachable');
  const migration = simulate(model, {
    name: 'm',
    family: 4,
    proto: 'tcp',
    dport: 60000,
    verdict: 'REJECT',
  });
  assert.equal(migration.verdict, 'REJECT');
});

test('enable: 0 in host.fw with nftables: 1 removes the table: everything passes', () => {
  const model = nftNodeModel(
    '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP\n',
    '[OPTIONS]\nnftables: 1\nenable: 0\n',
  );
  const r = simulate(model, { name: 'x', family: 4, proto: 'tcp', dport: 22, verdict: 'ACCEPT' });
  assert.equal(r.verdict, 'ACCEPT');
  assert.match(r.notes.join('\n'), /deletes the table/);
});

test('-p icmp -dport echo-request matches all ICMP; a bad cluster.fw leaves the node stale', () => {
  const model = nftNodeModel(
    '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p icmp -dport echo-request\nIN DROP\n',
  );
  const built = buildNodeRuleset(model, model.nodes[0]!);
  assert.equal(built.ruleset.state, 'active');
  if (built.ruleset.state === 'active') {
    const first = built.ruleset.chains.get('cluster-in')![0]!;
    assert.deepEqual(first.matches, [{ kind: 'l4proto', protos: ['icmp'] }]);
  }
  const broken = nftNodeModel('[OPTIONS]\nenable: 1 # on\n');
  const stale = buildNodeRuleset(broken, broken.nodes[0]!).ruleset;
  assert.equal(stale.state, 'stale');
});

test(
  'the real kernel is available here, or the kernel checks above were skipped for a reason',
  {
    skip: SKIP_KERNEL,
  },
  () => {
    assert.equal(SKIP_KERNEL, false);
  },
);

test('protection_synflood: 1 drops every new connection that the fixed chains do not accept first (kernel-checked)', () => {
  // block-synflood returns only for TCP packets that are not a lone SYN; a SYN under the rate
  // comes back from ratelimit-synflood to its final drop, and so does every non-TCP packet.
  const model = nftNodeModel(
    '[OPTIONS]\nenable: 1\n\n[ALIASES]\nlocal_network 172.16.1.0/24\n\n[RULES]\nIN ACCEPT\n',
    '[OPTIONS]\nnftables: 1\nprotection_synflood: 1\n',
  );
  check(
    model,
    [
      { name: 'syn', family: 4, proto: 'tcp', dport: 80, verdict: 'DROP' },
      { name: 'udp', family: 4, proto: 'udp', dport: 9999, verdict: 'DROP' },
      { name: 'ping', family: 4, proto: 'icmp', dport: 8, verdict: 'DROP' },
      { name: 'webui', family: 4, proto: 'tcp', dport: 8006, verdict: 'ACCEPT' },
    ],
    SKIP_KERNEL === false,
  );
});

test('nf_conntrack_helpers: ftp accepts new connections to TCP 21 from anywhere, before any user rule (kernel-checked)', () => {
  const model = nftNodeModel(
    '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP\n',
    '[OPTIONS]\nnftables: 1\nnf_conntrack_helpers: ftp\n',
  );
  check(
    model,
    [
      { name: 'ftp', family: 4, proto: 'tcp', dport: 21, verdict: 'ACCEPT' },
      { name: 'ftp6', family: 6, proto: 'tcp', dport: 21, verdict: 'ACCEPT' },
      { name: 'other', family: 4, proto: 'tcp', dport: 2121, verdict: 'DROP' },
    ],
    SKIP_KERNEL === false,
  );
});

test("a VNet firewall also filters traffic to the node over the VNet, before the node's own chains (kernel-checked)", () => {
  // The node's interface in the namespace is vmbr0: a VNet of that name gets its inet chain
  // through host-bridge-input (priority filter - 1), ahead of input.
  const model = nftNodeModel('[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp\n', undefined, {
    vmbr0: '[OPTIONS]\nenable: 1\n\n[RULES]\nFORWARD DROP -p tcp -dport 80\n',
  });
  check(
    model,
    [
      { name: 'http', family: 4, proto: 'tcp', dport: 80, verdict: 'DROP' },
      { name: 'https', family: 4, proto: 'tcp', dport: 443, verdict: 'ACCEPT' },
      { name: 'http6', family: 6, proto: 'tcp', dport: 80, verdict: 'DROP' },
    ],
    SKIP_KERNEL === false,
  );
});
