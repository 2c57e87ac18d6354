// Proxmox's writer keeps ipset entries sorted by their text in Perl's order, so the plan predicts
// where each added entry lands (and with it the digest the next call sends) by inserting it in
// order rather than sorting the whole set again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxmoxIpSetEntry } from '../../../server/src/core/model/proxmox-conf';
import { insertSorted, perlCompare } from '../../../server/src/core/plan/sorted-entries';
import { perlSorted } from '../../../server/src/core/writer/perl-sort';

const cidrs = (entries: readonly ProxmoxIpSetEntry[]): (string | null | undefined)[] =>
  entries.map((e) => e.cidr);

test('an added entry lands where the writer puts it: first, between, last', () => {
  const entries: ProxmoxIpSetEntry[] = [{ cidr: '10.0.0.0/8' }, { cidr: '192.168.1.0/24' }];
  insertSorted(entries, { cidr: '172.16.0.0/12' });
  insertSorted(entries, { cidr: '1.1.1.1' });
  insertSorted(entries, { cidr: 'fd00::/8' });
  insertSorted(entries, { cidr: '10.0.0.0/16' });
  assert.deepEqual(cidrs(entries), [
    '1.1.1.1',
    '10.0.0.0/16',
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.1.0/24',
    'fd00::/8',
  ]);
});

test('entries added one by one in any order end as the writer sorts them', () => {
  // A small linear congruential generator: the same "random" sets on every run.
  let seed = 20;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 50; round++) {
    const texts = new Set<string>();
    const count = 1 + next(40);
    while (texts.size < count) {
      const text =
        next(4) === 0
          ? `fd${next(256).toString(16)}::${next(65536).toString(16)}/64`
          : `${next(256)}.${next(256)}.${next(256)}.0/${8 + next(25)}`;
      texts.add(text);
    }
    const entries: ProxmoxIpSetEntry[] = [];
    for (const text of texts) insertSorted(entries, { cidr: text });
    assert.deepEqual(cidrs(entries), perlSorted(texts));
  }
});

test('perlCompare orders as Perl does, also where JavaScript strings disagree', () => {
  assert.ok(perlCompare('10.0.0.1', '9.0.0.1') < 0, 'byte order, not numeric');
  assert.ok(perlCompare('9.0.0.1', '10.0.0.1') > 0);
  assert.equal(perlCompare('10.0.0.1', '10.0.0.1'), 0);
  // Above U+FFFF JavaScript compares UTF-16 halves: Perl compares code points.
  const astral = '\u{1F600}';
  const high = '\uFF61';
  assert.ok(astral < high, 'JavaScript puts the astral character first');
  assert.ok(perlCompare(astral, high) > 0);
  assert.ok(perlCompare(`a${astral}`, `a${high}`) > 0);
});
