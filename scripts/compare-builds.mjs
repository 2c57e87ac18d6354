#!/usr/bin/env node
// Times a cold `pvefw check` of two builds in turns, on the same generated files of issue 14's
// shapes: on a machine whose speed drifts from minute to minute, runs taken side by side compare
// two builds fairly where two runs of `npm run bench` apart do not. Figures only.
//
//   node scripts/compare-builds.mjs <dist folder A> <dist folder B> [sizes] [runs]
//
// sizes: comma-separated rule counts (default 10000,20000); runs: per build and file (default 3).
// Needs a build (out/test/bench/shaped-folder.js) and each folder's cli.js.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [a, b, sizeList = '10000,20000', runText = '3'] = process.argv.slice(2);
const generator = join(root, 'out', 'test', 'bench', 'shaped-folder.js');
const builds = [a, b].map((dist) => (dist === undefined ? '' : join(resolve(dist), 'cli.js')));
if (builds.some((cli) => !existsSync(cli)) || !existsSync(generator)) {
  console.error('usage: node scripts/compare-builds.mjs <dist A> <dist B> [sizes] [runs]');
  console.error('(each dist folder holds a cli.js; out/ needs a build: npm run build)');
  process.exit(1);
}
const sizes = sizeList.split(',').map(Number);
const runs = Number(runText);
const { writeShapedFolder } = createRequire(import.meta.url)(generator);

/** Milliseconds of one `pvefw check` of the folder in a fresh process. */
function time(cli, folder) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [cli, 'check', folder], { maxBuffer: 1 << 30 });
  // 0: no errors among the findings, 1: some; anything else is not a timing.
  if (run.status !== 0 && run.status !== 1) throw new Error(`${cli} failed: ${run.stderr}`);
  return performance.now() - started;
}

const range = (times) => {
  const sorted = [...times].sort((x, y) => x - y);
  return `${(sorted[0] / 1000).toFixed(2)}-${(sorted[sorted.length - 1] / 1000).toFixed(2)} s`;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const work = mkdtempSync(join(tmpdir(), 'pvefw-compare-'));
try {
  console.log(`A: ${builds[0]}\nB: ${builds[1]}`);
  console.log(`${runs} runs each, in turns (min-max); load ${load()}`);
  for (const shape of ['realistic', 'adversarial']) {
    for (const placement of ['cluster', 'guest']) {
      for (const size of sizes) {
        const { folder } = writeShapedFolder(
          join(work, `${shape}-${placement}-${size}`),
          size,
          shape,
          placement,
        );
        const times = [[], []];
        for (let i = 0; i < runs; i++)
          for (const k of [0, 1]) times[k].push(time(builds[k], folder));
        const file = placement === 'cluster' ? 'cluster.fw' : '100.fw';
        console.log(
          `${shape.padEnd(12)} ${file.padEnd(10)} ${String(size).padStart(6)}   A ${range(times[0])}   B ${range(times[1])}`,
        );
      }
    }
  }
  console.log(`load at the end: ${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
