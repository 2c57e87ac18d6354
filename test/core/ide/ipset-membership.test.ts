// The hover's fast membership sweep gives exactly the analysis layer's hash:net membership, on
// hand-picked and on random sets; entries load as the kernel loads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setMembership } from '../../../server/src/core/analysis/ipset-membership';
import {
  familyMembers,
  intervalText,
  kernelEntry,
  networkText,
  type KernelEntry,
} from '../../../server/src/core/ide/ipset-preview';
import { seededRandom as random } from '../../support/seeded-random';

function entry(cidr: string, nomatch = false): KernelEntry {
  const loaded = kernelEntry(cidr, nomatch);
  assert.ok(typeof loaded !== 'string', `${cidr}: ${typeof loaded === 'string' ? loaded : ''}`);
  return loaded;
}

test('membership: host bits are cleared, over-long prefixes refused, IPv6 forms read', () => {
  assert.equal(networkText(entry('10.1.2.3/16')), '10.1.0.0/16');
  assert.equal(networkText(entry('fd00:1:2::5/48')), 'fd00:1:2::/48');
  assert.equal(networkText(entry('::ffff:10.0.0.1')), '::ffff:a00:1/128');
  assert.equal(kernelEntry('10.0.0.0/99', false), 'the prefix is longer than the address');
  // A written prefix is hostile input: a negative one is refused, not a crash or a wider net.
  assert.equal(kernelEntry('::/-1', false), 'not a prefix length');
  assert.equal(kernelEntry('10.0.0.5/-1', false), 'not a prefix length');
});

test('membership: intervals print as CIDR blocks where they are one', () => {
  const members = familyMembers([entry('10.0.0.0/8'), entry('10.1.0.0/16', true)], 4);
  assert.deepEqual(
    members.map((i) => intervalText(4, i)),
    ['10.0.0.0/16', '10.2.0.0 – 10.255.255.255'],
  );
});

test('membership: the sweep equals the analysis layer on random nested sets', () => {
  const next = random(7);
  for (let round = 0; round < 200; round++) {
    const seen = new Set<string>();
    const members: { cidr: string; nomatch: boolean }[] = [];
    for (let i = 0; i < 1 + Math.floor(next() * 12); i++) {
      const prefix = 8 + Math.floor(next() * 25);
      const address = Math.floor(next() * 2 ** 12) << 20;
      const network = networkText(
        entry(`${[24, 16, 8, 0].map((s) => (address >>> s) & 255).join('.')}/${prefix}`),
      );
      if (seen.has(network)) continue;
      seen.add(network);
      members.push({ cidr: network, nomatch: next() < 0.4 });
    }
    const fast = familyMembers(
      members.map((m) => entry(m.cidr, m.nomatch)),
      4,
    );
    assert.deepEqual(fast, setMembership(members), JSON.stringify(members));
  }
});
