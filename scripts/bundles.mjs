// The three programs esbuild bundles into dist/, and the options each is built with: shared by
// scripts/bundle.mjs (one build) and scripts/watch.mjs (rebuilt on every change).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

export const bundles = [
  {
    entry: 'server/src/cli/main.ts',
    outfile: 'dist/cli.js',
    banner: '#!/usr/bin/env node',
    executable: true,
  },
  { entry: 'server/src/lsp/main.ts', outfile: 'dist/server.js' },
  { entry: 'client/src/extension.ts', outfile: 'dist/client.js', external: ['vscode'] },
];

/** esbuild's options for one bundle. */
export function buildOptions(bundle) {
  return {
    entryPoints: [join(root, bundle.entry)],
    outfile: join(root, bundle.outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify: false,
    external: bundle.external ?? [],
    banner: bundle.banner ? { js: bundle.banner } : undefined,
    define: { __PVEFW_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
    absWorkingDir: root,
  };
}
