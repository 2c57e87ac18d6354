// Whatever the files say, compiling never throws, every rule it writes parses, and packets can
// be simulated through it: random rule lines built from the grammar's own pieces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIptMatch } from '../../../server/src/core/compile';
import {
  PROXMOX_TEST_TOPOLOGY,
  prepareSimulation,
  simulatePacket,
} from '../../../server/src/core/simulate';
import { compileTexts } from './helpers';

const PIECES = [
  'IN',
  'OUT',
  'GROUP',
  'FORWARD',
  '|IN',
  'ACCEPT',
  'DROP',
  'REJECT',
  'SSH(ACCEPT)',
  'Ping(DROP)',
  'Trcrt(REJECT)',
  'DHCPv6(ACCEPT)',
  'NeighborDiscovery(ACCEPT)',
  'grp',
  'Grp',
  'missing',
  '-p tcp',
  '-p udp',
  '-p icmp',
  '-p icmpv6',
  '-p ipv6-icmp',
  '-p 6',
  '-p sctp',
  '-dport 22',
  '-dport 80,443',
  '-dport 1:1024',
  '-dport echo-request',
  '-dport 300',
  '-dport ssh',
  '-sport 53',
  '-sport 1024:65535,7',
  '-source 10.0.0.0/8',
  '-source 10.0.0.1-10.0.0.9',
  '-source 2001:db8::/64',
  '-dest 10.1.1.1,10.1.1.2',
  '-source +set1',
  '-dest +guest/set1',
  '-source +dc/set1',
  '-source +sdn/vnet-all',
  '-source al1',
  '-dest dc/al1',
  '-source guest/al1',
  '-icmp-type echo-request',
  '-icmp-type 3',
  '-log info',
  '-log nolog',
  '-i net0',
  '-i net1',
  '-i vmbr0',
  '# comment',
];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 0x100000000;
  };
}

function rules(next: () => number, count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const parts = 1 + Math.floor(next() * 6);
    lines.push(
      Array.from({ length: parts }, () => PIECES[Math.floor(next() * PIECES.length)]).join(' '),
    );
  }
  return lines.join('\n');
}

test('random rules compile without throwing, parse back, and simulate', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const cluster = `[OPTIONS]\nenable: 1\n[ALIASES]\nal1 10.9.9.9\n[IPSET set1]\n10.0.0.0/8\n!10.1.0.0/16\n[group grp]\n${rules(next, 15)}\n[RULES]\n${rules(next, 15)}\n`;
    const guest = `[OPTIONS]\nenable: 1\nipfilter: ${seed % 2}\nips: ${seed % 3 === 0 ? 1 : 0}\n[IPSET set1]\n10.2.0.0/16\n[RULES]\n${rules(next, 25)}\n`;
    const result = compileTexts(
      { cluster, host: `[RULES]\n${rules(next, 15)}\n`, guests: { 100: guest, 200: guest } },
      PROXMOX_TEST_TOPOLOGY,
    );
    for (const ruleset of [result.v4, result.v6]) {
      for (const chain of ruleset.chains.values()) for (const r of chain) parseIptMatch(r.text);
    }
    const rulesets = prepareSimulation(result);
    for (const [from, to, proto, dport] of [
      ['outside', 'vm100', 'tcp', '22'],
      ['ct200', 'host', 'udp', '53'],
      ['vm100i1', 'outside', 'icmp', 'echo-request'],
    ] as const) {
      const verdict = simulatePacket(rulesets, PROXMOX_TEST_TOPOLOGY, {
        from,
        to,
        proto,
        dport,
      }).verdict;
      assert.match(verdict, /^(ACCEPT|DROP|REJECT)$/);
    }
  }
});
