// Prints how long parsing and Proxmox's checks take on generated files of growing size.
// Figures only: nothing here asserts a timing.
import { checkFile } from '../../server/src/core';
import { generateWorkspace } from './generate';

function time<T>(run: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

const sizes = (process.env['PVEFW_BENCH_SIZES'] ?? '100,1000,10000,50000').split(',').map(Number);
console.log('check (parse + verify, guest file against cluster.fw with 6,300 ipset entries)');
console.log('rules      ms   findings   heap MB');
for (const size of sizes) {
  const ws = generateWorkspace(size);
  checkFile({ path: '100.fw', text: ws.guest }, 'guest', {
    cluster: { path: 'cluster.fw', text: ws.cluster },
  });
  const run = time(() =>
    checkFile({ path: '100.fw', text: ws.guest }, 'guest', {
      cluster: { path: 'cluster.fw', text: ws.cluster },
    }),
  );
  const heap = process.memoryUsage().heapUsed / 1024 / 1024;
  console.log(
    `${String(size).padStart(5)} ${run.ms.toFixed(1).padStart(7)} ${String(run.value.length).padStart(10)} ${heap.toFixed(0).padStart(9)}`,
  );
}
