#!/usr/bin/env node
// Counts the instructions one cold `pvefw check` executes (valgrind's callgrind, every thread),
// on a generated file of issue 14's shapes: a figure that, unlike seconds, barely moves with what
// else the machine is doing, to compare two builds on a busy machine. Slow (about a minute for
// 5,000 rules); not part of `npm run bench`.
//
//   node scripts/count-instructions.mjs [rules] [realistic|adversarial] [guest|cluster] [dist dir]
//
// PVEFW_NODE_FLAGS adds flags to node's command line (e.g. V8's, to compare them).
// Needs a build (out/test/bench/shaped-folder.js, dist/cli.js) and valgrind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [rules = '5000', shape = 'realistic', placement = 'guest', dist = join(root, 'dist')] =
  process.argv.slice(2);
const generator = join(root, 'out', 'test', 'bench', 'shaped-folder.js');
const cli = join(resolve(dist), 'cli.js');
if (!existsSync(generator) || !existsSync(cli)) {
  console.error('count-instructions: build first (npm run build)');
  process.exit(1);
}
if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('count-instructions: valgrind is not installed');
  process.exit(1);
}
const { writeShapedFolder } = createRequire(import.meta.url)(generator);
const folder = mkdtempSync(join(tmpdir(), 'pvefw-instructions-'));
try {
  writeShapedFolder(folder, Number(rules), shape, placement);
  const out = join(folder, 'callgrind.out');
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      // Node writes machine code at run time: valgrind must notice it changing.
      '--smc-check=all-non-file',
      process.execPath,
      // Compiling and collecting on the main thread too: the count then repeats run to run.
      '--single-threaded',
      ...(process.env['PVEFW_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== ''),
      cli,
      'check',
      folder,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const total = /summary:\s*(\d+)/.exec(readFileSync(out, 'utf8'))?.[1];
  if (total === undefined) {
    console.error(run.stderr.slice(-2000));
    process.exit(1);
  }
  console.log(
    `pvefw check, ${Number(rules).toLocaleString('en')} rules, ${shape} ${placement} (${cli}${process.env['PVEFW_NODE_FLAGS'] ? ` ${process.env['PVEFW_NODE_FLAGS']}` : ''}): ${(Number(total) / 1e9).toFixed(2)} G instructions`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
