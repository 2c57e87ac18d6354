import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ICMP_CODES, ICMPV6_CODES, icmpRange } from '../../../server/src/core/facts/icmp-codes';
import {
  ICMP_TYPE_NAMES,
  ICMPV6_TYPE_NAMES,
} from '../../../server/src/core/facts/generated/icmp-types';

test('every ICMP name Proxmox accepts has a type and code range, and no other', () => {
  assert.deepEqual(Object.keys(ICMP_CODES).concat('any').sort(), [...ICMP_TYPE_NAMES].sort());
  assert.deepEqual(Object.keys(ICMPV6_CODES).sort(), [...ICMPV6_TYPE_NAMES].sort());
});

test('names, numbers and any map to type*256+code ranges', () => {
  assert.deepEqual(icmpRange('echo-request', 4), [2048, 2303]);
  assert.deepEqual(icmpRange('host-unreachable', 4), [769, 769]);
  assert.deepEqual(icmpRange('8', 4), [2048, 2303]);
  assert.deepEqual(icmpRange('any', 4), [0, 65535]);
  assert.equal(icmpRange('any', 6), undefined);
  assert.equal(icmpRange('300', 4), undefined);
  assert.deepEqual(icmpRange('neighbor-solicitation', 6), icmpRange('neighbour-solicitation', 6));
});
