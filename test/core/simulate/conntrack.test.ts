// Connection state, as the kernel gives it: an ICMP error that belongs to no connection is
// INVALID and Proxmox's conntrack rules drop it before any user rule (checked in a kernel, see
// issue 16); nf_conntrack_allow_invalid lets INVALID through PVEFW-FORWARD only, as Proxmox
// compiles it (Firewall.pm: compile_iptables_filter passes it, the host chains pass 0); an
// established or related packet takes the RELATED,ESTABLISHED accept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PROXMOX_TEST_TOPOLOGY,
  formatSimulation,
  prepareSimulation,
  runFirewallTests,
  simulatePacket,
  ZoneError,
  type SimulateRequest,
} from '../../../server/src/core/simulate';
import { compileTexts, type Texts } from '../compile/helpers';
import { simulate } from './helpers';

/**
 * The rule that decided, the last that matched on the path (host chains accept by RETURN): a
 * user rule's file and line, else the built-in rule's chain and label.
 */
function decider(result: ReturnType<typeof simulatePacket>): string {
  const events = result.checks[result.checks.length - 1]?.events ?? [];
  const last = events.filter((e) => e.kind === 'rule').pop();
  if (!last || last.kind !== 'rule') return 'policy';
  if (last.rule.origin) return `${last.rule.origin.path}:${last.rule.origin.lineNumber}`;
  return `${last.chain}: ${last.rule.builtin ?? ''}`;
}

const CLUSTER = '[OPTIONS]\nenable: 1\n';
// User rules that accept every ICMP message, to the host, from it and to VM 100: before the
// state was simulated, these decided (ACCEPT) the packets the kernel drops as INVALID.
const HOST_RULES =
  '[RULES]\nIN ACCEPT -p icmp\nIN ACCEPT -p icmpv6\nOUT ACCEPT -p icmp\nOUT ACCEPT -p icmpv6\n';
const GUEST = '[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -p icmp\nIN ACCEPT -p icmpv6\n';
const ALLOW_INVALID = '[OPTIONS]\nnf_conntrack_allow_invalid: 1\n';

function world(allowInvalid: boolean): Texts {
  return {
    cluster: CLUSTER,
    host: `${allowInvalid ? ALLOW_INVALID : ''}${HOST_RULES}`,
    guests: { 100: GUEST, 101: '[OPTIONS]\nenable: 1\n' },
  };
}

const V4_ERRORS = [
  'destination-unreachable',
  'network-unreachable',
  'host-unreachable',
  'port-unreachable',
  'fragmentation-needed',
  'source-quench',
  'redirect',
  'time-exceeded',
  'parameter-problem',
];
const V6_ERRORS = [
  'destination-unreachable',
  'packet-too-big',
  'time-exceeded',
  'parameter-problem',
];

interface Way {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** The chain whose conntrack rules decide. */
  readonly chain: string;
  /** Whether nf_conntrack_allow_invalid reaches this path (PVEFW-FORWARD only). */
  readonly forward: boolean;
}

const WAYS: readonly Way[] = [
  { name: 'to the host', from: 'outside', to: 'host', chain: 'PVEFW-HOST-IN', forward: false },
  { name: 'from the host', from: 'host', to: 'outside', chain: 'PVEFW-HOST-OUT', forward: false },
  {
    name: 'through the host (bridged to a guest)',
    from: 'outside',
    to: 'vm100',
    chain: 'PVEFW-FORWARD',
    forward: true,
  },
  {
    name: 'through the host (guest to guest)',
    from: 'vm101',
    to: 'vm100',
    chain: 'PVEFW-FORWARD',
    forward: true,
  },
];

const V6_ENDS = { outside: '2001:db8:1::5', host: '2001:db8:2::2' };

function request(way: Way, family: 4 | 6, type: string, state?: string): SimulateRequest {
  const v6 =
    family === 6
      ? {
          source: way.from === 'host' ? V6_ENDS.host : V6_ENDS.outside,
          dest: way.to === 'host' ? V6_ENDS.host : '2001:db8:3::4',
        }
      : {};
  return {
    from: way.from,
    to: way.to,
    proto: family === 4 ? 'icmp' : 'icmpv6',
    dport: type,
    ...v6,
    ...(state !== undefined ? { state } : {}),
  };
}

