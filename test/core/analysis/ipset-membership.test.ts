import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setMembership } from '../../../server/src/core/analysis/ipset-membership';
import { cidrRange } from '../../../server/src/core/analysis/cidr-range';
import { perlNetIpNew } from '../../../server/src/core/syntax/perl-net-ip';

const ip = (a: number, b: number, c: number, d: number): bigint =>
  BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d);

test('nomatch carves a hole; a more specific plain entry inside the hole matches again', () => {
  const set = setMembership([
    { cidr: '10.0.0.0/8', nomatch: false },
    { cidr: '10.1.0.0/16', nomatch: true },
    { cidr: '10.1.2.0/24', nomatch: false },
  ]);
  assert.deepEqual(set, [
    [ip(10, 0, 0, 0), ip(10, 0, 255, 255)],
    [ip(10, 1, 2, 0), ip(10, 1, 2, 255)],
    [ip(10, 2, 0, 0), ip(10, 255, 255, 255)],
  ]);
});

test('line order does not matter', () => {
  const a = setMembership([
    { cidr: '10.1.0.0/16', nomatch: true },
    { cidr: '10.0.0.0/8', nomatch: false },
  ]);
  const b = setMembership([
    { cidr: '10.0.0.0/8', nomatch: false },
    { cidr: '10.1.0.0/16', nomatch: true },
  ]);
  assert.deepEqual(a, b);
});

test('a nomatch entry alone matches nothing', () => {
  assert.deepEqual(setMembership([{ cidr: '10.0.0.1', nomatch: true }]), []);
});

test('the sweep agrees with "most specific entry wins" on random sets', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const members = Array.from({ length: 1 + random(8) }, () => {
      const prefix = 24 + random(9);
      const size = 2 ** (32 - prefix);
      const start = Math.floor(random(256) / size) * size;
      return { cidr: `10.0.0.${start}/${prefix}`, nomatch: random(3) === 0, prefix, start, size };
    });
    const set = setMembership(members);
    for (let a = 0; a < 256; a++) {
      const holders = members.filter((m) => a >= m.start && a < m.start + m.size);
      const innermost = holders.sort((x, y) => y.prefix - x.prefix)[0];
      const expected =
        innermost !== undefined &&
        !innermost.nomatch &&
        !holders.some((h) => h.prefix === innermost.prefix && h.nomatch);
      const address = ip(10, 0, 0, a);
      const got = set.some(([lo, hi]) => address >= lo && address <= hi);
      if (holders.filter((h) => h.prefix === innermost?.prefix).length > 1) continue;
      assert.equal(
        got,
        expected,
        `${JSON.stringify(members.map((m) => [m.cidr, m.nomatch]))} at .${a}`,
      );
    }
  }
});

test('the direct CIDR reader agrees with the Net::IP emulation', () => {
  for (const text of [
    '10.0.0.0/8',
    '10.1.2.3',
    '0.0.0.0/0',
    'fd00::/8',
    '2001:db8::1',
    '::',
    '::1/128',
    'fe80::/10',
    '1:2:3:4:5:6:7:8',
    '2001:DB8::/32',
  ]) {
    const net = perlNetIpNew(text.replace(/\/0$/, '/0'));
    const fast = cidrRange(text);
    assert.ok(net.ok, text);
    assert.deepEqual(fast, [net.first, net.last], text);
  }
});
