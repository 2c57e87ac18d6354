#!/usr/bin/env node
// `npm start`: runs `pvefw check examples/` on the example /etc/pve tree. The examples contain
// mistakes on purpose, so findings (exit 1) are a successful demo; bad usage or unreadable input
// (exit 2) is passed through.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

console.log('$ pvefw check examples/\n');
const result = spawnSync(process.execPath, ['dist/cli.js', 'check', 'examples/'], {
  cwd: root,
  stdio: 'inherit',
});

if (result.error) {
  console.error(`demo: cannot run dist/cli.js: ${result.error.message}`);
  process.exit(2);
}
const status = result.status ?? 2;
if (status === 1) {
  console.log('\nThe findings above are the point of the demo: examples/ has mistakes on purpose.');
}
process.exit(status === 0 || status === 1 ? 0 : status);
