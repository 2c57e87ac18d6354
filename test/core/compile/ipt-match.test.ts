// parseIptMatch reads every rule the compiler writes, into the conditions analysis needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIptMatch, type IptMatch } from '../../../server/src/core/compile';
import { PROXMOX_TEST_TOPOLOGY } from '../../../server/src/core/simulate';
import { compileTexts } from './helpers';

// A configuration that makes the compiler use every kind of match and target it has.
const KITCHEN_SINK = {
  cluster: `[OPTIONS]
enable: 1
policy_in: REJECT
[ALIASES]
net6 2001:db8::/64
[IPSET blacklist]
10.66.0.0/16
[IPSET ok]
10.0.0.0/8
!10.1.0.0/16
[group grp]
IN ACCEPT -p udp -dport 53,5353 -sport 1024:65535
OUT DROP -dest 10.0.0.1-10.0.0.9
`,
  host: `[OPTIONS]
tcpflags: 1
nf_conntrack_allow_invalid: 1
log_level_in: info
smurf_log_level: warning
tcp_flags_log_level: err
[RULES]
IN ACCEPT -source +ok -p tcp -dport ssh,8006 -log debug
IN ACCEPT -source net6 -p tcp -dport 22
IN DROP -i vmbr0 -p 6 -sport 1:2,3,4
GROUP grp -i vmbr1
OUT REJECT -p icmp -icmp-type echo-request
`,
  guests: {
    100: `[OPTIONS]
enable: 1
ips: 1
ips_queues: 0:3
radv: 1
policy_out: DROP
log_level_out: notice
[RULES]
IN ACCEPT -p ipv6-icmp -icmp-type echo-request
IN HTTP(ACCEPT) -log info
OUT ACCEPT -p tcp -sport 80,443
GROUP grp
`,
    200: `[OPTIONS]
enable: 1
ips: 1
ips_queues: 2
dhcp: 0
macfilter: 0
ndp: 0
[RULES]
IN Ping(REJECT)
`,
  },
};

test('every rule the compiler writes parses, with the chain it is appended to', () => {
  const result = compileTexts(KITCHEN_SINK, PROXMOX_TEST_TOPOLOGY);
  let count = 0;
  for (const ruleset of [result.v4, result.v6]) {
    for (const [name, rules] of ruleset.chains) {
      for (const rule of rules) {
        const m = parseIptMatch(rule.text);
        assert.equal(m.chain, name, rule.text);
        count++;
      }
    }
  }
  assert.ok(count > 300, `parsed ${count} rules`);
  assert.deepEqual(result.skipped, []);
});

function parsed(text: string): Omit<IptMatch, 'chain'> {
  const rest: Record<string, unknown> = { ...parseIptMatch(text) };
  delete rest['chain'];
  return rest as Omit<IptMatch, 'chain'>;
}

test('conditions and targets come out structured', () => {
  assert.deepEqual(parsed('-A X -m set ! --match-set PVEFW-100-ipfilter-net0-v4 src -j DROP'), {
    source: { kind: 'set', name: 'PVEFW-100-ipfilter-net0-v4', negated: true },
    target: { kind: 'drop' },
  });
  assert.deepEqual(
    parsed('-A X -i vmbr0 -p tcp --match multiport --dports ssh,8000:8010 -j RETURN'),
    {
      iface: 'vmbr0',
      proto: 'tcp',
      dport: [
        { text: 'ssh', first: 22, last: 22 },
        { text: '8000:8010', first: 8000, last: 8010 },
      ],
      target: { kind: 'return' },
    },
  );
  assert.deepEqual(parsed('-A X -m iprange --dst-range 10.0.0.1-10.0.0.9 -g PVEFW-reject'), {
    dest: {
      kind: 'range',
      text: '10.0.0.1-10.0.0.9',
      ranges: [{ family: 4, first: 167772161n, last: 167772169n }],
    },
    target: { kind: 'goto', chain: 'PVEFW-reject' },
  });
  assert.deepEqual(
    parsed('-A X -p icmpv6 --icmpv6-type router-advertisement -g PVEFW-SET-ACCEPT-MARK'),
    {
      proto: 'icmpv6',
      icmpType: { protocol: 'icmpv6', type: 'router-advertisement' },
      target: { kind: 'goto', chain: 'PVEFW-SET-ACCEPT-MARK' },
    },
  );
  assert.deepEqual(parsed('-A X -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j DROP'), {
    proto: 'tcp',
    tcpFlags: { mask: ['FIN', 'SYN', 'RST', 'ACK'], comp: ['SYN'], negated: true },
    target: { kind: 'drop' },
  });
  assert.deepEqual(parsed('-A X -m mark --mark 0x80000000/0x80000000 -j ACCEPT'), {
    mark: { value: 0x80000000, mask: 0x80000000 },
    target: { kind: 'accept' },
  });
  assert.deepEqual(parsed('-A X  -j MARK --set-mark 0x00000000/0x80000000'), {
    target: { kind: 'set-mark', value: 0, mask: 0x80000000 },
  });
  assert.deepEqual(
    parsed(
      '-A X -p tcp --dport 22 -m limit --limit 1/sec -j NFLOG --nflog-prefix ":0:6:X: ACCEPT: "',
    ),
    {
      proto: 'tcp',
      dport: [{ text: '22', first: 22, last: 22 }],
      limit: '--limit 1/sec',
      target: { kind: 'log', prefix: ':0:6:X: ACCEPT: ' },
    },
  );
  assert.deepEqual(
    parsed(
      '-A PVEFW-IPS -m physdev --physdev-out tap100i0 --physdev-is-bridged -j NFQUEUE --queue-balance 0:3 --queue-bypass',
    ),
    {
      physdev: { out: 'tap100i0', isBridged: true },
      target: { kind: 'queue', args: '--queue-balance 0:3 --queue-bypass' },
    },
  );
  assert.deepEqual(parsed('-s 10.0.0.1,10.0.0.0/30 -m addrtype --dst-type MULTICAST -j ACCEPT'), {
    source: {
      kind: 'list',
      items: ['10.0.0.1', '10.0.0.0/30'],
      ranges: [
        { family: 4, first: 167772161n, last: 167772161n },
        { family: 4, first: 167772160n, last: 167772163n },
      ],
    },
    dstType: 'MULTICAST',
    target: { kind: 'accept' },
  });
});

test('text the compiler never writes is rejected', () => {
  assert.throws(() => parseIptMatch('-A X -m foo --bar 1 -j ACCEPT'), /unknown option/);
  assert.throws(() => parseIptMatch('-A X -p tcp'), /no target/);
});
