// Digests must be byte-exact: the expected values were computed with Perl's Digest::SHA and the
// code of copy_list_with_digest / copy_opject_with_digest (FW:1233-1281) run as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_DIGEST, listDigest, objectDigest } from '../../../server/src/core/plan/digest';
import { sha1Hex, utf8Bytes } from '../../../server/src/core/plan/sha1';

test('SHA-1 test vectors', () => {
  assert.equal(sha1Hex(utf8Bytes('')), EMPTY_DIGEST);
  assert.equal(sha1Hex(utf8Bytes('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(
    sha1Hex(utf8Bytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
    '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
  );
  assert.equal(
    sha1Hex(utf8Bytes('a'.repeat(1_000_000))),
    '34aa973cd4c4daa4f61eeb2bdbad27316534016f',
  );
});

const cases: [string, () => string, string][] = [
  [
    'a rule list (sorted keys, UTF-8 comment, errors ignored)',
    () =>
      listDigest([
        {
          action: 'ACCEPT',
          comment: 'café',
          dport: '22',
          enable: 1,
          ipversion: 4,
          proto: 'tcp',
          source: '10.0.0.1',
          type: 'in',
        },
        { action: 'DROP', enable: 0, proto: 'udp', type: 'out' },
        { action: 'ACCEPT', enable: 1, log: 'info', macro: 'Ping', type: 'in', errors: { x: 'y' } },
      ]),
    '407e597d2723f478572c9834152eb02f073a5794',
  ],
  ['the empty list', () => listDigest([]), EMPTY_DIGEST],
  [
    'ipset entries (undefined cidr skipped)',
    () =>
      listDigest([
        { cidr: '10.0.0.0/8', nomatch: 1, comment: 'a # b' },
        { cidr: '192.168.0.1' },
        { cidr: null },
      ]),
    '49096345b1e1d215d33eb9a80b6f61bcd881341d',
  ],
  [
    'a non-ASCII byte string outside comments is encoded twice, as Perl does',
    () => listDigest([{ name: 'nét', cidr: '10.0.0.1', ipversion: 4 }]),
    '83af36dcd4007c41bb92557bf263afc374537481',
  ],
  [
    'options',
    () => objectDigest({ enable: 1, policy_in: 'DROP', log_ratelimit: 'enable=1,rate=10/minute' }),
    'fce4d70e2972ff3baf1f7cdf7e50db76951828fb',
  ],
];

for (const [name, compute, expected] of cases) {
  test(`digest of ${name}`, () => assert.equal(compute(), expected));
}
