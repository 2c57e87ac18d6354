// Groups and macros compile as pve-firewall's generate_group_rules / apply_macro do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chain, compileTexts, ENABLED_CLUSTER, userRules } from './helpers';

const GROUPS = `${ENABLED_CLUSTER}
[group web]
IN ACCEPT -p tcp -dport 80
IN REJECT -p tcp -dport 81
OUT ACCEPT -dest 10.0.0.1
`;

test('a GROUP in host.fw jumps to the group chain and returns on the accept mark', () => {
  const result = compileTexts({ cluster: GROUPS, host: '[RULES]\nGROUP web -i vmbr0\n' });
  assert.deepEqual(userRules(result, 4, 'PVEFW-HOST-IN'), [
    '-A PVEFW-HOST-IN -i vmbr0 -j GROUP-web-IN @host.fw:2',
    '-A PVEFW-HOST-IN -m mark --mark 0x80000000/0x80000000 -j RETURN @host.fw:2',
  ]);
  assert.deepEqual(userRules(result, 4, 'PVEFW-HOST-OUT'), [
    '-A PVEFW-HOST-OUT -o vmbr0 -j GROUP-web-OUT @host.fw:2',
    '-A PVEFW-HOST-OUT -m mark --mark 0x80000000/0x80000000 -j RETURN @host.fw:2',
  ]);
  assert.deepEqual(chain(result, 4, 'GROUP-web-IN'), [
    '-A GROUP-web-IN -j MARK --set-mark 0x00000000/0x80000000',
    '-A GROUP-web-IN -p tcp --dport 80 -g PVEFW-SET-ACCEPT-MARK',
    '-A GROUP-web-IN -p tcp --dport 81 -j PVEFW-reject',
  ]);
  assert.deepEqual(chain(result, 6, 'GROUP-web-OUT'), [
    '-A GROUP-web-OUT -j MARK --set-mark 0x00000000/0x80000000',
  ]);
  const origin = result.v4.chains.get('GROUP-web-IN')![1]!.origin!;
  assert.equal(origin.path, 'cluster.fw');
  assert.equal(origin.lineNumber, 5);
  assert.equal(origin.group?.name, 'web');
  assert.equal(origin.group?.via?.path, 'host.fw');
});

test('a guest GROUP accepts (IN) or returns (OUT) on the mark, only on its -i NIC', () => {
  const result = compileTexts({
    cluster: GROUPS,
    guests: { 100: '[OPTIONS]\nenable: 1\n[RULES]\nGROUP web -i net1\n' },
  });
  assert.deepEqual(userRules(result, 4, 'tap100i0-IN'), []);
  assert.deepEqual(userRules(result, 4, 'tap100i1-IN'), [
    '-A tap100i1-IN -j GROUP-web-IN @100.fw:4',
    '-A tap100i1-IN -m mark --mark 0x80000000/0x80000000 -j ACCEPT @100.fw:4',
  ]);
  assert.deepEqual(userRules(result, 4, 'tap100i1-OUT'), [
    '-A tap100i1-OUT -j GROUP-web-OUT @100.fw:4',
    '-A tap100i1-OUT -m mark --mark 0x80000000/0x80000000 -j RETURN @100.fw:4',
  ]);
});

test('group names are case-sensitive in GROUP rules: an empty chain and a warning', () => {
  const result = compileTexts({ cluster: GROUPS, host: '[RULES]\nGROUP Web\n' });
  assert.deepEqual(chain(result, 4, 'GROUP-Web-IN'), [
    '-A GROUP-Web-IN -j MARK --set-mark 0x00000000/0x80000000',
  ]);
  assert.deepEqual(
    result.skipped.map((s) => [s.message, s.family, s.chain, s.origin?.path]),
    [
      ["no such security group 'Web'", 4, 'PVEFW-HOST-IN', 'host.fw'],
      ["no such security group 'Web'", 6, 'PVEFW-HOST-IN', 'host.fw'],
    ],
  );
});

test('a group rule that fails to compile aborts the rest of the guest, as in Proxmox', () => {
  const cluster = `${ENABLED_CLUSTER}[IPSET xs]\n10.0.0.0/8\n[group grp]\nIN ACCEPT -source +guest/xs\n`;
  const result = compileTexts({
    cluster,
    guests: { 100: '[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -p tcp -dport 22\nGROUP grp\n' },
  });
  const skip = result.skipped.find((s) => s.family === 4)!;
  assert.equal(skip.message, "no such ipset 'xs'");
  assert.equal(skip.guestAborted, 100);
  assert.equal(skip.origin?.lineNumber, 6);
  assert.equal(skip.origin?.group?.name, 'grp');
  // The chain stays half built and is never hooked into the bridge chain.
  assert.deepEqual(userRules(result, 4, 'tap100i0-IN'), [
    '-A tap100i0-IN -p tcp --dport 22 -j ACCEPT @100.fw:4',
  ]);
  assert.ok(!chain(result, 4, 'PVEFW-FWBR-IN')!.some((r) => r.includes('tap100i0-IN')));
});

const MACROS = `[OPTIONS]
enable: 1
[RULES]
IN SSH(ACCEPT) -source 10.0.0.0/8
IN Ping(DROP)
IN DHCPv6(ACCEPT)
OUT HTTP(REJECT) -log info
`;

test('macros expand per family, with the user fields copied into each template', () => {
  const result = compileTexts({ cluster: ENABLED_CLUSTER, guests: { 100: MACROS } });
  assert.deepEqual(userRules(result, 4, 'tap100i0-IN'), [
    '-A tap100i0-IN -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT @100.fw:4',
    '-A tap100i0-IN -p icmp -m icmp --icmp-type echo-request -j DROP @100.fw:5',
  ]);
  assert.deepEqual(userRules(result, 6, 'tap100i0-IN'), [
    '-A tap100i0-IN -p icmpv6 -m icmpv6 --icmpv6-type echo-request -j DROP @100.fw:5',
    '-A tap100i0-IN -p udp --sport 546:547 --dport 546:547 -j ACCEPT @100.fw:6',
  ]);
  assert.deepEqual(userRules(result, 4, 'tap100i0-OUT'), [
    '-A tap100i0-OUT -p tcp --dport 80 -m limit --limit 1/sec -j NFLOG --nflog-prefix ":100:6:tap100i0-OUT: REJECT: " @100.fw:7',
    '-A tap100i0-OUT -p tcp --dport 80 -j PVEFW-reject @100.fw:7',
  ]);
});

test('the action Proxmox rewrote while compiling IPv4 shows in IPv6 log prefixes', () => {
  const cluster = `[OPTIONS]\nenable: 1\nlog_ratelimit: enable=1,rate=5/minute,burst=7\n`;
  const result = compileTexts({ cluster, host: '[RULES]\nIN ACCEPT -p tcp -dport 22 -log info\n' });
  const log = (family: 4 | 6): string =>
    userRules(result, family, 'PVEFW-HOST-IN').find((r) => r.includes('NFLOG'))!;
  assert.equal(
    log(4),
    '-A PVEFW-HOST-IN -p tcp --dport 22 -m limit --limit 5/minute --limit-burst 7 -j NFLOG --nflog-prefix ":0:6:PVEFW-HOST-IN: ACCEPT: " @host.fw:2',
  );
  assert.match(log(6), /PVEFW-HOST-IN: RETURN: "/);
});
