import { readFileSync, statSync } from 'node:fs';
import type { SourceFile } from '../core';
import { fsReason, inputError } from './errors';

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
    let text: string;
    try {
      text = readFileSync(absolute, 'utf8');
    } catch (error) {
      throw inputError(`cannot read ${role}'${shown}': ${fsReason(error)}`);
    }
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