for (const way of WAYS) {
  for (const [family, types] of [
    [4, V4_ERRORS],
    [6, V6_ERRORS],
  ] as const) {
    for (const type of types) {
      test(`IPv${family} ${type} ${way.name}, belonging to no connection: dropped as INVALID`, () => {
        const result = simulate(world(false), request(way, family, type));
        assert.equal(result.packet.ctstate, 'INVALID');
        assert.equal(result.verdict, 'DROP');
        assert.equal(decider(result), `${way.chain}: conntrack: drop INVALID`);
      });

      test(`IPv${family} ${type} ${way.name}, with nf_conntrack_allow_invalid: 1`, () => {
        const result = simulate(world(true), request(way, family, type));
        assert.equal(result.packet.ctstate, 'INVALID');
        if (way.forward) {
          // PVEFW-FORWARD lets it through; the guest's own rule accepts it.
          assert.equal(result.verdict, 'ACCEPT');
          assert.match(decider(result), /^100\.fw:[45]$/);
        } else {
          // Proxmox compiles the option into PVEFW-FORWARD only: the host chains still drop.
          assert.equal(result.verdict, 'DROP');
          assert.equal(decider(result), `${way.chain}: conntrack: drop INVALID`);
        }
      });

      test(`IPv${family} ${type} ${way.name}, related to a connection: accepted by conntrack`, () => {
        for (const allowInvalid of [false, true]) {
          const result = simulate(world(allowInvalid), request(way, family, type, 'related'));
          assert.equal(result.packet.ctstate, 'RELATED');
          assert.equal(result.verdict, 'ACCEPT');
          assert.equal(
            decider(result),
            `${way.chain}: conntrack: accept RELATED,ESTABLISHED`,
            `allow_invalid ${allowInvalid}`,
          );
        }
      });
    }
  }
}

test('the trace names the conntrack rule and says why the packet is INVALID', () => {
  const result = simulate(world(false), {
    from: 'outside',
    to: 'host',
    proto: 'icmp',
    dport: 'host-unreachable',
  });
  const text = formatSimulation(result).join('\n');
  assert.match(text, /^DROP {2}IPv4 icmp .* type host-unreachable, INVALID\n/);
  assert.match(text, /conntrack marks it INVALID: ICMP host-unreachable is an error message/);
  assert.match(
    text,
    /PVEFW-HOST-IN #2: -m conntrack --ctstate INVALID -j DROP {2}→ DROP {2}\[built-in: conntrack: drop INVALID\]/,
  );
});

test('with nf_conntrack_allow_invalid, a guest DROP policy still passes critical ICMP only', () => {
  // PVEFW-Drop accepts fragmentation-needed and time-exceeded before its own INVALID drop.
  const texts = {
    cluster: CLUSTER,
    host: ALLOW_INVALID,
    guests: { 100: '[OPTIONS]\nenable: 1\n' },
  };
  const run = (dport: string): ReturnType<typeof simulatePacket> =>
    simulate(texts, { from: 'outside', to: 'vm100', proto: 'icmp', dport });
  assert.equal(run('time-exceeded').verdict, 'ACCEPT');
  assert.equal(
    decider(run('time-exceeded')),
    'PVEFW-Drop: PVEFW-Drop: accept critical ICMP time-exceeded',
  );
  assert.equal(run('host-unreachable').verdict, 'DROP');
  assert.equal(decider(run('host-unreachable')), 'PVEFW-Drop: PVEFW-Drop: drop invalid packets');
});

test('only ICMP requests open a connection: an unsolicited reply is INVALID', () => {
  const texts = world(false);
  const run = (dport: string, state?: string): ReturnType<typeof simulatePacket> =>
    simulate(texts, {
      from: 'outside',
      to: 'host',
      proto: 'icmp',
      dport,
      ...(state ? { state } : {}),
    });
  assert.equal(run('echo-request').packet.ctstate, 'NEW');
  assert.equal(run('echo-request').verdict, 'ACCEPT');
  assert.equal(decider(run('echo-request')), 'host.fw:2');
  assert.equal(run('echo-reply').packet.ctstate, 'INVALID');
  assert.equal(run('echo-reply').verdict, 'DROP');
  assert.equal(run('router-advertisement').verdict, 'DROP');
  assert.equal(run('echo-reply', 'established').verdict, 'ACCEPT');
  assert.equal(
    decider(run('echo-reply', 'established')),
    'PVEFW-HOST-IN: conntrack: accept RELATED,ESTABLISHED',
  );
});

test('IPv6 neighbour discovery is untracked: it passes the conntrack rules to the NDP accept', () => {
  const result = simulate(world(false), {
    from: 'outside',
    to: 'host',
    proto: 'icmpv6',
    dport: 'neighbor-solicitation',
    source: 'fe80::1',
    dest: V6_ENDS.host,
  });
  assert.equal(result.packet.ctstate, 'UNTRACKED');
  assert.equal(result.verdict, 'ACCEPT');
  assert.equal(decider(result), 'PVEFW-HOST-IN: neighbor discovery');
});

test('established and invalid TCP: the conntrack rules decide before any user rule', () => {
  const texts = { cluster: CLUSTER, host: '[RULES]\nIN DROP -p tcp -dport 22\n' };
  const run = (state: string, to = 'host'): ReturnType<typeof simulatePacket> =>
    simulate(texts, { from: 'outside', to, dport: '22', state });
  assert.equal(run('new').verdict, 'DROP');
  assert.equal(decider(run('new')), 'host.fw:2');
  assert.equal(run('established').verdict, 'ACCEPT');
  assert.equal(decider(run('established')), 'PVEFW-HOST-IN: conntrack: accept RELATED,ESTABLISHED');
  assert.equal(run('related').verdict, 'ACCEPT');
  assert.equal(run('invalid').verdict, 'DROP');
  assert.equal(decider(run('invalid')), 'PVEFW-HOST-IN: conntrack: drop INVALID');
  assert.equal(
    decider(run('established', 'vm100')),
    'PVEFW-FORWARD: conntrack: accept RELATED,ESTABLISHED',
  );
});

