// A node on proxmox-firewall in a real kernel, for the tests that hold the nftables simulator to
// it: the node's cluster model, the generated `inet` table loaded with nft in a fresh network
// namespace (test/kernel/nft-node.sh), packets sent to it, and the rules whose counters moved.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildClusterModel } from '../../../server/src/core';
import type { ClusterModel } from '../../../server/src/core/model/cluster-model';
import type { NftTable } from '../../../server/src/core/nftables/nft-model';
import { nftScript, ruleKey } from '../../../server/src/core/nftables/nft-text';
import { kernelSkipReason } from './kernel-skip';

// The shell scripts are not compiled: from out/test/kernel/support back to test/kernel.
const SCRIPTS = resolve(__dirname, '..', '..', '..', '..', 'test', 'kernel');

/** Why nftables cannot be tried here, or false. */
export function nftKernelSkipReason(): string | false {
  return kernelSkipReason({
    rootFor: 'network namespaces, nft',
    tools: ['unshare', 'ip', 'nft', 'python3'],
    packages: 'nftables python3 iproute2',
    probe: ['unshare', '-n', 'nft', 'add table inet probe'],
    probeFailure: 'nftables cannot be loaded in a network namespace here',
  });
}

/**
 * One node `pve` at 172.16.1.2, the address nft-node.sh gives the namespace's bridge, so that
 * rules naming it match the packets sent there.
 */
export function nftNodeModel(
  cluster: string,
  host = '[OPTIONS]\nnftables: 1\n',
  vnets: Readonly<Record<string, string>> = {},
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

/** A rule as a walk names it. */
export interface RuleAt {
  readonly chain: string;
  readonly index: number;
}

/** A packet from the namespace's `out` (172.16.1.50, fd00::50) to the node. */
export interface SentPacket {
  readonly name: string;
  readonly family: 4 | 6;
  readonly proto: string;
  readonly sport: number;
  /** The ICMP type for ICMP. */
  readonly dport: number;
  /** A rule the packet is sure to reach: its counter moving means the packet has arrived. */
  readonly last: RuleAt;
}

/**
 * The node's table as the kernel counts it. Rules that dispatch through a verdict map are left
 * out on both sides of the comparison: the question is which rules decided a packet, and a map
 * only routes it to them.
 */
export class NftKernelNode {
  readonly #vmaps = new Set<string>();

  constructor(readonly table: NftTable) {
    for (const [chain, rules] of table.chains)
      for (const [index, rule] of rules.entries())
        if (rule.statement.kind === 'ct-vmap' || rule.statement.kind === 'vmap')
          this.#vmaps.add(ruleKey(chain, index));
  }

  /** The rules of a simulated walk whose counters the kernel should move, sorted. */
  counted(walk: readonly RuleAt[]): string[] {
    const keys = new Set(walk.map((step) => ruleKey(step.chain, step.index)));
    return [...keys].filter((key) => !this.#vmaps.has(key)).sort();
  }

  /**
   * Loads the table hooked on the node's input in a fresh namespace, sends each packet in turn,
   * and gives the rules whose counters each one moved, by packet name, sorted.
   */
  send(packets: readonly SentPacket[]): Map<string, string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'pvefw-nft-'));
    try {
      writeFileSync(
        join(dir, 'ruleset.nft'),
        nftScript(this.table, 'pvefw-test', ['host-bridge-input', 'input']),
      );
      const lines = packets.map(
        (p) =>
          `${p.name} ${p.family} ${p.proto} ${p.sport} ${p.dport} ${ruleKey(p.last.chain, p.last.index)}`,
      );
      writeFileSync(join(dir, 'scenarios'), `${lines.join('\n')}\n`);
      const run = spawnSync(
        'unshare',
        ['-n', '-m', '--propagation', 'private', 'bash', join(SCRIPTS, 'nft-node.sh'), dir],
        { encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      const moved = new Map<string, string[]>();
      for (const line of run.stdout.trim().split('\n')) {
        const [name = '', ...keys] = line.split(' ');
        moved.set(name, keys.filter((k) => k !== '' && !this.#vmaps.has(k)).sort());
      }
      return moved;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
