// Preloaded (node -r) into a benchmarked process: at exit, writes its peak resident memory and
// the CPU time it used (every thread: V8 compiles and collects on others) to the file
// PVEFW_BENCH_RSS_FILE names.
import { writeFileSync } from 'node:fs';

const file = process.env['PVEFW_BENCH_RSS_FILE'];
if (file)
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const cpu = (usage.userCPUTime + usage.systemCPUTime) / 1000;
    writeFileSync(file, JSON.stringify({ peak: usage.maxRSS / 1024, cpu }));
  });
