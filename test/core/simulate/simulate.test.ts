// The simulator walks compiled chains like the kernel: verdicts, the rules that decided, and
// the places where it is deliberately more exact than Proxmox's own simulator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZoneError } from '../../../server/src/core/simulate';
import { simulate } from './helpers';

const CLUSTER = `[OPTIONS]
enable: 1
[IPSET ok]
10.0.0.0/8
!10.1.0.0/16
10.1.2.3
`;

test('ipset nomatch: the most specific member decides', () => {
  const texts = { cluster: CLUSTER, host: '[RULES]\nIN ACCEPT -source +ok -p tcp -dport 80\n' };
  const verdict = (source: string): string =>
    simulate(texts, { from: 'outside', to: 'host', source, dport: '80' }).verdict;
  assert.equal(verdict('10.5.5.5'), 'ACCEPT');
  assert.equal(verdict('10.1.9.9'), 'DROP');
  assert.equal(verdict('10.1.2.3'), 'ACCEPT');
  assert.equal(verdict('192.0.2.1'), 'DROP');
});

test('the trace names the deciding rule with its file and line', () => {
  const texts = {
    cluster: CLUSTER,
    guests: {
      100: '[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -p tcp -dport 22\nIN REJECT -p tcp\n',
    },
  };
  const result = simulate(texts, { from: 'outside', to: 'vm100', dport: '23' });
  assert.equal(result.verdict, 'REJECT');
  const last = result.checks[result.checks.length - 1]!;
  assert.equal(last.at, 'fwbr-in');
  assert.equal(last.decidedBy?.chain, 'PVEFW-reject');
  const userHits = last.events.filter((e) => e.kind === 'rule' && e.rule.origin);
  assert.deepEqual(
    userHits.map((e) =>
      e.kind === 'rule' ? [e.chain, e.rule.origin?.path, e.rule.origin?.lineNumber] : [],
    ),
    [['tap100i0-IN', '100.fw', 5]],
  );
});

test('IPv6 packets use the IPv6 ruleset', () => {
  const texts = {
    cluster: CLUSTER,
    guests: {
      100: '[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -source 2001:db8::/64 -p tcp -dport 22\n',
    },
  };
  const run = (source: string): ReturnType<typeof simulate> =>
    simulate(texts, { from: 'outside', to: 'vm100', source, dport: '22' });
  assert.equal(run('2001:db8::5').verdict, 'ACCEPT');
  assert.equal(run('2001:db8::5').packet.family, 6);
  assert.equal(run('2001:db9::5').verdict, 'DROP');
  assert.throws(
    () => simulate(texts, { from: 'host', to: 'outside', dest: '2001:db8::1' }),
    ZoneError,
  );
});

// An ICMP error that belongs to no connection is INVALID: only nf_conntrack_allow_invalid lets it
// reach a guest's rules (test/core/simulate/conntrack.test.ts).
const ALLOW_INVALID = '[OPTIONS]\nnf_conntrack_allow_invalid: 1\n';

test('ICMP types compare by type and code', () => {
  const texts = {
    cluster: CLUSTER,
    host: ALLOW_INVALID,
    guests: {
      100: '[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -p icmp -icmp-type destination-unreachable\n',
    },
  };
  const run = (dport: string): string =>
    simulate(texts, { from: 'outside', to: 'vm100', proto: 'icmp', dport }).verdict;
  assert.equal(run('host-unreachable'), 'ACCEPT');
  assert.equal(run('3'), 'ACCEPT');
  assert.equal(run('echo-request'), 'DROP');
});

test('PVEFW-Drop is evaluated, not short-cut: critical ICMP passes a DROP policy', () => {
  const texts = {
    cluster: CLUSTER,
    host: ALLOW_INVALID,
    guests: { 100: '[OPTIONS]\nenable: 1\n' },
  };
  const run = (dport: string): string =>
    simulate(texts, { from: 'outside', to: 'vm100', proto: 'icmp', dport }).verdict;
  assert.equal(run('fragmentation-needed'), 'ACCEPT');
  assert.equal(run('echo-request'), 'DROP');
});

test('REJECT of an ICMP packet is a DROP, as PVEFW-reject does', () => {
  const texts = {
    cluster: CLUSTER,
    guests: { 100: '[OPTIONS]\nenable: 1\npolicy_in: REJECT\n' },
  };
  assert.equal(simulate(texts, { from: 'outside', to: 'vm100', dport: '1' }).verdict, 'REJECT');
  const icmp = simulate(texts, {
    from: 'outside',
    to: 'vm100',
    proto: 'icmp',
    dport: 'echo-request',
  });
  assert.equal(icmp.verdict, 'DROP');
});

test('zones outside the topology are errors, not verdicts', () => {
  const texts = { cluster: CLUSTER };
  assert.throws(() => simulate(texts, { from: 'vm999', to: 'host' }), /no such VM '999'/);
  assert.throws(() => simulate(texts, { from: 'ct100', to: 'host' }), /no such CT '100'/);
  assert.throws(() => simulate(texts, { from: 'vm100i7', to: 'host' }), /has no NIC net7/);
  assert.throws(() => simulate(texts, { from: 'mars', to: 'host' }), /unable to parse zone/);
  assert.throws(() => simulate(texts, { from: 'host', to: 'host' }), /different/);
});

test('without enable: 1 in cluster.fw everything passes', () => {
  const result = simulate({ cluster: '[OPTIONS]\n' }, { from: 'outside', to: 'host', dport: '1' });
  assert.equal(result.verdict, 'ACCEPT');
});
