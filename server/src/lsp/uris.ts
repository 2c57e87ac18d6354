// URIs at the edge, keys inside: every file the server knows is keyed by a canonical URI string,
// so `file:///c%3A/x` and `file:///c:/x` (or two spellings of the same escape) are one file.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { clusterFileCandidates, fileKindFromPath } from '../core/index';
import type { FileKind } from '../core/index';

/** A canonical URI string; compare keys, never raw URIs. */
export type FileKey = string;

export function fileKey(uri: string): FileKey {
  try {
    const url = new URL(uri);
    if (url.protocol === 'file:') return pathToFileURL(fileURLToPath(url)).href;
    return url.href;
  } catch {
    return uri;
  }
}

/** The file-system path of a `file:` key, else undefined. */
export function fsPathOf(key: FileKey): string | undefined {
  try {
    const url = new URL(key);
    return url.protocol === 'file:' ? fileURLToPath(url) : undefined;
  } catch {
    return undefined;
  }
}

/** The path the core sees: the file-system path for `file:`, else the URI's decoded path. */
export function corePathOf(key: FileKey): string {
  const fsPath = fsPathOf(key);
  if (fsPath !== undefined) return fsPath;
  try {
    return decodeURIComponent(new URL(key).pathname);
  } catch {
    return key;
  }
}

export function fileKindOf(key: FileKey): FileKind | undefined {
  return fileKindFromPath(corePathOf(key));
}

/** The base name of a key, for log messages. */
export function displayName(key: FileKey): string {
  const path = corePathOf(key).replace(/\\/g, '/');
  return path.slice(path.lastIndexOf('/') + 1) || key;
}

/** The key of a path the core reported, in the same scheme and authority as `near`. */
export function keyForCorePath(path: string, near: FileKey): FileKey | undefined {
  try {
    const url = new URL(near);
    if (url.protocol === 'file:') return pathToFileURL(path).href;
    url.pathname = path.replace(/\\/g, '/');
    url.search = '';
    url.hash = '';
    return fileKey(url.href);
  } catch {
    return undefined;
  }
}

/**
 * Where a host, guest or vnet file may find its cluster.fw, as keys, in the core's order.
 * Candidates that would not be read as a cluster file (e.g. `sdn/firewall/cluster.fw`, a vnet)
 * are left out.
 */
export function clusterCandidateKeys(key: FileKey): FileKey[] {
  const keys: FileKey[] = [];
  for (const path of clusterFileCandidates(corePathOf(key))) {
    if (fileKindFromPath(path) !== 'cluster') continue;
    const candidate = keyForCorePath(path, key);
    if (candidate !== undefined && candidate !== key) keys.push(candidate);
  }
  return keys;
}

/** True when `key` lies inside the folder `folderKey` (both canonical). */
export function isInside(key: FileKey, folderKey: FileKey): boolean {
  const folder = folderKey.endsWith('/') ? folderKey : folderKey + '/';
  return key.startsWith(folder);
}
