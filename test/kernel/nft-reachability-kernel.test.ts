// Issue 13: the witnesses of shadowed and redundant rules on a node that runs proxmox-firewall,
// checked in a real kernel. The node's generated `inet proxmox-firewall` table (a counter on
// each rule) is loaded with nft in a fresh network namespace (test/kernel/nft-node.sh) and each
// witness packet is sent to the node: the rules whose counters move must be exactly the rules
// the simulator walks, the last of them the rule the finding names, and never the dead rule.
// The rules name the namespace's addresses (172.16.1.50 → 172.16.1.2) so that the witnesses are
// packets the namespace can send. Needs root, nft, iproute2 and python3; skips with the reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterModel } from '../../server/src/core/model/cluster-model';
import { runToEnd } from '../../server/src/core/steps';
import { nftNodeReport } from '../../server/src/core/checks/nft-reachability';
import { buildNodeRuleset } from '../../server/src/core/nftables/ruleset';
import { walkEntry } from '../../server/src/core/nftables/simulate-nft';
import { NftKernelNode, nftKernelSkipReason, nftNodeModel } from './support/nft-node';

const SKIP = nftKernelSkipReason();
const PAIR = '-source 172.16.1.50 -dest 172.16.1.2';

/**
 * The node's dead rules (IPv4), each witness sent to the namespace: the counters that move are
 * the simulated walk, which ends at the rule the finding names and never meets the dead rule.
 */
function kernelCheck(model: ClusterModel, expected: readonly string[]): void {
  const node = model.nodes[0]!;
  const dead = runToEnd(nftNodeReport(model, node))!.dead.filter((d) => d.family === 4);
  assert.deepEqual(
    dead.map((d) => `${d.origin.path}:${d.origin.lineNumber} ${d.kind}`).sort(),
    [...expected].sort(),
  );
  const built = buildNodeRuleset(model, node).ruleset;
  assert.equal(built.state, 'active');
  if (built.state !== 'active') return;
  const kernel = new NftKernelNode(built.tables.inet!);
  const walks = dead.map((d) => {
    assert.equal(d.entry.label, 'host in');
    const s = d.witness.sample;
    assert.equal(s.source, '172.16.1.50', d.witness.packet);
    assert.equal(s.dest, '172.16.1.2', d.witness.packet);
    const walked = walkEntry(built.tables, d.entry, s);
    assert.equal(walked.verdict, d.witness.verdict, d.witness.packet);
    const last = walked.steps.at(-1);
    assert.ok(last, d.witness.packet);
    return { d, steps: walked.steps, last };
  });
  const seen = kernel.send(
    walks.map(({ d, last }, i) => {
      const s = d.witness.sample;
      return {
        name: `w${i}`,
        family: 4,
        proto: s.proto,
        sport: s.sport ?? 0,
        dport: s.dport ?? 0,
        last,
      };
    }),
  );
  for (const [i, { d, steps }] of walks.entries()) {
    assert.deepEqual(seen.get(`w${i}`), kernel.counted(steps), d.witness.packet);
    // The rule the finding names decided, and the dead rule was never met.
    const decider = steps.filter((st) => st.chain !== 'do-reject').at(-1)!;
    const at = (o: { path: string; lineNumber: number } | undefined): string =>
      o ? `${o.path}:${o.lineNumber}` : 'fixed';
    assert.equal(at(decider.rule.origin), at(d.witness.takenBy.origin), d.witness.packet);
    assert.ok(!steps.some((st) => at(st.rule.origin) === at(d.origin)));
  }
}

test(
  'the witnesses of dead rules on an nftables node take the path the kernel takes',
  { skip: SKIP === false ? false : SKIP },
  () => {
    const cluster = [
      '[OPTIONS]',
      'enable: 1',
      '',
      '[RULES]',
      `IN ACCEPT ${PAIR} -p tcp -dport 1000:2000`,
      `IN DROP ${PAIR} -p tcp -dport 1500`,
      `IN DROP ${PAIR} -p udp -dport 5405`,
      `IN ACCEPT ${PAIR} -p tcp -dport 445`,
      `IN REJECT ${PAIR} -p udp -dport 3000`,
      '',
    ].join('\n');
    const host = `[OPTIONS]\nnftables: 1\n\n[RULES]\nIN REJECT ${PAIR} -p udp -dport 2900:3100\n`;
    kernelCheck(nftNodeModel(cluster, host), [
      'firewall/cluster.fw:6 shadowed',
      'firewall/cluster.fw:7 shadowed',
      'firewall/cluster.fw:8 shadowed',
      'firewall/cluster.fw:9 redundant',
    ]);
  },
);

test(
  "a VNet's dead rule in the node's input hook (the VNet's chain before the node's): the kernel agrees",
  { skip: SKIP === false ? false : SKIP },
  () => {
    // The namespace's bridge is vmbr0: a VNet of that name has its chain on vmbr0's traffic.
    const vnet = [
      '[OPTIONS]',
      'enable: 1',
      '',
      '[RULES]',
      `FORWARD DROP ${PAIR} -p tcp -dport 4000:5000`,
      `FORWARD DROP ${PAIR} -p tcp -dport 4500`,
      `FORWARD REJECT ${PAIR} -p tcp -dport 4600`,
      '',
    ].join('\n');
    const cluster = `[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -i vmbr0 ${PAIR} -p tcp -dport 4700\n`;
    kernelCheck(nftNodeModel(cluster, undefined, { vmbr0: vnet }), [
      'firewall/cluster.fw:5 shadowed',
      'sdn/firewall/vmbr0.fw:6 redundant',
      'sdn/firewall/vmbr0.fw:7 shadowed',
    ]);
  },
);
