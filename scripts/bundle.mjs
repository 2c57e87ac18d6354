#!/usr/bin/env node
// Bundles the three programs into dist/ with esbuild (after `tsc -b` has type-checked them):
//   server/src/cli/main.ts  -> dist/cli.js     (the `pvefw` command: shebang, executable)
//   server/src/lsp/main.ts  -> dist/server.js  (the language server, `node dist/server.js --stdio`)
//   client/src/extension.ts -> dist/client.js  (the VS Code extension; `vscode` stays external)
// An entry that does not exist yet is skipped with a notice (and any stale bundle of it removed);
// every entry that exists must build. Sourcemaps on, minify off. Progress goes to stderr: `npm
// pack` (how pre-commit installs the hook) takes stdout for the tarball name.
import { build } from 'esbuild';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildOptions, bundles, root } from './bundles.mjs';

let failed = false;
for (const bundle of bundles) {
  const entry = join(root, bundle.entry);
  const outfile = join(root, bundle.outfile);
  if (!existsSync(entry)) {
    console.error(`bundle: skipping ${bundle.outfile}: ${bundle.entry} does not exist yet`);
    rmSync(outfile, { force: true });
    rmSync(`${outfile}.map`, { force: true });
    continue;
  }
  const started = performance.now();
  try {
    await build(buildOptions(bundle));
    if (bundle.executable) chmodSync(outfile, 0o755);
    const ms = Math.round(performance.now() - started);
    console.error(`bundle: ${relative(root, outfile)} (${ms} ms)`);
  } catch {
    // esbuild has already printed the errors
    console.error(`bundle: ${bundle.outfile} failed`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
