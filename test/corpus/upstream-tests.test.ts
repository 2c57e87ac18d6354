// Proxmox's own firewall tests (test/test-*/tests in pve-firewall), run through the same code
// as `pvefw test`: every case must pass, and the totals must be Proxmox's (spec section 15).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTestDir, testDirs } from '../../server/src/cli/test-command';
import { sharedCorpusDir } from '../support/corpus';

const corpus = sharedCorpusDir();
const SKIP = corpus ? false : '../shared/corpus is not present in this checkout (CI has it)';

test('all 13 upstream test folders pass: 142 cases, 244 packet traversals', { skip: SKIP }, () => {
  const root = join(corpus!, 'upstream');
  const dirs = testDirs([root], root);
  assert.equal(dirs.length, 13);
  let cases = 0;
  let traversals = 0;
  const failures: string[] = [];
  for (const dir of dirs) {
    const { report } = runTestDir(dir, undefined, root);
    cases += report.cases.length;
    traversals += report.traversals;
    for (const c of report.cases) {
      if (!c.passed) failures.push(`${dir}/tests:${c.test.lineNumber} ${c.test.text}`);
    }
    assert.deepEqual(report.parseErrors, [], dir);
  }
  assert.deepEqual(failures, []);
  assert.equal(cases, 142);
  assert.equal(traversals, 244);
});
