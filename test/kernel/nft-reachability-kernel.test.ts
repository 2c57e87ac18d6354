// Issue 13: the witnesses of shadowed and redundant rules on a node that runs proxmox-firewall,
// checked in a real kernel. The node's generated `inet proxmox-firewall` table (a counter on
// each rule) is loaded with nft in a fresh network namespace (test/kernel/nft-node.sh) and each
// witness packet is sent to the node: the rules whose counters move must be exactly the rules
// the simulator walks, the last of them the rule the finding names, and never the dead rule.
// The rules name the namespace's addresses (172.16.1.50 → 172.16.1.2) so that the witnesses are
// packets the namespace can send. Needs root, nft, iproute2 and python3; skips with the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { buildClusterModel } from '../../server/src/core';
import type { ClusterModel } from '../../server/src/core/model/cluster-model';
import { runToEnd } from '../../server/src/core/steps';
import { nftNodeReport } from '../../server/src/core/checks/nft-reachability';
import { nftScript, ruleKey } from '../../server/src/core/nftables/nft-text';
import { buildNodeRuleset } from '../../server/src/core/nftables/ruleset';
import { walkEntry } from '../../server/src/core/nftables/simulate-nft';

const SCRIPTS = resolve(__dirname, '..', '..', '..', 'test', 'kernel');

function missing(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, nft)';
  for (const tool of ['unshare', 'ip', 'nft', 'python3']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (apt-get install nftables python3 iproute2)`;
  }
  const probe = spawnSync('unshare', ['-n', 'nft', 'add table inet probe'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `nftables cannot be loaded in a network namespace here: ${(probe.stderr || String(probe.error)).trim()}`;
  return false;
}

const SKIP = missing();
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
  const table = built.tables.inet!;
  const vmaps = new Set<string>();
  for (const [chain, rules] of table.chains)
    rules.forEach(
      (r, i) =>
        (r.statement.kind === 'ct-vmap' || r.statement.kind === 'vmap') &&
        vmaps.add(ruleKey(chain, i)),
    );
  const walks = dead.map((d) => {
    assert.equal(d.entry.label, 'host in');
    const s = d.witness.sample;
    assert.equal(s.source, '172.16.1.50', d.witness.packet);
    assert.equal(s.dest, '172.16.1.2', d.witness.packet);
    const walked = walkEntry(built.tables, d.entry, s);
    assert.equal(walked.verdict, d.witness.verdict, d.witness.packet);
    return walked;
  });
  const dir = mkdtempSync(join(tmpdir(), 'pvefw-nft-reach-'));
  try {
    writeFileSync(
      join(dir, 'ruleset.nft'),
      nftScript(table, 'pvefw-test', ['host-bridge-input', 'input']),
    );
    const lines = dead.map((d, i) => {
      const s = d.witness.sample;
      const last = walks[i]!.steps[walks[i]!.steps.length - 1]!;
      return `w${i} 4 ${s.proto} ${s.sport ?? 0} ${s.dport ?? 0} ${ruleKey(last.chain, last.index)}`;
    });
    writeFileSync(join(dir, 'scenarios'), `${lines.join('\n')}\n`);
    const run = spawnSync(
      'unshare',
      ['-n', '-m', '--propagation', 'private', 'bash', join(SCRIPTS, 'nft-node.sh'), dir],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const seen = new Map(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => {
          const [name, ...keys] = l.split(' ');
          return [name!, new Set(keys.filter((k) => k !== '' && !vmaps.has(k)))] as const;
        }),
    );
    dead.forEach((d, i) => {
      const steps = walks[i]!.steps;
      const simulated = new Set(steps.map((st) => ruleKey(st.chain, st.index)));
      for (const k of vmaps) simulated.delete(k);
      assert.deepEqual([...seen.get(`w${i}`)!].sort(), [...simulated].sort(), d.witness.packet);
      // The rule the finding names decided, and the dead rule was never met.
      const decider = steps.filter((st) => st.chain !== 'do-reject').at(-1)!;
      const at = (o: { path: string; lineNumber: number } | undefined): string =>
        o ? `${o.path}:${o.lineNumber}` : 'fixed';
      assert.equal(at(decider.rule.origin), at(d.witness.takenBy.origin), d.witness.packet);
      assert.ok(!steps.some((st) => at(st.rule.origin) === at(d.origin)));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function nodeModel(
  cluster: string,
  host: string,
  vnets: Record<string, string> = {},
): ClusterModel {
  return buildClusterModel({
    cluster: { path: 'firewall/cluster.fw', text: cluster },
    hosts: [{ node: 'pve', file: { path: 'nodes/pve/host.fw', text: host } }],
    vnets: Object.entries(vnets).map(([name, text]) => ({
      name,
      file: { path: `sdn/firewall/${name}.fw`, text },
    })),
    topology: {
      path: 'topology.json',
      topology: { localNode: 'pve', nodes: [{ name: 'pve', address: '172.16.1.2' }], guests: [] },
    },
  });
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
    kernelCheck(nodeModel(cluster, host), [
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
    kernelCheck(nodeModel(cluster, '[OPTIONS]\nnftables: 1\n', { vmbr0: vnet }), [
      'firewall/cluster.fw:5 shadowed',
      'sdn/firewall/vmbr0.fw:6 redundant',
      'sdn/firewall/vmbr0.fw:7 shadowed',
    ]);
  },
);
