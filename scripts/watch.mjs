#!/usr/bin/env node
// `npm run watch`: tsc -b in watch mode (type errors, and out/ for the tests) beside esbuild
// rebuilding the three bundles of dist/ on every change. Stop with Ctrl-C.
import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { context } from 'esbuild';
import { buildOptions, bundles, root } from './bundles.mjs';

const tsc = spawn(
  process.execPath,
  [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-b',
    '--watch',
    '--preserveWatchOutput',
  ],
  { cwd: root, stdio: 'inherit' },
);

const contexts = [];
for (const bundle of bundles) {
  const executable = {
    name: 'executable',
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length === 0 && bundle.executable)
          chmodSync(join(root, bundle.outfile), 0o755);
        console.error(
          `watch: ${bundle.outfile} ${result.errors.length === 0 ? 'built' : 'failed'}`,
        );
      });
    },
  };
  const ctx = await context({ ...buildOptions(bundle), plugins: [executable] });
  await ctx.watch();
  contexts.push(ctx);
}

const stop = async () => {
  tsc.kill();
  await Promise.all(contexts.map((c) => c.dispose()));
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
