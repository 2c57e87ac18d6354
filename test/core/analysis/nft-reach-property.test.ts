// Issue 13: the nftables reachability walks (whole regions of packets, with the chain index)
// against a plain rule-by-rule simulation (simulate-nft.ts walkEntry, one packet at a time), on
// random cluster.fw / host.fw rule lists with a group. The packets simulated are one of each
// class the rules and proxmox-firewall's fixed chains tell apart (every port, address and
// interface a rule names, the fixed rules' ports, unicast and broadcast), so a rule is met by
// some simulated packet exactly when it can match at all. A rule the analysis calls dead must
// never be met; every other rule must be met by some packet; every witness must get the verdict
// its finding claims; removing a rule called redundant changes no packet's verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildClusterModel } from '../../../server/src/core';
import { runToEnd } from '../../../server/src/core/steps';
import type { Packet } from '../../../server/src/core/analysis/witness';
import { nftNodeReport } from '../../../server/src/core/checks/nft-reachability';
import type { NftRule, NodeTables } from '../../../server/src/core/nftables/nft-model';
import { nftEntries } from '../../../server/src/core/nftables/nft-space';
import { buildNodeRuleset } from '../../../server/src/core/nftables/ruleset';
import { walkEntry } from '../../../server/src/core/nftables/simulate-nft';

const SOURCES = ['192.0.2.0/24', '192.0.2.0/25', '192.0.2.128/25', '192.0.2.1', '198.51.100.1'];
const SOURCE_POINTS = [
  '192.0.2.0',
  '192.0.2.1',
  '192.0.2.2',
  '192.0.2.200',
  '198.51.100.1',
  '10.0.0.1',
];
const PORTS = ['22', '80', '445', '1000:1100', '5405', '8006'];
const PORT_POINTS = [9, 22, 80, 135, 137, 139, 445, 1000, 1900, 3128, 5405, 5900, 8006];
const IFACES = ['vmbr0', 'lo', 'eth9'];

const rule = fc
  .record({
    action: fc.constantFrom('ACCEPT', 'DROP', 'REJECT'),
    proto: fc.constantFrom('tcp', 'udp', 'icmp', undefined),
    port: fc.constantFrom(...PORTS, undefined),
    source: fc.constantFrom(...SOURCES),
    iface: fc.constantFrom('vmbr0', undefined),
  })
  .map((r) => {
    const parts = ['IN', r.action];
    if (r.iface) parts.push('-i', r.iface);
    parts.push('-source', r.source);
    if (r.proto) parts.push('-p', r.proto);
    if (r.proto === 'icmp' && r.port) parts.push('-icmp-type', 'echo-request');
    else if (r.proto && r.proto !== 'icmp' && r.port) parts.push('-dport', r.port);
    return parts.join(' ');
  });

const files = fc.record({
  cluster: fc.array(rule, { minLength: 1, maxLength: 6 }),
  group: fc.array(rule, { maxLength: 3 }),
  groupAt: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  host: fc.array(rule, { maxLength: 3 }),
});

function packets(): Packet[] {
  const out: Packet[] = [];
  const protos: { proto: string; ports: (number | undefined)[]; icmp?: string[] }[] = [
    { proto: 'tcp', ports: PORT_POINTS },
    { proto: 'udp', ports: PORT_POINTS },
    { proto: 'icmp', ports: [undefined], icmp: ['echo-request', 'echo-reply', 'time-exceeded'] },
    { proto: 'gre', ports: [undefined] },
  ];
  for (const p of protos)
    for (const dport of p.ports)
      for (const sport of dport === undefined ? [undefined] : [40000, 53])
        for (const icmpType of p.icmp ?? [undefined])
          for (const source of SOURCE_POINTS)
            for (const iface of IFACES)
              for (const dstType of ['UNICAST', 'BROADCAST'])
                out.push({
                  family: 4,
                  proto: p.proto,
                  source,
                  dest: '192.0.2.2',
                  ...(dport !== undefined ? { dport, sport: sport! } : {}),
                  ...(icmpType ? { icmpType } : {}),
                  iface,
                  dstType,
                });
  return out;
}

