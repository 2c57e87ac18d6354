// The firewall files of a git revision, for `pvefw diff HEAD~1 HEAD`: listed and read with git
// itself (no work tree is touched), and written into a fresh temporary folder so that a
// revision is read by exactly the code that reads a folder. A repository is hostile like any
// file: only the layout's own names are taken, each size-checked, never through a link.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { writeInside } from '../cluster/safe-files';
import { inputError } from './errors';

/** Proxmox's cluster filesystem holds no larger file; a bigger blob is not a firewall file. */
const MAX_BLOB_BYTES = 1024 * 1024;
const MAX_FILES = 20_000;
const GIT_TIMEOUT_MS = 60_000;

/** Paths below the cluster folder that make a cluster, in any layout pvefw reads. */
const LAYOUT =
  /^(?:(?:firewall\/)?[A-Za-z0-9_.-]+\.fw|nodes\/[A-Za-z0-9_.-]+\/host\.fw|sdn\/firewall\/[A-Za-z0-9_.-]+\.fw|(?:firewall\/)?topology\.json)$/;

/** Listings are small; blobs are read in one batch of at most this much. */
const MAX_LISTING_BYTES = (MAX_FILES + 16) * 4096;
const MAX_BATCH_BYTES = 64 * 1024 * 1024;

function git(
  repo: string,
  args: readonly string[],
  input?: Buffer,
  maxBuffer = MAX_LISTING_BYTES,
): Buffer {
  try {
    return execFileSync('git', ['-C', repo, ...args], {
      ...(input ? { input } : {}),
      maxBuffer,
      timeout: GIT_TIMEOUT_MS,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Never ask for a password or open an editor: this is a read.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw inputError('git is not installed (needed to read revisions)');
    const said = e.stderr?.toString('utf8').trim().split('\n')[0] ?? e.message;
    throw inputError(`git ${args[0] ?? ''}: ${said}`);
  }
}

/** The top folder of the repository holding `dir`. */
export function repositoryRoot(dir: string): string {
  return git(dir, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
}

/** Whether `name` names a commit of the repository (a branch, a tag, `HEAD~1`, a hash). */
export function isRevision(repo: string, name: string): boolean {
  if (name.startsWith('-') || [...name].some((c) => c.charCodeAt(0) < 0x20)) return false;
  try {
    execFileSync(
      'git',
      ['-C', repo, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${name}^{commit}`],
      { stdio: 'ignore', timeout: GIT_TIMEOUT_MS },
    );
    return true;
  } catch {
    return false;
  }
}

interface TreeEntry {
  readonly object: string;
  readonly size: number;
  /** Below the cluster folder. */
  readonly path: string;
}

/** The layout's files of `revision` below `prefix` (relative to the repository's top). */
function treeEntries(repo: string, revision: string, prefix: string): TreeEntry[] {
  const listing = git(repo, [
    'ls-tree',
    '-r',
    '-l',
    '-z',
    '--full-tree',
    '--end-of-options',
    `${revision}^{commit}`,
    ...(prefix ? ['--', prefix] : []),
  ]).toString('utf8');
  const entries: TreeEntry[] = [];
  for (const record of listing.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, object, size] = record.slice(0, tab).split(/ +/);
    const full = record.slice(tab + 1);
    // Regular files only: a link in a repository would read whatever it points at.
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) continue;
    const path = prefix ? full.slice(prefix.length + 1) : full;
    if (prefix && !full.startsWith(`${prefix}/`)) continue;
    if (!LAYOUT.test(path)) continue;
    const bytes = Number(size);
    if (!Number.isSafeInteger(bytes) || bytes > MAX_BLOB_BYTES)
      throw inputError(
        `${revision}:${full} is ${size} bytes, larger than any Proxmox file (1 MiB); not read`,
      );
    entries.push({ object: object!, size: bytes, path });
    if (entries.length > MAX_FILES)
      throw inputError(`${revision} holds more than ${MAX_FILES} firewall files; not read`);
  }
  return entries;
}

/** The blobs' contents, in one `git cat-file --batch` run. */
function readBlobs(repo: string, entries: readonly TreeEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  if (entries.length === 0) return out;
  const total = entries.reduce((sum, e) => sum + e.size + 128, 0);
  if (total > MAX_BATCH_BYTES)
    throw inputError(
      `the firewall files of this revision exceed ${MAX_BATCH_BYTES} bytes; not read`,
    );
  const input = Buffer.from(entries.map((e) => `${e.object}\n`).join(''));
  const raw = git(repo, ['cat-file', '--batch'], input, total + 4096);
  let at = 0;
  for (const entry of entries) {
    const eol = raw.indexOf(10, at);
    const header = raw.subarray(at, eol).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[0] !== entry.object || header[1] !== 'blob' || size !== entry.size)
      throw inputError(`git cat-file gave an unexpected answer for ${entry.path}`);
    out.set(entry.path, raw.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return out;
}

export interface RevisionFolder {
  /** A temporary folder holding the revision's firewall files in their layout. */
  readonly dir: string;
  readonly files: number;
  dispose(): void;
}

/**
 * Writes the firewall files of `revision` below `prefix` into a new temporary folder; the caller
 * reads it as any folder and disposes of it.
 */
export function revisionFolder(repo: string, revision: string, prefix: string): RevisionFolder {
  const entries = treeEntries(repo, revision, prefix);
  const texts = readBlobs(repo, entries);
  const dir = mkdtempSync(join(tmpdir(), 'pvefw-rev-'));
  try {
    for (const [path, text] of texts) writeInside(dir, path, text);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    files: texts.size,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `folder` relative to the repository's top, with `/`; refuses a folder outside it. */
export function prefixWithin(repo: string, folder: string): string {
  const inside = relative(resolve(repo), resolve(folder));
  if (inside.startsWith('..') || isAbsolute(inside))
    throw inputError(`${folder} is not inside the repository ${repo}`);
  return inside.split(/[\\/]/).filter(Boolean).join('/');
}
