// StrykerJS mutation testing: `npm run mutate` (never part of CI: a run takes hours, not minutes).
// One plausible bug at a time is made in the source and the tests that execute that code are run;
// a mutant that no test notices "survives". The code under test is the part whose bugs a user would
// feel without a parser error to warn them: the push plan, the editor features, the analysis and
// the cluster client.
//
// Setup, and why: the tests are node:test files compiled by `tsc -b` into out/. Stryker copies the
// repository into a sandbox (.stryker-tmp/), writes every mutant into the TypeScript at once behind
// a switch (mutation switching), builds the sandbox once (scripts/mutate/build.mjs: tsc for out/,
// esbuild for the dist/ programs that the CLI and LSP tests spawn), and runs each compiled test
// file as its own Node process with the tap runner: node:test prints TAP when its output is not a
// terminal. With coverageAnalysis "perTest" each test file counts as one test, so a mutant runs
// only the files that executed it. scripts/mutate/child-coverage.cjs adds the coverage of the
// child processes (the CLI, the language server) to their test file's.
//
// Scope: PVEFW_MUTATE narrows it to folders or files under server/src, separated by commas or
// blanks, e.g. `PVEFW_MUTATE=core/ide npm run mutate` or
// `PVEFW_MUTATE=core/plan/requests.ts npm run mutate`. Stryker's own flags pass through after `--`
// (`npm run mutate -- --concurrency 2`). Stryker itself is installed on first use into
// scripts/mutate/node_modules (scripts/mutate/run.mjs), not among the devDependencies.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const DEFAULT_SCOPE = ['core/plan', 'core/ide', 'core/analysis', 'cluster'];

const scope = (process.env.PVEFW_MUTATE ?? '').split(/[\s,]+/).filter((s) => s !== '');
const mutate = (scope.length > 0 ? scope : DEFAULT_SCOPE).map((entry) => {
  const path = join('server/src', entry.replace(/^(?:server\/src\/)?/, '').replace(/\/+$/, ''));
  if (!existsSync(join(root, path))) throw new Error(`PVEFW_MUTATE: ${path} does not exist`);
  return statSync(join(root, path)).isDirectory() ? `${path}/**/*.ts` : path;
});

// PVEFW_MUTATE_TESTS narrows the test files the same way, to folders or files under test/: a
// surviving mutant runs every test file that reaches it, and the CLI, LSP and sync files take
// seconds each, so a folder's own unit tests give an answer in minutes where all take hours.
// Always left out: the kernel tests (they need root and Debian's iptables/nft, and check the
// compiler), and hostile-lines, which feeds million-character lines to the parser to prove it
// never throws or stalls: nearly any mutant makes it run until Stryker's timeout, minutes each.
// The files are listed from test/ (out/ may not be built yet): the tap runner's globs cannot
// exclude.
//
// server/src/cluster has no unit tests: its tests are the sync files against the API simulator over
// HTTPS. Without the slow ones (big-ipset, corpus-roundtrip, and cli, cli-trust, confirm-cli,
// partial-push and plan-review, which run the CLI), which add seconds to every surviving mutant,
// they answer for a file or two in 10 to 30 minutes on two cores, e.g.
// PVEFW_MUTATE=cluster/push.ts PVEFW_MUTATE_TESTS="sync/faults sync/read-back …" (the CHANGELOG's
// mutation scores list the files each run used).
const LEFT_OUT = [/^kernel\//, /^core\/hostile-lines\.test\.ts$/];
const testScope = (process.env.PVEFW_MUTATE_TESTS ?? '')
  .split(/[\s,]+/)
  .filter((s) => s !== '')
  .map((entry) => entry.replace(/^(?:test\/)?/, '').replace(/\/+$/, ''));
const testFiles = readdirSync(join(root, 'test'), { recursive: true })
  .map((name) => String(name).split(sep).join('/'))
  .filter((name) => name.endsWith('.test.ts') && !LEFT_OUT.some((re) => re.test(name)))
  .filter(
    (name) =>
      testScope.length === 0 ||
      testScope.some(
        (entry) => name === entry || name === `${entry}.test.ts` || name.startsWith(`${entry}/`),
      ),
  )
  .sort()
  .map((name) => `out/test/${name.replace(/\.ts$/, '.js')}`);
if (testFiles.length === 0) throw new Error(`PVEFW_MUTATE_TESTS: no test file in ${testScope}`);

// One incremental file per scope: a run over another scope would otherwise forget this one's. Its
// name is the scope's, shortened with a hash when that is long.
const scopeKey = `${scope.join(' ') || 'all'} -- ${testScope.join(' ') || 'all tests'}`;
const readable = scopeKey.replace(/[^\w.+-]+/g, '_');
const scopeName =
  readable.length <= 80
    ? readable
    : `${readable.slice(0, 60)}-${createHash('sha1').update(scopeKey).digest('hex').slice(0, 10)}`;

// The sandbox is not beside ../shared, so the tests are told where the corpus is (the test
// processes inherit this environment); without it the corpus tests skip, as in a plain clone.
const corpus = join(root, '..', 'shared', 'corpus');
if (existsSync(corpus)) process.env.PVEFW_SHARED_CORPUS ??= corpus;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate,
  // Stryker's tap runner, each mutant's test files fastest first (scripts/mutate/fastest-first.mjs).
  testRunner: 'tap-fastest-first',
  plugins: ['@stryker-mutator/tap-runner', './scripts/mutate/fastest-first.mjs'],
  tap: {
    testFiles,
    nodeArgs: [
      '--require',
      './scripts/mutate/child-coverage.cjs',
      '--require',
      '{{hookFile}}',
      '--test-reporter=tap',
      '{{testFile}}',
    ],
  },
  coverageAnalysis: 'perTest',
  // The initial run executes every test file once, instrumented: about 6 minutes here.
  dryRunTimeoutMinutes: 30,
  buildCommand: 'node scripts/mutate/build.mjs',
  // The build does not check types (see scripts/mutate/build.mjs), so no file needs @ts-nocheck.
  disableTypeChecks: false,
  // scripts/mutate/node_modules is Stryker itself (scripts/mutate/run.mjs): no test needs a copy.
  ignorePatterns: [
    'dist',
    '.e2e',
    'test-results',
    'reports',
    '*.vsix',
    'scripts/mutate/node_modules',
  ],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true },
  // One worker: each test file is a process of its own, and the language server and CLI tests start
  // more; a machine with cores to spare passes `-- --concurrency N`.
  concurrency: 1,
  // Incremental: a rerun tests only the mutants whose code or covering tests changed since the last
  // run of the same scope, and takes the rest from that run's file (in reports/, kept out of git).
  incremental: true,
  incrementalFile: `reports/mutation/incremental/${scopeName}.json`,
  timeoutMS: 10_000,
  thresholds: { high: 80, low: 60, break: null },
};
