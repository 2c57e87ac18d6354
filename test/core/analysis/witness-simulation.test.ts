// Self-consistency of the analysis and the simulator, on random clusters: every rule found dead
// comes with a witness packet, and sending that packet through the simulator must show what the
// finding says: it reaches the rule's chain, the rule named as taking it is matched there and
// gives the witness's verdict, and the dead rule itself never matches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildClusterModel, compileInputFor, type Topology } from '../../../server/src/core';
import { analyseReachability } from '../../../server/src/core/analysis/analyse';
import type { DeadRule } from '../../../server/src/core/analysis/reachability-report';
import { compileRuleset } from '../../../server/src/core/compile';
import type { RuleOrigin } from '../../../server/src/core/compile/ruleset-types';
import {
  prepareSimulation,
  simulatePacket,
  type SimulateRequest,
  type SimulationResult,
} from '../../../server/src/core/simulate';

const TOPOLOGY: Topology = {
  localNode: 'pve1',
  localNetwork: '10.0.0.0/24',
  nodes: [{ name: 'pve1', address: '10.0.0.1' }],
  guests: [
    {
      vmid: 100,
      kind: 'vm',
      node: 'pve1',
      nics: [
        { name: 'net0', bridge: 'vmbr0', firewall: true, mac: 'BC:24:11:00:00:01' },
        { name: 'net1', bridge: 'vmbr0', firewall: true, mac: 'BC:24:11:00:00:02' },
      ],
    },
  ],
};

const ADDRESSES = ['10.1.0.0/16', '10.1.2.0/24', '10.1.2.3', '192.168.0.0/16', '+s1', '+s2'];
const PORTS = ['22', '80', '443', '1000:2000', '22,80', '8006'];

function ruleText(guest: boolean) {
  return fc
    .record({
      dir: fc.constantFrom('IN', 'OUT'),
      action: fc.constantFrom('ACCEPT', 'DROP', 'REJECT'),
      proto: fc.option(fc.constantFrom('tcp', 'udp'), { nil: undefined }),
      dport: fc.option(fc.constantFrom(...PORTS), { nil: undefined }),
      source: fc.option(fc.constantFrom(...ADDRESSES), { nil: undefined }),
      dest: fc.option(fc.constantFrom(...ADDRESSES), { nil: undefined }),
      iface: guest
        ? fc.option(fc.constantFrom('net0', 'net1'), { nil: undefined })
        : fc.constant(undefined),
    })
    .map((r) =>
      [
        r.dir,
        r.action,
        r.iface ? `-i ${r.iface}` : '',
        r.source ? `-source ${r.source}` : '',
        r.dest ? `-dest ${r.dest}` : '',
        r.proto ? `-p ${r.proto}` : '',
        r.proto && r.dport ? `-dport ${r.dport}` : '',
      ]
        .filter((x) => x !== '')
        .join(' '),
    );
}

const cluster = fc
  .record({
    policyIn: fc.constantFrom('DROP', 'ACCEPT', 'REJECT'),
    rules: fc.array(ruleText(false), { maxLength: 8 }),
  })
  .map(
    ({ policyIn, rules }) =>
      `[OPTIONS]\nenable: 1\npolicy_in: ${policyIn}\n\n[IPSET s1]\n10.1.2.0/24\n!10.1.2.3\n\n[IPSET s2]\n10.1.0.0/16\n192.168.7.0/24\n\n[RULES]\n${rules.join('\n')}\n`,
  );
const guest = fc
  .record({
    policyIn: fc.constantFrom('DROP', 'ACCEPT', 'REJECT'),
    policyOut: fc.constantFrom('DROP', 'ACCEPT', 'REJECT'),
    rules: fc.array(ruleText(true), { minLength: 2, maxLength: 10 }),
  })
  .map(
    ({ policyIn, policyOut, rules }) =>
      `[OPTIONS]\nenable: 1\npolicy_in: ${policyIn}\npolicy_out: ${policyOut}\n\n[RULES]\n${rules.join('\n')}\n`,
  );

/** The simulator's question for a witness in an entry chain; undefined for other chains. */
function question(dead: DeadRule): SimulateRequest | undefined {
  const { sample, chain } = dead.witness;
  const nic = /^tap100i([0-9]+)-(IN|OUT)$/.exec(chain);
  const ends =
    chain === 'PVEFW-HOST-IN'
      ? { from: 'outside', to: 'host' }
      : chain === 'PVEFW-HOST-OUT'
        ? { from: 'host', to: 'outside' }
        : nic?.[2] === 'IN'
          ? { from: 'outside', to: `vm100i${nic[1]!}` }
          : nic
            ? { from: `vm100i${nic[1]!}`, to: 'outside' }
            : undefined;
  if (!ends) return undefined;
  const port = sample.icmpType ?? (sample.dport === undefined ? undefined : String(sample.dport));
  return {
    ...ends,
    proto: sample.proto,
    source: sample.source,
    dest: sample.dest,
    dsttype: sample.dstType,
    ...(port !== undefined ? { dport: port } : {}),
    ...(sample.sport !== undefined ? { sport: String(sample.sport) } : {}),
  };
}

const sameLine = (a: RuleOrigin | undefined, b: RuleOrigin): boolean =>
  a !== undefined && a.path === b.path && a.lineNumber === b.lineNumber;

/** What the simulation shows about the dead rule: '' when it agrees with the finding. */
function disagreement(dead: DeadRule, result: SimulationResult): string {
  const check = result.checks.find((c) =>
    c.events.some((e) => e.kind === 'enter' && e.chain === dead.witness.chain),
  );
  if (!check) return `the packet never reached ${dead.witness.chain}`;
  const matched = check.events.flatMap((e) => (e.kind === 'rule' ? [e] : []));
  if (matched.some((e) => sameLine(e.rule.origin, dead.origin)))
    return 'the dead rule matched the witness';
  const { takenBy } = dead.witness;
  const taken = matched.some((e) =>
    takenBy.origin
      ? sameLine(e.rule.origin, takenBy.origin)
      : e.chain === takenBy.chain && e.rule.builtin === takenBy.builtin,
  );
  if (!taken) return `the rule named as taking it was not matched (${JSON.stringify(takenBy)})`;
  if (check.verdict !== dead.witness.verdict)
    return `verdict ${check.verdict}, the finding says ${dead.witness.verdict}`;
  return '';
}

test('the witness of every dead rule, sent through the simulator, shows what the finding says', () => {
  let checked = 0;
  fc.assert(
    fc.property(cluster, guest, (clusterText, guestText) => {
      const model = buildClusterModel({
        cluster: { path: 'cluster.fw', text: clusterText },
        guests: [{ vmid: 100, file: { path: '100.fw', text: guestText } }],
        topology: { path: 'topology.json', topology: TOPOLOGY },
      });
      const input = compileInputFor(model, 'pve1');
      const report = analyseReachability(input);
      const rulesets = prepareSimulation(compileRuleset(input));
      for (const dead of report.dead) {
        const request = question(dead);
        if (!request) continue;
        const result = simulatePacket(rulesets, input.topology, request);
        const wrong = disagreement(dead, result);
        assert.equal(
          wrong,
          '',
          `${dead.origin.path}:${dead.origin.lineNumber} (${dead.kind}), witness ${dead.witness.packet} in ${dead.witness.chain}\n--- cluster.fw\n${clusterText}--- 100.fw\n${guestText}`,
        );
        checked++;
      }
    }),
    { numRuns: 400, seed: 20261203 },
  );
  assert.ok(checked > 100, `only ${checked} witnesses were checked: the generator finds too few`);
});
