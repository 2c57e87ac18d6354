// The workspace on disk, read and written as hostile: a cloned repository may hold symbolic
// links or named pipes where pvefw expects its files (issue 15). Every path written is first
// proven to lie inside the workspace folder, with no symbolic link on the way and nothing but
// folders above it; files are read only when they are regular files, without blocking.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ClusterError } from './errors';

/** Larger files are not firewall configurations or pvefw's own records. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Why `path` (below `root`) may not be written or removed, or undefined when it may. */
function unsafeReason(root: string, path: string): string | undefined {
  const absolute = resolve(root, path);
  const inside = relative(resolve(root), absolute);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
    return 'it is not inside the workspace';
  const parts = inside.split(/[\\/]/);
  for (let i = 1; i <= parts.length; i++) {
    const step = parts.slice(0, i).join('/');
    let stat;
    try {
      stat = lstatSync(join(root, step));
    } catch {
      return undefined; // nothing there yet: created below, as a plain folder or file
    }
    if (stat.isSymbolicLink()) return `${step} is a symbolic link`;
    if (i < parts.length && !stat.isDirectory()) return `${step} is not a folder`;
    if (i === parts.length && !stat.isFile())
      return `${step} is ${kindOf(stat)}, not a regular file`;
  }
  return undefined;
}

/** Throws unless every one of `paths` may be written (checked before anything is written). */
export function checkWritable(root: string, paths: Iterable<string>): void {
  for (const path of paths) {
    const reason = unsafeReason(root, path);
    if (reason)
      throw new ClusterError('config', `refusing to write ${path}: ${reason}; nothing was written`);
  }
}

/** Puts `text` into `path` below `root`, creating folders one by one, never through a link. */
function putInside(root: string, path: string, text: string, mode: 'replace' | 'append'): void {
  checkWritable(root, [path]);
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    try {
      mkdirSync(join(root, ...parts.slice(0, i)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const how = mode === 'append' ? constants.O_APPEND : constants.O_TRUNC;
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | how;
  const fd = openSync(join(root, path), flags, 0o644);
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Writes `text` to `path` below `root`. */
export function writeInside(root: string, path: string, text: string): void {
  putInside(root, path, text, 'replace');
}

/** Appends `text` to `path` below `root` (created if need be). */
export function appendInside(root: string, path: string, text: string): void {
  putInside(root, path, text, 'append');
}

export function removeInside(root: string, path: string): void {
  checkWritable(root, [path]);
  rmSync(join(root, path));
}

/** A file pvefw will not read, and why: "is a named pipe, not a regular file", …. */
export class NotReadable extends Error {
  constructor(readonly reason: string) {
    super(`it ${reason}`);
    this.name = 'NotReadable';
  }
}

/**
 * The text of a regular file, or undefined when there is none. Opened without blocking (a
 * named pipe would otherwise wait for a writer for ever) and not through a final symbolic link;
 * anything but a regular file of at most MAX_FILE_BYTES throws NotReadable saying what it is.
 */
export function readRegular(
  absolute: string,
  options: { followLinks?: boolean } = {},
): string | undefined {
  let fd: number;
  const noFollow = options.followLinks ? 0 : constants.O_NOFOLLOW;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK | noFollow);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new NotReadable('is a symbolic link');
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new NotReadable(`is ${kindOf(stat)}, not a regular file`);
    if (stat.size > MAX_FILE_BYTES)
      throw new NotReadable(`is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** A workspace file (`path` below `root`), with the same checks as a write; undefined if absent. */
export function readInside(root: string, path: string): string | undefined {
  const reason = unsafeReason(root, path);
  if (reason) throw new ClusterError('config', `refusing to read ${path}: ${reason}`);
  try {
    return readRegular(join(root, path));
  } catch (error) {
    throw new ClusterError('config', `refusing to read ${path}: ${(error as Error).message}`);
  }
}

/** What a file that is not a regular file is, in words. */
export function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'something else';
}
