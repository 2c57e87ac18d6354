import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setMembership } from '../../../server/src/core/analysis/ipset-membership';

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
