#!/usr/bin/env node
// Stryker's buildCommand for `npm run mutate`, run once in the sandbox after every mutant has been
// written into the TypeScript behind a switch. The switched code is not type-correct (a branch that
// returns nothing widens a return type, and the callers then disagree), so tsc emits out/ without
// checking types (--noCheck); the checked build is `npm run build`. Then esbuild bundles dist/,
// which the CLI and LSP tests run.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Resolved as Node resolves packages: the sandbox's node_modules may be a link, or a parent's.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const built = spawnSync(process.execPath, [tsc, '-b', '--noCheck'], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);
await import('../bundle.mjs');
