// Issue 14's figures: `pvefw check` in a fresh process (cold: Node's start-up included) on the
// shapes of generateShaped() at 5,000 to 40,000 rules, as cluster.fw and as a guest file, with
// peak memory and growth per doubling; then a whole cluster of 1,000 guests (50 rules each, two
// NICs) and a 5,000-rule cluster.fw. Figures only: nothing here asserts a timing. Other work on
// the machine slows a run: the load average is printed, and each figure is a range over runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateCluster, type Placement, type Shape } from './generate';
import { writeShapedFolder } from './shaped-folder';

const root = resolve(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const hook = join(__dirname, 'peak-rss.js');
const runs = Number(process.env['PVEFW_BENCH_RUNS'] ?? 3);
const sizes = (process.env['PVEFW_BENCH_SHAPE_SIZES'] ?? '5000,10000,20000,40000')
  .split(',')
  .map(Number);

interface Run {
  readonly ms: number;
  readonly cpu: number;
  readonly peak: number;
  readonly output: string;
}

/** `pvefw check DIR` in a fresh process: wall time as its parent sees it, and peak RSS. */
function check(dir: string): Run {
  const rss = join(dir, 'rss.json');
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-r', hook, cli, 'check', join(dir, 'firewall')], {
    env: { ...process.env, PVEFW_BENCH_RSS_FILE: rss },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - started;
  // 0: no errors; 1: errors among the findings (the shapes have none, but either is a check).
  if (run.status !== 0 && run.status !== 1) throw new Error(`pvefw check failed: ${run.stderr}`);
  const { peak, cpu } = JSON.parse(readFileSync(rss, 'utf8')) as { peak: number; cpu: number };
  return { ms, cpu, peak, output: run.stdout };
}

interface Measured {
  readonly lo: number;
  readonly hi: number;
  readonly cpuLo: number;
  readonly cpuHi: number;
  readonly peak: number;
  readonly findings: number;
}

function measure(dir: string): Measured {
  const all = Array.from({ length: runs }, () => check(dir));
  const times = all.map((r) => r.ms);
  const cpus = all.map((r) => r.cpu);
  const findings = all[0]!.output.split('\n').filter((l) => /^\S+:\d+:\d+/.test(l)).length;
  return {
    lo: Math.min(...times),
    hi: Math.max(...times),
    cpuLo: Math.min(...cpus),
    cpuHi: Math.max(...cpus),
    peak: Math.max(...all.map((r) => r.peak)),
    findings,
  };
}

const s = (ms: number): string => (ms / 1000).toFixed(2);
const range = (lo: number, hi: number): string => `${s(lo)}-${s(hi)}`.padEnd(12);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const work = mkdtempSync(join(tmpdir(), 'pvefw-bench-shapes-'));
try {
  console.log(`pvefw check, fresh process each run (${runs} runs: min-max s), load ${load()}`);
  console.log('wall: as a user waits; cpu: every thread of the process (less sensitive to load)');
  console.log(
    'shape        file      rules      KB   wall s       cpu s        peak MB  findings  growth',
  );
  for (const shape of ['realistic', 'adversarial'] as Shape[]) {
    for (const placement of ['cluster', 'guest'] as Placement[]) {
      let previous: { wall: number; cpu: number } | undefined;
      for (const size of sizes) {
        const dir = join(work, `${shape}-${placement}-${size}`);
        const { bytes } = writeShapedFolder(dir, size, shape, placement);
        const m = measure(dir);
        // Per doubling, from the fastest run of each size: wall, then CPU time.
        const growth =
          previous === undefined
            ? ''
            : `x${(m.lo / previous.wall).toFixed(2)} (cpu x${(m.cpuLo / previous.cpu).toFixed(2)})`;
        previous = { wall: m.lo, cpu: m.cpuLo };
        console.log(
          `${shape.padEnd(12)} ${(placement === 'cluster' ? 'cluster.fw' : '100.fw').padEnd(10)} ${String(size).padStart(6)} ${String(Math.round(bytes / 1024)).padStart(7)}   ${range(m.lo, m.hi)} ${range(m.cpuLo, m.cpuHi)} ${m.peak.toFixed(0).padStart(8)} ${String(m.findings).padStart(9)}  ${growth}`,
        );
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const guests = Number(process.env['PVEFW_BENCH_GUESTS'] ?? 1000);
  const big = generateCluster(guests, 50, 5000);
  const dir = join(work, 'cluster');
  mkdirSync(join(dir, 'firewall'), { recursive: true });
  for (const [name, text] of big.files) writeFileSync(join(dir, 'firewall', name), text);
  writeFileSync(join(dir, 'firewall', 'topology.json'), JSON.stringify(big.topology));
  const m = measure(dir);
  console.log(
    `\nwhole-folder check: ${guests} guests of 50 rules (2 NICs each, ${big.topology.nodes.length} nodes), cluster.fw of 5,000 rules: wall ${s(m.lo)}-${s(m.hi)} s, cpu ${s(m.cpuLo)}-${s(m.cpuHi)} s, peak ${m.peak.toFixed(0)} MB, ${m.findings} findings`,
  );
  console.log(`load at the end: ${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
