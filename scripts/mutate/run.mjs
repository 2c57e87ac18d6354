#!/usr/bin/env node
// `npm run mutate`: StrykerJS from scripts/mutate/node_modules, installed there on first use (and
// again when scripts/mutate/package-lock.json changes) with `npm ci`. Stryker and its 170-odd
// packages are not among the project's devDependencies, so `npm ci` for the build, the tests and
// CI never installs them. The arguments go to `stryker run` (e.g. `-- --concurrency 2`).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const lock = join(here, 'package-lock.json');
const installed = join(here, 'node_modules', '.package-lock.json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('mutate: installing StrykerJS into scripts/mutate/node_modules (once)');
  const ci = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  if (ci.status !== 0) process.exit(ci.status ?? 1);
}

const stryker = join(here, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const run = spawnSync(process.execPath, [stryker, 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
