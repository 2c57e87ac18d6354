// Preloaded (node -r) into a benchmarked process: at exit, writes its peak resident memory and
// how long it ran (from the start of Node) to the file PVEFW_BENCH_RSS_FILE names.
import { writeFileSync } from 'node:fs';

const file = process.env['PVEFW_BENCH_RSS_FILE'];
if (file)
  process.on('exit', () => {
    const peak = process.resourceUsage().maxRSS / 1024;
    writeFileSync(file, JSON.stringify({ peak, ms: performance.now() }));
  });
