// Workspaces for the editor-query tests, written as data: file paths to texts, one of which may
// hold a `$0` cursor marker. Paths follow /etc/pve, so kinds and cluster.fw lookup are real.
import {
  applyEdits,
  buildWorkspaceModel,
  clusterFileCandidates,
  fileKindFromPath,
  type FileEdit,
  type WorkspaceModel,
} from '../../../server/src/core';

export interface Fixture {
  readonly ws: WorkspaceModel;
  /** The file with the `$0` marker and the marker's offset (the first file when none). */
  readonly fileId: string;
  readonly offset: number;
  readonly texts: Readonly<Record<string, string>>;
}

export function fixture(files: Readonly<Record<string, string>>): Fixture {
  const texts: Record<string, string> = {};
  let fileId = Object.keys(files)[0]!;
  let offset = 0;
  for (const [path, text] of Object.entries(files)) {
    const at = text.indexOf('$0');
    if (at !== -1) {
      fileId = path;
      offset = at;
    }
    texts[path] = at === -1 ? text : text.slice(0, at) + text.slice(at + 2);
  }
  const sources = Object.entries(texts).map(([path, text]) => {
    const kind = fileKindFromPath(path);
    if (!kind) throw new Error(`${path} is not a firewall file path`);
    const clusterId = clusterFileCandidates(path).find(
      (c) => c !== path && c in texts && fileKindFromPath(c) === 'cluster',
    );
    return { id: path, path, kind, text, ...(clusterId ? { clusterId } : {}) };
  });
  return { ws: buildWorkspaceModel(sources), fileId, offset, texts };
}

/** The texts after applying edits that may span several files. */
export function applyFileEdits(
  texts: Readonly<Record<string, string>>,
  edits: readonly FileEdit[],
): Record<string, string> {
  const out: Record<string, string> = { ...texts };
  for (const id of new Set(edits.map((e) => e.fileId)))
    out[id] = applyEdits(
      out[id]!,
      edits.filter((e) => e.fileId === id),
    );
  return out;
}

/** `path:line` (1-based) of an offset, for readable expectations. */
export function where(
  texts: Readonly<Record<string, string>>,
  fileId: string,
  offset: number,
): string {
  return `${fileId}:${texts[fileId]!.slice(0, offset).split('\n').length}`;
}