const PACKETS = packets();

test('nftables reachability agrees with a rule-by-rule simulation on random rule lists', () => {
  fc.assert(
    fc.property(files, (f) => {
      const clusterRules = [...f.cluster];
      // A group no rule names builds chains no packet enters: nothing is said of its rules.
      const group = f.groupAt !== undefined ? f.group : [];
      if (f.groupAt !== undefined && f.group.length > 0)
        clusterRules.splice(Math.min(f.groupAt, clusterRules.length), 0, 'GROUP g1');
      const cluster = [
        '[OPTIONS]',
        'enable: 1',
        '',
        '[RULES]',
        ...clusterRules,
        '',
        '[group g1]',
        ...group,
        '',
      ].join('\n');
      const host = ['[OPTIONS]', 'nftables: 1', '', '[RULES]', ...f.host, ''].join('\n');
      const model = buildClusterModel({
        cluster: { path: 'cluster.fw', text: cluster },
        hosts: [{ node: 'pve', file: { path: 'host.fw', text: host } }],
        topology: {
          path: 'topology.json',
          topology: {
            localNode: 'pve',
            nodes: [{ name: 'pve', address: '192.0.2.2' }],
            guests: [],
          },
        },
      });
      const node = model.nodes[0]!;
      const built = buildNodeRuleset(model, node).ruleset;
      assert.equal(built.state, 'active');
      if (built.state !== 'active') return;
      const report = runToEnd(nftNodeReport(model, node))!;
      const entry = nftEntries(built.tables).find((e) => e.label === 'host in')!;
      // Every line with a verdict that became nft rules, and the lines some packet met.
      const lines = new Set<string>();
      for (const rules of built.tables.inet!.chains.values())
        for (const r of rules)
          if (
            r.origin &&
            r.statement.kind !== 'log' &&
            !(r.statement.kind === 'jump' && r.statement.target.startsWith('group-'))
          )
            lines.add(`${r.origin.path}:${r.origin.lineNumber}`);
      // Per line, the packets that meet it, with the verdict they get.
      const met = new Map<string, { p: Packet; verdict: string }[]>();
      for (const p of PACKETS) {
        const walked = walkEntry(built.tables, entry, p);
        for (const s of walked.steps)
          if (s.rule.origin) {
            const key = `${s.rule.origin.path}:${s.rule.origin.lineNumber}`;
            met.set(key, [...(met.get(key) ?? []), { p, verdict: walked.verdict }]);
          }
      }
      const dead = new Set(report.dead.map((d) => `${d.origin.path}:${d.origin.lineNumber}`));
      const neverMet = new Set([...lines].filter((l) => !met.has(l)));
      assert.deepEqual([...dead].sort(), [...neverMet].sort(), `${cluster}\n${host}`);
      // A redundant live rule: every packet that meets it gets the same verdict without it.
      for (const r of report.removable) {
        const key = `${r.origin.path}:${r.origin.lineNumber}`;
        const inet = built.tables.inet!;
        const chains = new Map<string, NftRule[]>();
        for (const [c, rules] of inet.chains)
          chains.set(
            c,
            rules.filter((x) => !x.origin || `${x.origin.path}:${x.origin.lineNumber}` !== key),
          );
        const without: NodeTables = { ...built.tables, inet: { ...inet, chains } };
        for (const { p, verdict } of met.get(key) ?? [])
          assert.equal(
            walkEntry(without, entry, p).verdict,
            verdict,
            `${key}\n${cluster}\n${host}`,
          );
      }
      for (const d of report.dead) {
        const walked = walkEntry(built.tables, d.entry, d.witness.sample);
        assert.equal(walked.verdict, d.witness.verdict, `${d.witness.packet}\n${cluster}\n${host}`);
      }
    }),
    { numRuns: 60, seed: 13 },
  );
});
