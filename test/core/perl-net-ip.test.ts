// Every row was checked against Debian 12's Net::IP 1.26 (libnet-ip-perl 1.26-3): the
// expected error is Net::IP::Error() after a failed Net::IP->new, and '' marks the cases
// where Net::IP fails without setting an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perlNetIpNew } from '../../server/src/core/syntax/perl-net-ip';

type Expected = { v: 4 | 6; first: bigint; last?: bigint; range?: boolean } | { error: string };

function ip4(text: string): bigint {
  return text.split('.').reduce((acc, quad) => (acc << 8n) | BigInt(quad), 0n);
}

const V6_ALL = (1n << 128n) - 1n;

const cases: Array<[string, Expected, string?]> = [
  // Observed through Proxmox's own parser.
  ['10.0.0.1/24', { error: 'Invalid prefix 00001010000000000000000000000001/24' }],
  ['1abc', { error: 'Invalid chars in IP 1abc' }],
  ['x', { error: 'Invalid chars in IP x' }],
  ['myalias', { error: 'Invalid chars in IP myalias' }],
  ['fe80::1%eth0', { error: 'Invalid IP address fe80::1%eth0' }],
  ['10', { v: 4, first: ip4('10.0.0.0') }],
  ['10.1/16', { v: 4, first: ip4('10.1.0.0'), last: ip4('10.1.255.255') }],
  ['010.0.0.1', { v: 4, first: ip4('10.0.0.1') }],
  ['10.0.0.1', { v: 4, first: ip4('10.0.0.1') }],
  ['10.0.0.0/8', { v: 4, first: ip4('10.0.0.0'), last: ip4('10.255.255.255') }],
  ['fd00::1', { v: 6, first: 0xfd00_0000_0000_0000_0000_0000_0000_0001n }],
  ['fd00::/8', { v: 6, first: 0xfd00n << 112n, last: (0xfe00n << 112n) - 1n }],
  ['2001:db8::/32', { v: 6, first: 0x2001_0db8n << 96n, last: (0x2001_0db9n << 96n) - 1n }],
  ['2001:db8:1::1', { v: 6, first: 0x2001_0db8_0001_0000_0000_0000_0000_0001n }],
  ['10.0.0.1-10.0.0.9', { v: 4, first: ip4('10.0.0.1'), last: ip4('10.0.0.9'), range: true }],
  ['fe80::1', { v: 6, first: 0xfe80_0000_0000_0000_0000_0000_0000_0001n }],
  ['2001:DB8::1', { v: 6, first: 0x2001_0db8_0000_0000_0000_0000_0000_0001n }],

  // Edges of the address grammar.
  ['', { error: 'Invalid chars in IP ' }],
  ['10.0.0.256', { error: 'Invalid quad in IP address 10.0.0.256 - 256' }],
  [
    '256',
    { error: 'Invalid quad in IP address 256 - 256' },
    'a lone number is only an address below 256',
  ],
  ['0', { v: 4, first: 0n }],
  [
    '0010.0.0.1',
    { error: 'Not a valid IPv4 address 0010.0.0.1' },
    'passes the check, fails the 3-digit expansion',
  ],
  ['1.2.3.4.5', { error: 'Invalid IP address 1.2.3.4.5' }],
  ['1..2', { error: 'Empty quad in IP address 1..2' }],
  ['.1', { error: 'Invalid IP .1 - starts with a dot' }],
  ['1.', { error: 'Invalid IP 1. - ends with a dot' }],
  ['-', { error: 'Invalid chars in IP -' }],
  [' 10.0.0.1', { error: 'Invalid chars in IP  10.0.0.1' }],
  ['10.0.0.1 ', { error: 'Invalid chars in IP 10.0.0.1 ' }],
  ['10.0.0.1,10.0.0.2', { error: 'Invalid chars in IP 10.0.0.1,10.0.0.2' }],
  ['FD00::ABCD', { v: 6, first: 0xfd00_0000_0000_0000_0000_0000_0000_abcdn }],
  ['::', { v: 6, first: 0n }],
  ['::ffff:1.2.3.4', { v: 6, first: 0xffff_0102_0304n }],
  ['1:2:3:4:5:6:7', { error: 'Invalid number of octets 1:2:3:4:5:6:7' }],
  ['1:2:3:4:5:6:7:', { error: 'Invalid address 1:2:3:4:5:6:7: (ends with :)' }],
  [':1::', { error: 'Invalid address :1:: (starts with :)' }],
  ['1::2::3', { error: 'Invalid address 1::2::3 (More than one :: pattern)' }],
  [':::1', { error: 'Invalid address :::1 (More than one :: pattern)' }],
  ['12345::1', { error: 'Invalid IP address 12345::1' }],
  ['g::1', { error: 'Invalid IP address g::1' }],
  ['1.2.3.4::', { error: 'Invalid IP address 1.2.3.4::' }],
  ['1:2:3:4:5:6:7:8:9', { error: '' }, 'eight colons: rejected without an error'],
  ['::1:2:3:4:5:6:7', { error: '' }, 'eight colons, although valid IPv6'],
  ['1:2:3:4:5:6::1.2.3.4', { error: '' }, 'the expansion re-check fails silently'],

  // Prefixes.
  ['10.0.0.1/33', { error: 'Prefix length 33 is longer than IP address (32)' }],
  ['10.0.0.0/99', { error: 'Prefix length 99 is longer than IP address (32)' }],
  ['::/129', { error: 'Prefix length 129 is longer than IP address (128)' }],
  ['::/0', { v: 6, first: 0n, last: V6_ALL }],
  ['0.0.0.0/0', { v: 4, first: 0n, last: ip4('255.255.255.255') }],
  ['10.0.0.0/08', { v: 4, first: ip4('10.0.0.0'), last: ip4('10.255.255.255') }],
  ['fe80::1/10', { error: `Invalid prefix 1111111010${'0'.repeat(117)}1/10` }],
  ['/24', { error: 'Invalid chars in IP /24' }],
  ['10.0.0.0/', { error: 'Invalid chars in IP 10.0.0.0/' }],
  ['10.0.0.0/8/8', { v: 4, first: ip4('10.0.0.0') }, 'unreadable length is ignored'],
  ['10.0.0.0/abc', { v: 4, first: ip4('10.0.0.0') }],
  ['1.2.3.4/24x', { v: 4, first: ip4('1.2.3.4') }],
  [
    '10.0.0.0/8,/16',
    { v: 4, first: ip4('10.0.0.0'), last: ip4('11.0.255.255') },
    'chained prefixes',
  ],
  [
    '10.0.0.0/8-1',
    { v: 4, first: ip4('10.0.0.0'), range: true },
    'read as a prefix; pve still calls it a range',
  ],

  // Ranges.
  ['10.0.0.1 - 10.0.0.9', { v: 4, first: ip4('10.0.0.1'), last: ip4('10.0.0.9'), range: true }],
  ['10.0.0.1-10.0.0.9.', { v: 4, first: ip4('10.0.0.1'), last: ip4('10.0.0.9'), range: true }],
  ['10.0.0.5-10.0.0.1', { error: 'Begin address is greater than End address 10.0.0.5 - 10.0.0.1' }],
  ['10.0.0.1-fd00::1', { error: 'Not a valid IPv4 address fd00::1' }],
  ['10.0.0.1-0010.0.0.9', { error: 'Not a valid IPv4 address 0010.0.0.9' }],
  ['10.0.0.1-', { error: 'Invalid chars in IP 10.0.0.1-' }],
  ['fd00::1-10.0.0.1', { error: 'Invalid number of octets 0a00:0001' }],
  [
    'fd00::1-12',
    {
      error:
        'Begin and End addresses have different IP versions - fd00:0000:0000:0000:0000:0000:0000:0001 - 0012',
    },
  ],
  ['fd00::1-xyz', { error: 'Invalid chars in IP 0xyz' }],
  [
    'fd00::9-fd00::1',
    {
      error:
        'Begin address is greater than End address fd00:0000:0000:0000:0000:0000:0000:0009 - fd00:0000:0000:0000:0000:0000:0000:0001',
    },
  ],
  [
    '::1-::1.2.3.999',
    { v: 6, first: 1n, last: 0x0102_03e7n, range: true },
    'quad wraps to its low byte',
  ],
  [
    'fd00::1-::1.2.3.4.5',
    { error: 'Invalid address 0000:0000:0000:0000:0000:0000: (ends with :)' },
  ],

  // "ip + n" (needs spaces, so a pve rule token never reaches it).
  ['10.0.0.0 + 255', { v: 4, first: ip4('10.0.0.0'), last: ip4('10.0.0.255') }],
  ['fd00::1 + 1', { v: 6, first: (0xfd00n << 112n) | 1n, last: (0xfd00n << 112n) | 2n }],
  ['10.0.0.0+255', { error: 'Invalid chars in IP 10.0.0.0+255' }],
  [
    '255.255.255.255 + 1',
    { error: 'Begin address is greater than End address 255.255.255.255 - 0.0.0.0' },
  ],
  ['10.0.0.0 + 4294967296', { error: 'IP addresses of different length\n' }],
  ['10.0.0.0 + -5', { error: 'Invalid chars in IP 10.0.0.0 +' }, 'the "-" makes it a range first'],
  ['10.0.0.0 + abc', { v: 4, first: ip4('10.0.0.0') }, 'NaN adds nothing'],
];

for (const [input, expected, why] of cases) {
  test(`Net::IP->new(${JSON.stringify(input)})${why ? ` (${why})` : ''}`, () => {
    const result = perlNetIpNew(input);
    if ('error' in expected) {
      assert.deepEqual(result, { ok: false, error: expected.error });
    } else {
      assert.deepEqual(result, {
        ok: true,
        version: expected.v,
        first: expected.first,
        last: expected.last ?? expected.first,
        isRange: expected.range ?? false,
      });
    }
  });
}
