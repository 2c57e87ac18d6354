#!/usr/bin/env node
// Runs every benchmark (compiled to out/test/bench/bench-*.js, plus scripts/bench-*.mjs) and
// prints their figures. Benchmarks never fail on a timing; they only report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'out', 'test', 'bench');
const entries = [
  ...(existsSync(compiled)
    ? readdirSync(compiled)
        .filter((n) => /^bench-.*\.js$/.test(n))
        .sort()
        .map((n) => join(compiled, n))
    : []),
  ...readdirSync(join(root, 'scripts'))
    .filter((n) => /^bench-.*\.mjs$/.test(n))
    .sort()
    .map((n) => join(root, 'scripts', n)),
];
let failed = 0;
for (const entry of entries) {
  console.log(`\n=== ${entry.slice(root.length + 1)}`);
  const run = spawnSync(process.execPath, ['--expose-gc', entry], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
