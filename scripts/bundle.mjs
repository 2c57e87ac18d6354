#!/usr/bin/env node
// Bundles the three programs into dist/ with esbuild (after `tsc -b` has type-checked them):
//   server/src/cli/main.ts  -> dist/cli.js     (the `pvefw` command: shebang, executable)
//   server/src/lsp/main.ts  -> dist/server.js  (the language server, `node dist/server.js --stdio`)
//   client/src/extension.ts -> dist/client.js  (the VS Code extension; `vscode` stays external)
// An entry that does not exist yet is skipped with a notice (and any stale bundle of it removed);
// every entry that exists must build. Sourcemaps on, minify off. Progress goes to stderr: `npm
// pack` (how pre-commit installs the hook) takes stdout for the tarball name.
import { build } from 'esbuild';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const bundles = [
  {
    entry: 'server/src/cli/main.ts',
    outfile: 'dist/cli.js',
    banner: '#!/usr/bin/env node',
    executable: true,
  },
  { entry: 'server/src/lsp/main.ts', outfile: 'dist/server.js' },
  { entry: 'client/src/extension.ts', outfile: 'dist/client.js', external: ['vscode'] },
];

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
    await build({
      entryPoints: [entry],
      outfile,
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
    });
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
