// The hand-written matchers that replace Proxmox's backtracking patterns (issue 15) agree with
// those patterns on every short text over the characters that matter to them; the patterns are
// fine on short texts, so they serve as the reference here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { matchNamedHeader } from '../../server/src/core/syntax/parse-header';
import { prefixForm, splitAround } from '../../server/src/core/syntax/perl-net-ip';
import { NWS, WS } from '../../server/src/core/syntax/perl-text';

const text = (chars: readonly string[], maxLength = 12): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...chars), { maxLength }).map((parts) => parts.join(''));

test('group and ipset headers: the same name and comment as Proxmox pattern', () => {
  for (const keyword of ['group', 'ipset']) {
    const pattern = new RegExp(
      `^\\[${keyword}${WS}+(${NWS}+)\\]${WS}*(?:#${WS}*(.*?)${WS}*)?$`,
      'isd',
    );
    const pieces = [
      `[${keyword}`,
      `[${keyword.toUpperCase()}`,
      ' ',
      '\t',
      '\r',
      ']',
      '#',
      'a',
      'b',
    ];
    fc.assert(
      fc.property(text(pieces), (line) => {
        const m = pattern.exec(line);
        const expected = m
          ? { name: m[1], at: m.indices![1]![0], ...(m[2] !== undefined ? { comment: m[2] } : {}) }
          : undefined;
        assert.deepEqual(matchNamedHeader(line, keyword), expected, JSON.stringify(line));
      }),
      { numRuns: 20_000, seed: 15 },
    );
  }
});

test("Net::IP's three shapes: the same parts as its patterns", () => {
  const prefix = new RegExp(`^(${NWS}+?)(/${NWS}+)$`);
  const range = new RegExp(`^([^\\n]+?)${WS}*-${WS}*([^\\n]+)$`);
  const plus = new RegExp(`^([^\\n]+?)${WS}+\\+${WS}+([^\\n]+)$`);
  const parts = (m: RegExpExecArray | null): [string, string] | undefined =>
    m ? [m[1]!, m[2]!] : undefined;
  fc.assert(
    fc.property(text(['1', 'a', '/', '-', '+', ' ', '\t', '\n', '.']), (item) => {
      const shown = JSON.stringify(item);
      assert.deepEqual(prefixForm(item), parts(prefix.exec(item)), `prefix ${shown}`);
      assert.deepEqual(splitAround(item, '-', 0), parts(range.exec(item)), `range ${shown}`);
      assert.deepEqual(splitAround(item, '+', 1), parts(plus.exec(item)), `plus ${shown}`);
    }),
    { numRuns: 50_000, seed: 15 },
  );
});
