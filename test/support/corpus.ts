import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * ../shared/corpus beside the repository (or $PVEFW_SHARED_CORPUS, which `npm run mutate` sets for
 * its sandbox), or undefined in a clone without it.
 */
export function sharedCorpusDir(): string | undefined {
  const dir =
    process.env.PVEFW_SHARED_CORPUS ??
    resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
  return existsSync(dir) ? dir : undefined;
}

export function listDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function fwFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.fw'))
    .sort()
    .map((n) => join(dir, n));
}
