import { isAbsolute, relative, resolve } from 'node:path';
import { clusterFileCandidates, type FileKind, type SourceFile } from '../core';
import type { SourceReader } from './sources';

/** A file's text and the absolute path it was read from. */
export type LocatedSource = SourceFile & { readonly absolute: string };

/**
 * The cluster.fw a host, guest or vnet file is checked against: the `--cluster` file when given,
 * else the first existing of `clusterFileCandidates` (the same folder, then
 * `firewall/cluster.fw` two levels up). A cluster file is checked on its own: undefined.
 */
export function clusterFor(
  file: { readonly absolute: string; readonly kind: FileKind },
  explicit: LocatedSource | undefined,
  reader: SourceReader,
  cwd: string,
): LocatedSource | undefined {
  if (file.kind === 'cluster') return undefined;
  if (explicit) return explicit;
  for (const candidate of clusterFileCandidates(file.absolute)) {
    const absolute = resolve(cwd, candidate);
    if (reader.isFile(absolute)) {
      return { ...reader.read(absolute, shownPath(absolute, cwd), 'cluster file '), absolute };
    }
  }
  return undefined;
}

/** A path relative to the working folder when it lies below it, else absolute. */
export function shownPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}
