#!/usr/bin/env node
// Runs every compiled test, out/test/**/*.test.js in sorted order (or those whose path holds one
// of the arguments), with `node --test` and the spec reporter, and exits with its exit code. The
// spec reporter ends with "ℹ pass N" lines; CI reads the TAP summary ("# pass N", "# fail N"), so
// a TAP reporter runs alongside into a temporary file and its summary lines are printed last. Every test file's process is preloaded with
// test/support/linger-watch.ts, which fails a file that is still running after its last test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = join(root, 'out', 'test');

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const all = findTests(testRoot)
  .map((file) => relative(root, file))
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

if (all.length === 0) {
  console.error('run-tests: no out/test/**/*.test.js files (did `tsc -b` run?)');
  process.exit(1);
}

// `npm test -- diff sync/faults test/cli/check.test.ts`: only the files whose path holds one of
// the words; a source path names its compiled file.
const wanted = process.argv.slice(2).map((arg) =>
  arg
    .replace(/^\.\//, '')
    .replace(/^test\//, 'out/test/')
    .replace(/\.ts$/, '.js'),
);
const files = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f.includes(w)));
if (files.length === 0) {
  console.error(`run-tests: no test file matches ${process.argv.slice(2).join(', ')}`);
  process.exit(1);
}

const tapDir = mkdtempSync(join(tmpdir(), 'pvefw-tests-'));
const tapFile = join(tapDir, 'results.tap');
const result = spawnSync(
  process.execPath,
  [
    // Fails a test file that outlives its tests, and says what holds it open.
    '--require',
    join(testRoot, 'support', 'linger-watch.js'),
    '--test',
    // A test that hangs fails after two minutes instead of stalling CI.
    '--test-timeout=120000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);

if (existsSync(tapFile)) {
  const summary = readFileSync(tapFile, 'utf8')
    .split('\n')
    .filter((line) => /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(line));
  if (summary.length > 0) console.log(summary.join('\n'));
}
rmSync(tapDir, { recursive: true, force: true });

if (result.error) {
  console.error(`run-tests: cannot start node: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
