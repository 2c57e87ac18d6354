// What a folder holds, to prove that a refused pull or push left it exactly as it was.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Every entry below `root`: files with their text, folders, and links with their targets. */
export function treeOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (relative: string): void => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const stat = lstatSync(join(root, path));
      if (stat.isSymbolicLink()) out[path] = `link -> ${readlinkSync(join(root, path))}`;
      else if (stat.isDirectory()) {
        out[path] = 'folder';
        visit(path);
      } else out[path] = readFileSync(join(root, path), 'utf8');
    }
  };
  visit('');
  return out;
}
