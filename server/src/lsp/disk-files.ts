// `.fw` files (and topology.json) on disk under the workspace folders: scanned at start, kept current from
// `workspace/didChangeWatchedFiles`. Only used when somebody reports changes; otherwise every
// read goes to the disk (see WorkspaceState.snapshot), which can never be stale.
import { promises as fs, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileChangeType } from 'vscode-languageserver/node';
import type { FileEvent } from 'vscode-languageserver/node';
import type { Logger } from './guard';
import { fileKey, fsPathOf, isInside } from './uris';
import type { FileKey } from './uris';
import type { DiskFallback, WorkspaceState } from './workspace-state';

/** Bigger files are not firewall configurations; leave them alone. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_SCANNED_FILES = 20_000;
const MAX_DEPTH = 16;
const SKIPPED_FOLDERS = new Set(['node_modules']);

/** The files the server reads: firewall files, and the topology.json the analysis needs. */
function isFwFile(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('.fw') || lower.endsWith('/topology.json') || lower === 'topology.json';
}

function readSmallFileSync(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function readSmallFile(path: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    return await fs.readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export class DiskFiles implements DiskFallback {
  private readonly folders = new Set<FileKey>();
  /** Per file, the number of the latest read or delete; an older read that finishes late loses. */
  private readonly latest = new Map<FileKey, number>();
  private counter = 0;

  /** @param watching true when the client reports file changes (else nothing is cached). */
  constructor(
    private readonly log: Logger,
    private readonly watching: boolean,
  ) {}

  read(key: FileKey): string | undefined {
    const path = fsPathOf(key);
    return path === undefined ? undefined : readSmallFileSync(path);
  }

  isWatched(key: FileKey): boolean {
    if (!this.watching) return false;
    for (const folder of this.folders) if (isInside(key, folder)) return true;
    return false;
  }

  /** Adds a workspace folder and reads every `.fw` file under it. */
  async addFolder(state: WorkspaceState, folderUri: string): Promise<void> {
    const folder = fileKey(folderUri);
    const root = fsPathOf(folder);
    if (root === undefined || this.folders.has(folder)) return;
    this.folders.add(folder);
    if (!this.watching) return;
    const files = await this.findFwFiles(root);
    await Promise.all(files.map((path) => this.refresh(state, pathToFileURL(path).href)));
    const topologies = files.filter((f) => !f.toLowerCase().endsWith('.fw')).length;
    const also = topologies > 0 ? ` and ${topologies} topology.json` : '';
    this.log.info(`pvefw: read ${files.length - topologies} .fw file(s)${also} under ${root}`);
  }

  removeFolder(state: WorkspaceState, folderUri: string): void {
    const folder = fileKey(folderUri);
    this.folders.delete(folder);
    for (const key of state.diskKeys()) {
      if (isInside(key, folder) && !this.isWatched(key)) this.forget(state, key);
    }
  }

  /** Applies `workspace/didChangeWatchedFiles` events. */
  async applyEvents(state: WorkspaceState, events: readonly FileEvent[]): Promise<void> {
    const reads: Promise<void>[] = [];
    for (const event of events) {
      const key = fileKey(event.uri);
      if (event.type === FileChangeType.Deleted) {
        // A deleted folder takes its files with it.
        for (const known of state.diskKeys()) if (isInside(known, key)) this.forget(state, known);
        if (isFwFile(key)) this.forget(state, key);
      } else if (isFwFile(key) && this.isWatched(key)) {
        reads.push(this.refresh(state, key));
      }
    }
    await Promise.all(reads);
  }

  private forget(state: WorkspaceState, key: FileKey): void {
    this.latest.set(key, ++this.counter);
    state.setDiskText(key, undefined);
  }

  private async refresh(state: WorkspaceState, uri: string): Promise<void> {
    const key = fileKey(uri);
    const path = fsPathOf(key);
    if (path === undefined) return;
    const ticket = ++this.counter;
    this.latest.set(key, ticket);
    const text = await readSmallFile(path);
    if (this.latest.get(key) === ticket) state.setDiskText(key, text);
  }

  private async findFwFiles(root: string): Promise<string[]> {
    const found: string[] = [];
    const queue: { path: string; depth: number }[] = [{ path: root, depth: 0 }];
    while (queue.length > 0 && found.length < MAX_SCANNED_FILES) {
      const { path, depth } = queue.shift()!;
      let entries;
      try {
        entries = await fs.readdir(path, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        const child = join(path, entry.name);
        if (entry.isDirectory()) {
          if (
            depth < MAX_DEPTH &&
            !entry.name.startsWith('.') &&
            !SKIPPED_FOLDERS.has(entry.name)
          ) {
            queue.push({ path: child, depth: depth + 1 });
          }
        } else if (entry.isFile() && isFwFile(entry.name) && found.length < MAX_SCANNED_FILES) {
          found.push(child);
        }
      }
    }
    return found;
  }
}
