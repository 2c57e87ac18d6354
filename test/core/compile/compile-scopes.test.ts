// The oracle case: Proxmox's own compiler on edge/compile-scopes (scoped ipset and alias
// references, bad ICMP types, a missing group, macros per family). Our chains and warnings
// must equal compiled.json exactly.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readText, sharedCorpusDir } from '../../support/corpus';
import { chain, compileTexts } from './helpers';

const corpus = sharedCorpusDir();
const SKIP = corpus ? false : '../shared/corpus is not present in this checkout (CI has it)';

interface Compiled {
  warnings: string[];
  ipv4_tap100i0_IN: string[];
  ipv6_tap100i0_IN: string[];
  ipv4_host_in: string[];
}

test('edge/compile-scopes compiles exactly as Proxmox did', { skip: SKIP }, () => {
  const dir = join(corpus!, 'edge', 'compile-scopes');
  const expected = JSON.parse(readText(join(dir, 'compiled.json'))) as Compiled;
  const result = compileTexts({
    cluster: readText(join(dir, 'cluster.fw')),
    guests: { 100: readText(join(dir, '100.fw')) },
  });
  assert.deepEqual(chain(result, 4, 'tap100i0-IN'), expected.ipv4_tap100i0_IN);
  assert.deepEqual(chain(result, 6, 'tap100i0-IN'), expected.ipv6_tap100i0_IN);
  assert.deepEqual(chain(result, 4, 'PVEFW-HOST-IN'), expected.ipv4_host_in);
  assert.deepEqual(
    result.skipped.map((s) => s.message),
    expected.warnings,
  );
});

test(
  'compile-scopes: each skipped rule points at its line, NIC chain and family',
  { skip: SKIP },
  () => {
    const dir = join(corpus!, 'edge', 'compile-scopes');
    const result = compileTexts({
      cluster: readText(join(dir, 'cluster.fw')),
      guests: { 100: readText(join(dir, '100.fw')) },
    });
    const first = result.skipped.slice(0, 4).map((s) => [s.origin?.lineNumber, s.family, s.chain]);
    assert.deepEqual(first, [
      [6, 4, 'tap100i0-IN'],
      [7, 4, 'tap100i0-IN'],
      [8, 4, 'tap100i0-IN'],
      [10, 4, 'tap100i0-IN'],
    ]);
    const v6 = result.skipped.filter((s) => s.family === 6).map((s) => s.chain);
    assert.ok(v6.includes('tap100i2-IN'));
    // The user rules keep their lines; the macro rules say which template they came from.
    const ping = result.v6.chains.get('tap100i0-IN')!.find((r) => r.text.includes('echo-request'));
    assert.equal(ping?.origin?.lineNumber, 12);
    assert.equal(ping?.origin?.macroIndex, 0);
    const nd = result.v6.chains
      .get('tap100i0-IN')!
      .filter((r) => r.origin?.lineNumber === 13)
      .map((r) => r.origin?.macroIndex);
    assert.deepEqual(nd, [0, 1, 2, 3]);
  },
);
