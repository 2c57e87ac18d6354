import { isAbsolute, relative } from 'node:path';

/** A path relative to the working folder when it lies below it, else absolute. */
export function shownPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}
