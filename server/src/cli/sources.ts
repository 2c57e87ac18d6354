import { statSync } from 'node:fs';
import { NotReadable, readRegular } from '../cluster/safe-files';
import type { SourceFile } from '../core';
import { fsReason, inputError } from './errors';

/**
 * The text of a file the user named (or one found beside it), read only when it is a regular
 * file and without blocking: a named pipe or a device is refused, not read (issue 15). Throws an
 * input CliError that says what is wrong.
 */
export function readInputFile(absolute: string, shown: string, role = ''): string {
  let text: string | undefined;
  try {
    text = readRegular(absolute, { followLinks: true });
  } catch (error) {
    if (error instanceof NotReadable)
      throw inputError(`${role}'${shown}' ${error.reason}; pvefw reads regular files only`);
    throw inputError(`cannot read ${role}'${shown}': ${fsReason(error)}`);
  }
  if (text === undefined)
    throw inputError(`cannot read ${role}'${shown}': no such file or directory`);
  return text;
}

/**
 * Reads firewall files once each: a cluster.fw shared by many guests, or both checked and used as
 * the cluster file, is read a single time and every use sees the same text.
 */
export class SourceReader {
  private readonly cache = new Map<string, SourceFile>();

  /** The text of `absolute`, reported as `shown`; throws an input CliError when unreadable. */
  read(absolute: string, shown: string, role = ''): SourceFile {
    const cached = this.cache.get(absolute);
    if (cached) return cached;
    const text = readInputFile(absolute, shown, role);
    const source: SourceFile = { path: shown, text };
    this.cache.set(absolute, source);
    return source;
  }

  /** True when `absolute` names an existing file (or a link to one). */
  isFile(absolute: string): boolean {
    try {
      return statSync(absolute).isFile();
    } catch {
      return false;
    }
  }
}
