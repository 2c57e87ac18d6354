// The simulator is Proxmox, not pvefw: nothing under test/sim, and nothing it imports (its
// fixtures in test/support included), may import pvefw's own code (server/src, client/src),
// directly or through another file. Otherwise the sync tests would compare pvefw with itself.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SIM = join(REPO_ROOT, 'test', 'sim');
const PRODUCT = [join(REPO_ROOT, 'server', 'src'), join(REPO_ROOT, 'client', 'src')];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative imports of a source file, resolved to .ts paths. */
function localImports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const target = resolve(dirname(file), specifier);
      return (
        [`${target}.ts`, join(target, 'index.ts'), target].find((p) => existsSync(p)) ?? target
      );
    });
}

test('nothing under test/sim reaches pvefw code, directly or through other files', () => {
  const roots = tsFiles(SIM);
  assert.ok(roots.length > 10, 'found the simulator sources');
  const problems: string[] = [];
  const seen = new Map<string, string[]>();
  const queue = roots.map((file) => ({ file, via: [file] }));
  while (queue.length > 0) {
    const { file, via } = queue.shift()!;
    if (seen.has(file)) continue;
    seen.set(file, via);
    if (PRODUCT.some((dir) => file === dir || file.startsWith(dir + sep))) {
      problems.push(via.map((f) => relative(REPO_ROOT, f)).join(' -> '));
      continue;
    }
    for (const target of localImports(file)) queue.push({ file: target, via: [...via, target] });
  }
  assert.deepEqual(problems, []);
});