test('a state the kernel never gives the packet is an error, not a verdict', () => {
  const texts = world(false);
  const run = (proto: string, dport: string, state: string): unknown =>
    simulate(texts, { from: 'outside', to: 'host', proto, dport, state });
  assert.throws(() => run('tcp', '22', 'open'), /unknown state 'open'/);
  assert.throws(() => run('icmp', 'echo-request', 'related'), /not an error message/);
  assert.throws(() => run('icmp', 'host-unreachable', 'established'), /related, not established/);
  assert.throws(() => run('icmp', 'router-advertisement', 'established'), ZoneError);
});

test('REJECT between guests: the sender sees nothing, its reset dies as INVALID on the way back', () => {
  const texts = {
    cluster: CLUSTER,
    guests: {
      100: '[OPTIONS]\nenable: 1\n[RULES]\nIN REJECT -p tcp -dport 80\nIN REJECT -p udp -dport 80\n',
      101: '[OPTIONS]\nenable: 1\n[RULES]\nOUT REJECT -p tcp -dport 81\n',
    },
  };
  const guestToGuest = simulate(texts, { from: 'vm101', to: 'vm100', dport: '80' });
  assert.equal(guestToGuest.verdict, 'REJECT');
  assert.equal(guestToGuest.sender?.sees, 'nothing');
  const reply = guestToGuest.sender?.replyChecks?.[0];
  assert.equal(reply?.packet.ctstate, 'INVALID');
  assert.deepEqual(reply?.packet.tcpFlags, ['RST', 'ACK']);
  assert.equal(reply?.packet.physdevIn, 'fwln101i0');
  assert.equal(reply?.decidedBy?.rule.builtin, 'conntrack: drop INVALID');
  const text = formatSimulation(guestToGuest).join('\n');
  assert.match(text, /^REJECT \(the sender sees nothing\) {2}IPv4 tcp /);
  assert.match(text, /sender: the reset comes back INVALID .* fwbr101i0/);

  // From outside, the reset crosses no second firewall bridge: the sender sees it.
  const fromOutside = simulate(texts, { from: 'outside', to: 'vm100', dport: '80' });
  assert.equal(fromOutside.verdict, 'REJECT');
  assert.equal(fromOutside.sender, undefined);
  assert.match(formatSimulation(fromOutside)[0]!, /^REJECT {2}IPv4/);
  // The sender's own OUT rule: the reset goes straight back into its port.
  const ownRule = simulate(texts, { from: 'vm101', to: 'vm100', dport: '81' });
  assert.equal(ownRule.verdict, 'REJECT');
  assert.equal(ownRule.sender, undefined);
  // An ICMP error comes from the node's own address: it needs the node's route to the sender.
  const udp = simulate(texts, { from: 'vm101', to: 'vm100', proto: 'udp', dport: '80' });
  assert.equal(udp.verdict, 'REJECT');
  assert.equal(udp.sender?.sees, 'if-routed');
  assert.match(udp.sender?.why ?? '', /node's own address/);
});

test("with nf_conntrack_allow_invalid the reset meets the sender guest's own IN rules", () => {
  const guests = (in101: string): Texts => ({
    cluster: CLUSTER,
    host: ALLOW_INVALID,
    guests: {
      100: '[OPTIONS]\nenable: 1\n[RULES]\nIN REJECT -p tcp -dport 80\n',
      101: `[OPTIONS]\nenable: 1\n[RULES]\n${in101}`,
    },
  });
  const accepted = simulate(guests('IN ACCEPT -p tcp -sport 80\n'), {
    from: 'vm101',
    to: 'vm100',
    dport: '80',
  });
  assert.equal(accepted.verdict, 'REJECT');
  assert.equal(accepted.sender, undefined);
  const dropped = simulate(guests(''), { from: 'vm101', to: 'vm100', dport: '80' });
  assert.equal(dropped.sender?.sees, 'nothing');
  assert.equal(
    dropped.sender?.replyChecks?.[0]?.decidedBy?.rule.builtin,
    'PVEFW-Drop: drop invalid packets',
  );
});

test('the tests file takes a state key; a wrong one fails the test with the reason', () => {
  const rulesets = prepareSimulation(compileTexts(world(false), PROXMOX_TEST_TOPOLOGY));
  const report = runFirewallTests(
    rulesets,
    PROXMOX_TEST_TOPOLOGY,
    [
      "{ from => 'outside', to => 'host', proto => 'icmp', dport => 'port-unreachable', action => 'DROP' }",
      "{ from => 'outside', to => 'host', proto => 'icmp', dport => 'port-unreachable', state => 'related', action => 'ACCEPT' }",
      "{ from => 'outside', to => 'host', dport => 22, state => 'sideways', action => 'ACCEPT' }",
    ].join('\n'),
  );
  assert.deepEqual(
    report.cases.map((c) => c.passed),
    [true, true, false],
  );
  assert.match(report.cases[2]!.traversals[0]!.error ?? '', /unknown state 'sideways'/);
});
