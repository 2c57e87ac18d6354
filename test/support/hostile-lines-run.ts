// Runs every hostile shape at one size in this process, saying `start NAME` before and `done NAME
// ms` after each on stdout, so a parent can tell which shape hangs and kill the process (a regular
// expression cannot be interrupted from inside). Usage: node hostile-lines-run.js SIZE [FILTER]
import { HOSTILE_SHAPES, runEditorQueries } from './hostile-lines';

const size = Number(process.argv[2] ?? 1_000_000);
const filter = process.argv[3];
for (const shape of HOSTILE_SHAPES) {
  if (filter !== undefined && !shape.name.includes(filter)) continue;
  const text = shape.text(size);
  process.stdout.write(`start ${shape.name}\n`);
  const started = performance.now();
  runEditorQueries(shape, text);
  process.stdout.write(`done ${shape.name} ${Math.round(performance.now() - started)}\n`);
}
