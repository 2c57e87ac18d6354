// Walks past a rule finish with one shared walk of the chain's policy part (its "tail"). That
// shortcut must give exactly what following the packets through the tail rule by rule gives:
// checked for every rule copy and every verdict on generated guest and host rulesets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseReachability } from '../../../server/src/core/analysis/analyse';
import type { FamilyModel } from '../../../server/src/core/analysis/family-model';
import type { AbstractChains, Decision } from '../../../server/src/core/analysis/symbolic-walk';
import { ChainIndex } from '../../../server/src/core/analysis/chain-index';
import { ANY_MARK, regionSubtract, type Box } from '../../../server/src/core/analysis/packet-space';
import { reachInstance, restOfChain } from '../../../server/src/core/analysis/rule-reach';
import type { CompileInput } from '../../../server/src/core/compile/ruleset-types';
import { loadFwConfig } from '../../../server/src/core/model/load-config';
import { parseFwSyntax } from '../../../server/src/core/syntax/parse-file';
import { generateWorkspace } from '../../bench/generate';

const HOST = [
  '[OPTIONS]',
  'enable: 1',
  '[RULES]',
  'IN ACCEPT -p tcp -dport 22 -source 10.0.0.0/8',
  'IN DROP -p tcp -dport 8006',
  'IN REJECT -p udp -dport 53',
  'IN DROP -p udp -dport 137',
  'OUT ACCEPT -p tcp -dport 443',
  'OUT DROP -p tcp -dport 25',
  'IN ACCEPT -p icmp -icmp-type time-exceeded',
  'IN DROP -p icmp -icmp-type echo-request',
].join('\n');

function input(seed: number, policy: string): CompileInput {
  const ws = generateWorkspace(120, seed);
  const guestText = ws.guest.replace('[OPTIONS]', `[OPTIONS]\n${policy}`);
  const cluster = loadFwConfig(parseFwSyntax(ws.cluster, 'cluster'), 'cluster', {}).config;
  const guest = loadFwConfig(parseFwSyntax(guestText, 'guest'), 'guest', { cluster }).config;
  const host = loadFwConfig(parseFwSyntax(HOST, 'host'), 'host', { cluster }).config;
  return {
    cluster: { path: 'cluster.fw', config: cluster },
    host: { path: 'host.fw', config: host },
    guests: new Map([[100, { path: '100.fw', config: guest }]]),
    topology: {
      localNode: 'pve1',
      localNetwork: '192.168.1.0/24',
      nodes: [{ name: 'pve1' }],
      guests: [
        {
          vmid: 100,
          kind: 'vm',
          node: 'pve1',
          nics: [{ name: 'net0', bridge: 'vmbr0', firewall: true }],
        },
      ],
    },
  };
}

/** The same model without the tail shortcut: every walk goes rule by rule to the end. */
function withoutTails(chains: AbstractChains): AbstractChains {
  const plain: AbstractChains = { rules: chains.rules, opaque: chains.opaque };
  return { ...plain, index: new ChainIndex(plain) };
}

const key = (d: { by: { chain: string; index: number } }): string => `${d.by.chain} ${d.by.index}`;

/** Packets as sets, whatever mark they carry: a walk's regions hold the mark after the chain. */
function sameRegion(a: readonly Box[], b: readonly Box[]): boolean {
  const open = (r: readonly Box[]): Box[] => r.map((x) => ({ ...x, mark: ANY_MARK }));
  const minus = (x: Box[], y: Box[]): Box[] => y.reduce<Box[]>(regionSubtract, x);
  return minus(open(a), open(b)).length === 0 && minus(open(b), open(a)).length === 0;
}

function byRule(decided: readonly Decision[]): Map<string, Box[]> {
  const out = new Map<string, Box[]>();
  for (const d of decided) out.set(key(d), [...(out.get(key(d)) ?? []), ...d.region]);
  return out;
}

test('walks past a rule give the same answer with the shared walk of the policy part', () => {
  let compared = 0;
  let removable = 0;
  const policies = ['policy_in: DROP', 'policy_in: REJECT\npolicy_out: DROP', 'policy_in: ACCEPT'];
  for (const [seed, policy] of policies.entries()) {
    const report = analyseReachability(input(seed + 1, policy), { hostTailKnown: true });
    for (const model of report.families as FamilyModel[]) {
      const slow = withoutTails(model.chains);
      for (const copies of model.instances.values()) {
        for (const instance of copies) {
          const reach = reachInstance(model.chains, instance);
          if (reach.dead) continue;
          const without = new Set([`${instance.ref.chain} ${instance.ref.index}`]);
          for (const verdict of ['ACCEPT', 'DROP', 'REJECT'] as const) {
            const fast = restOfChain(model.chains, reach, without, verdict);
            const exact = restOfChain(slow, reach, without, verdict);
            const where = `${instance.ref.chain} ${instance.ref.index} ${verdict}`;
            assert.equal(fast.contradicted ?? false, exact.contradicted ?? false, where);
            if (exact.contradicted) continue;
            removable++;
            assert.equal(fast.undecided, exact.undecided, where);
            assert.deepEqual(
              new Set(fast.maybe.map(key)),
              new Set(exact.maybe.map(key)),
              `maybe: ${where}`,
            );
            const [f, e] = [byRule(fast.decided), byRule(exact.decided)];
            assert.deepEqual(new Set(f.keys()), new Set(e.keys()), `deciders: ${where}`);
            for (const [by, region] of e) assert.ok(sameRegion(f.get(by)!, region), where);
            compared++;
          }
        }
      }
    }
  }
  // Enough walks that are not cut short by the first other verdict, in every kind of chain.
  assert.ok(removable > 150, `compared ${removable}`);
  assert.ok(compared === removable);
});
