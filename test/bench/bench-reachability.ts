// Prints how long the full reachability analysis takes (compile + every rule's exact check) on
// generated workspaces, how it grows with size, the cost of re-analysing after one edit, and
// memory. Figures only: nothing here asserts a timing.
import { checkReachability } from '../../server/src/core';
import { generateWorkspace } from './generate';

function analyse(cluster: string, guest: string): { ms: number; findings: number } {
  const start = process.hrtime.bigint();
  const found = checkReachability({
    cluster: { path: 'cluster.fw', text: cluster },
    hosts: [],
    guests: [{ vmid: 100, file: { path: '100.fw', text: guest } }],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, findings: [...found.values()].reduce((n, f) => n + f.length, 0) };
}

const sizes = (process.env['PVEFW_BENCH_SIZES'] ?? '100,1000,10000,50000').split(',').map(Number);
console.log(
  'reachability (compile + exact analysis of every rule; guest file, 6,300-entry ipsets)',
);
console.log('rules        ms   ms/rule   findings   rss MB');
let previous: { rules: number; ms: number } | undefined;
for (const size of sizes) {
  const ws = generateWorkspace(size);
  const run = analyse(ws.cluster, ws.guest);
  const rss = process.memoryUsage().rss / 1024 / 1024;
  const growth = previous
    ? `  (x${(run.ms / previous.ms).toFixed(1)} for x${size / previous.rules} rules)`
    : '';
  console.log(
    `${String(size).padStart(5)} ${run.ms.toFixed(0).padStart(9)} ${(run.ms / size).toFixed(3).padStart(9)} ${String(run.findings).padStart(10)} ${rss.toFixed(0).padStart(8)}${growth}`,
  );
  previous = { rules: size, ms: run.ms };
}

const base = generateWorkspace(1000);
analyse(base.cluster, base.guest);
const lines = base.guest.split('\n');
const edited = lines
  .map((l, i) => (i === 500 ? l.replace(/-dport (\d+)/, '-dport 4444') : l))
  .join('\n');
const again = analyse(base.cluster, edited);
console.log(`re-analysis after editing one rule of a 1,000-rule file: ${again.ms.toFixed(0)} ms`);
