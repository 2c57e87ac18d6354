// Prints how long the full reachability analysis takes (compile + every rule's exact check) on
// generated workspaces, how it grows with size, the cost of re-analysing after one edit, and
// memory. Figures only: nothing here asserts a timing.
import { execFileSync } from 'node:child_process';
import { buildClusterModel, checkReachability, ReachabilityMemo } from '../../server/src/core';
import { generateWorkspace } from './generate';

function analyse(
  cluster: string,
  guest: string,
  memo?: ReachabilityMemo,
): { ms: number; findings: number } {
  const start = process.hrtime.bigint();
  const model = buildClusterModel({
    cluster: { path: 'cluster.fw', text: cluster },
    guests: [{ vmid: 100, file: { path: '100.fw', text: guest } }],
  });
  const found = checkReachability(model, {}, memo);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, findings: [...found.values()].reduce((n, f) => n + f.length, 0) };
}

// Memory is measured in a fresh process that runs one analysis: in this one, each size's
// garbage would still count against the next.
const aloneSize = process.env['PVEFW_BENCH_ALONE'];
if (aloneSize !== undefined) {
  const ws = generateWorkspace(Number(aloneSize));
  const run = analyse(ws.cluster, ws.guest);
  const peak = process.resourceUsage().maxRSS / 1024;
  // Then as a running editor sees it: the fifth analysis of the same file.
  const repeats = process.env['PVEFW_BENCH_WARM'] === '1' ? 4 : 0;
  let warm = run.ms;
  for (let i = 0; i < repeats; i++) warm = analyse(ws.cluster, ws.guest).ms;
  console.log(JSON.stringify({ ms: run.ms, peak, warm }));
  process.exit(0);
}

const sizes = (process.env['PVEFW_BENCH_SIZES'] ?? '100,1000,10000,50000').split(',').map(Number);
console.log(
  'reachability (compile + exact analysis of every rule; guest file, 6,300-entry ipsets)',
);
console.log('rules        ms   ms/rule   findings   rss MB (this process, garbage included)');
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

// An editor keeps a memo per cluster: after an edit, only what the edit can change is redone.
// The server has analysed (and compiled its code) many times by then: warm up the same way, then
// report the median of five edits of each kind, each measured from the base text's memo.
const base = generateWorkspace(1000);
const memo = new ReachabilityMemo();
const lines = base.guest.split('\n');
const edits = [
  { what: 'a port changed', edit: (l: string) => l.replace(/-dport (\d+)/, '-dport 4444') },
  { what: 'a rule added', edit: (l: string) => `IN ACCEPT -p udp -dport 5353\n${l}` },
  { what: 'a rule removed', edit: () => '' },
  { what: 'a rule disabled', edit: (l: string) => `|${l.replace(/^\|/, '')}` },
];
const editedAt = (at: number, edit: (l: string) => string): string => {
  const line = lines.findIndex((l, i) => i >= at && /-dport/.test(l));
  return lines.map((l, i) => (i === line ? edit(l) : l)).join('\n');
};
for (let i = 0; i < 10; i++) {
  analyse(base.cluster, base.guest, memo);
  analyse(base.cluster, editedAt(100 + i * 50, edits[i % edits.length]!.edit), memo);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const { what, edit } of edits) {
  const times: number[] = [];
  let agree = true;
  for (const at of [150, 350, 550, 750, 950]) {
    analyse(base.cluster, base.guest, memo);
    const text = editedAt(at, edit);
    const again = analyse(base.cluster, text, memo);
    times.push(again.ms);
    agree &&= again.findings === analyse(base.cluster, text).findings;
  }
  console.log(
    `re-analysis after one edit of a 1,000-rule file (${what}): median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms${agree ? '' : ' (FINDINGS DIFFER FROM A FRESH ANALYSIS)'}`,
  );
}
/** One analysis in a fresh process, optionally held to one CPU (V8 compiles and collects on
 * other threads; with one CPU they take turns with the analysis). */
function alone(
  size: number,
  oneCpu: boolean,
): { ms: number; peak: number; warm: number } | undefined {
  const [command, args] = oneCpu
    ? ['taskset', ['-c', '0', process.execPath, __filename]]
    : [process.execPath, [__filename]];
  try {
    const out = execFileSync(command, args, {
      env: { ...process.env, PVEFW_BENCH_ALONE: String(size), PVEFW_BENCH_WARM: oneCpu ? '1' : '' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out) as { ms: number; peak: number; warm: number };
  } catch (error) {
    // Only the pinned run may be missing its tool (taskset is Linux's); anything else is a failure.
    if (oneCpu) return undefined;
    throw error;
  }
}

for (const size of sizes.filter((s) => s >= 10000)) {
  const run = alone(size, false);
  if (run)
    console.log(
      `one analysis of ${size.toLocaleString('en')} rules in a fresh process (cold): ${run.ms.toFixed(0)} ms, peak rss ${run.peak.toFixed(0)} MB`,
    );
}
const pinned = sizes.includes(10000) ? alone(10000, true) : undefined;
if (pinned)
  console.log(
    `10,000 rules held to one CPU (taskset -c 0): first analysis ${pinned.ms.toFixed(0)} ms, fifth ${pinned.warm.toFixed(0)} ms`,
  );
