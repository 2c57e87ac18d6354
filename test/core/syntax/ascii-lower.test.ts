// Perl's lc on the bytes pve-firewall reads: only A-Z change. The directions, macro names and
// ipset names of every rule go through asciiLower, which reads ASCII text by hand and leaves
// other text to a pattern that changes its ASCII letters only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asciiLower } from '../../../server/src/core/syntax';

test('asciiLower changes A-Z only, and gives back a text without them as it is', () => {
  assert.equal(asciiLower('IN'), 'in');
  assert.equal(asciiLower('Group'), 'group');
  assert.equal(asciiLower('ipset-Z_9'), 'ipset-z_9');
  assert.equal(asciiLower('out'), 'out');
  assert.equal(asciiLower(''), '');
  // toLowerCase would make 'ä' of 'Ä' and 'i̇' of 'İ'; Perl's lc on bytes does not.
  assert.equal(asciiLower('ÄRGER Web'), 'Ärger web');
  assert.equal(asciiLower('İSTANBUL'), 'İstanbul');
  assert.equal(asciiLower('ΣIGMA'), 'Σigma');
});
