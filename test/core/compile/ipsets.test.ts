// Kernel sets as compile_ipsets writes them: names, de-duplicated members, nomatch, the sets
// Proxmox adds (management, ipfilter) and the FNV-hashed names of long ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compileRuleset,
  fnv31aHex,
  ipsetKernelName,
  loadCompileInput,
} from '../../../server/src/core/compile';
import { netIpCompress } from '../../../server/src/core/compile/ipv6-text';
import { PROXMOX_TEST_TOPOLOGY } from '../../../server/src/core/simulate';
import { compileTexts, ENABLED_CLUSTER } from './helpers';

function commands(result: ReturnType<typeof compileTexts>, family: 4 | 6, name: string): string[] {
  return [...((family === 4 ? result.v4 : result.v6).ipsets.get(name)?.commands ?? [])];
}

test('cluster sets: both families, aliases resolved, nomatch kept, sorted as Proxmox adds', () => {
  const cluster = `${ENABLED_CLUSTER}[ALIASES]
srv 10.1.2.3
[IPSET myset]
10.0.0.0/8
!10.1.0.0/16
srv
2001:DB8:0:0::/64
fe80::1/128
10.9.9.9/32
`;
  const result = compileTexts({ cluster });
  assert.deepEqual(commands(result, 4, 'PVEFW-0-myset-v4'), [
    'create PVEFW-0-myset-v4 hash:net family inet hashsize 64 maxelem 64 bucketsize 12',
    'add PVEFW-0-myset-v4 10.0.0.0/8',
    'add PVEFW-0-myset-v4 10.1.0.0/16 nomatch',
    'add PVEFW-0-myset-v4 10.1.2.3',
    'add PVEFW-0-myset-v4 10.9.9.9',
  ]);
  assert.deepEqual(commands(result, 6, 'PVEFW-0-myset-v6'), [
    'create PVEFW-0-myset-v6 hash:net family inet6 hashsize 64 maxelem 64 bucketsize 12',
    'add PVEFW-0-myset-v6 2001:db8::/64',
    'add PVEFW-0-myset-v6 fe80::1',
  ]);
});

test('management always holds the local network; an IPv4 network leaves its IPv6 half empty', () => {
  const result = compileTexts({ cluster: `${ENABLED_CLUSTER}[IPSET management]\n192.168.9.9\n` });
  assert.deepEqual(commands(result, 4, 'PVEFW-0-management-v4').slice(1), [
    'add PVEFW-0-management-v4 172.16.1.0/24',
    'add PVEFW-0-management-v4 192.168.9.9',
  ]);
  assert.deepEqual(commands(result, 6, 'PVEFW-0-management-v6').length, 1);
});

test('ipfilter sets get the NIC link-local address, fe80::/10 nomatch and a CT’s own IP', () => {
  const result = compileTexts(
    {
      cluster: ENABLED_CLUSTER,
      guests: { 200: '[OPTIONS]\nenable: 1\nipfilter: 1\n' },
    },
    PROXMOX_TEST_TOPOLOGY,
  );
  assert.deepEqual(commands(result, 4, 'PVEFW-200-ipfilter-net0-v4').slice(1), [
    'add PVEFW-200-ipfilter-net0-v4 10.0.200.1',
  ]);
  assert.deepEqual(commands(result, 6, 'PVEFW-200-ipfilter-net0-v6').slice(1), [
    'add PVEFW-200-ipfilter-net0-v6 fe80::/10 nomatch',
    'add PVEFW-200-ipfilter-net0-v6 fe80::c18:24ff:fe41:2c43',
  ]);
  assert.ok(
    result.v4.chains
      .get('veth200i0-OUT')!
      .some(
        (r) =>
          r.text === '-A veth200i0-OUT -m set ! --match-set PVEFW-200-ipfilter-net0-v4 src -j DROP',
      ),
  );
});

test('long set names are FNV-hashed like PVE::Tools::fnv31a_hex', () => {
  const name = 'a-longer-name-which-translates-into-fnv-digest';
  assert.equal(fnv31aHex(`100-${name}-v4`), '4ABB0882');
  assert.equal(ipsetKernelName(100, name, 4), 'PVEFW-4ABB0882');
  assert.equal(ipsetKernelName(100, 'ipfilter-net0', 4), 'PVEFW-100-ipfilter-net0-v4');
  const result = compileTexts({
    cluster: ENABLED_CLUSTER,
    guests: {
      100: `[OPTIONS]\nenable: 1\n[IPSET ${name}]\n1.2.3.4\n[RULES]\nIN ACCEPT -dest +${name}\n`,
    },
  });
  assert.ok(result.v4.ipsets.has('PVEFW-4ABB0882'));
  assert.ok(
    result.v4.chains
      .get('tap100i0-IN')!
      .some((r) => r.text.includes('--match-set PVEFW-4ABB0882 dst')),
  );
});

test('IPv6 members are compressed exactly as Net::IP 1.26 does (values from Perl)', () => {
  const cases: [string, string][] = [
    ['fe80::0c0B:38FF:FEB8:B321', 'fe80::c0b:38ff:feb8:b321'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:10:0:0:5:6:7:8', '1:10::5:6:7:8'],
  ];
  for (const [input, perl] of cases) assert.equal(netIpCompress(input).toLowerCase(), perl, input);
});

test('SDN sets are referenced as +sdn/NAME and compiled as cluster-level sets', () => {
  const sdn = new Map([['vnet1-all', ['10.9.0.0/16', '!10.9.1.0/24']]]);
  const result = compileRuleset(
    loadCompileInput(
      {
        cluster: { path: 'cluster.fw', text: ENABLED_CLUSTER },
        host: { path: 'host.fw', text: '[RULES]\nIN ACCEPT -source +sdn/vnet1-all\n' },
      },
      PROXMOX_TEST_TOPOLOGY,
      sdn,
    ),
  );
  assert.deepEqual(commands(result, 4, 'PVEFW-0-vnet1-all-v4').slice(1), [
    'add PVEFW-0-vnet1-all-v4 10.9.0.0/16',
    'add PVEFW-0-vnet1-all-v4 10.9.1.0/24 nomatch',
  ]);
  assert.ok(
    result.v4.chains
      .get('PVEFW-HOST-IN')!
      .some(
        (r) => r.text === '-A PVEFW-HOST-IN -m set --match-set PVEFW-0-vnet1-all-v4 src -j RETURN',
      ),
  );
});
