import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { fsReason, inputError } from './errors';

/** A file to check: the path as the user should see it, and where it is. */
export interface FoundFile {
  /** As given on the command line, or joined onto the folder that was given. */
  readonly path: string;
  readonly absolute: string;
}

/**
 * Expands the PATH arguments: a file stands for itself (whatever its name); a folder for every
 * `*.fw` below it, recursively, sorted, skipping `node_modules`, dot-folders and symbolic links
 * to folders (/etc/pve links `local` to the node's own folder). A file named twice is kept once.
 * Throws an input CliError for a missing or unreadable path, or a folder without `.fw` files.
 */
export function discoverFiles(paths: readonly string[], cwd: string): FoundFile[] {
  const found: FoundFile[] = [];
  const seen = new Set<string>();
  const add = (file: FoundFile): void => {
    if (seen.has(file.absolute)) return;
    seen.add(file.absolute);
    found.push(file);
  };

  for (const given of paths) {
    const absolute = resolve(cwd, given);
    const stats = statOrThrow(absolute, given);
    if (!stats.isDirectory()) {
      add({ path: given, absolute });
      continue;
    }
    const below = walk(absolute, given).sort(compareCodeUnits);
    if (below.length === 0) throw inputError(`no .fw files under '${given}'`);
    for (const relative of below) {
      add({ path: join(given, relative), absolute: join(absolute, relative) });
    }
  }
  return found;
}

function statOrThrow(absolute: string, shown: string): Stats {
  try {
    return statSync(absolute);
  } catch (error) {
    throw inputError(`cannot read '${shown}': ${fsReason(error)}`);
  }
}

/** Paths of the `.fw` files below `root`, relative to it. */
function walk(root: string, shown: string): string[] {
  const result: string[] = [];
  const visit = (relative: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, relative), { withFileTypes: true });
    } catch (error) {
      throw inputError(`cannot read folder '${join(shown, relative)}': ${fsReason(error)}`);
    }
    for (const entry of entries) {
      const child = relative === '' ? entry.name : join(relative, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
        visit(child);
      } else if (entry.name.endsWith('.fw') && isFileOrLinkToFile(entry, join(root, child))) {
        result.push(child);
      }
    }
  };
  visit('');
  return result;
}

function isFileOrLinkToFile(entry: Dirent, absolute: string): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(absolute).isFile();
  } catch {
    return false; // a dangling link is not a file to check
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
