// The editor's quick fixes for the command line's findings (SARIF `fixes`): the checked files and
// their cluster files as one workspace model, asked as the editor asks, finding by finding.
import {
  buildWorkspaceModel,
  clusterFileCandidates,
  codeActionsAt,
  fileKindFromPath,
  type Finding,
  type WorkspaceModel,
  type WorkspaceSource,
} from '../core';
import type { FileResult } from './format';
import type { SarifFix } from './sarif';

/**
 * Each fix is checked by checking the edited file again, which costs a parse of it: past this
 * many findings of one file, the rest are reported without fixes.
 */
export const FIXES_PER_FILE = 200;

export function quickFixes(
  results: readonly FileResult[],
  textOf: (path: string) => string | undefined,
): (path: string, finding: Finding) => SarifFix[] {
  let ws: WorkspaceModel | undefined;
  const asked = new Map<string, number>();
  const model = (): WorkspaceModel => {
    if (ws) return ws;
    const sources = new Map<string, WorkspaceSource>();
    const add = (path: string, text: string | undefined, clusterId?: string): void => {
      const kind = fileKindFromPath(path);
      if (!kind || text === undefined || sources.has(path)) return;
      sources.set(path, { id: path, path, kind, text, ...(clusterId ? { clusterId } : {}) });
    };
    for (const file of results) {
      if (file.kind === 'unknown') continue;
      const cluster =
        file.kind === 'cluster'
          ? undefined
          : clusterFileCandidates(file.path).find((c) => textOf(c) !== undefined);
      if (cluster) add(cluster, textOf(cluster));
      add(file.path, file.text, cluster);
    }
    // Cluster files first: the model loads each file against its cluster.
    const ordered = [...sources.values()].sort(
      (a, b) => Number(b.kind === 'cluster') - Number(a.kind === 'cluster'),
    );
    ws = buildWorkspaceModel(ordered);
    return ws;
  };
  return (path, finding) => {
    const count = (asked.get(path) ?? 0) + 1;
    asked.set(path, count);
    if (count > FIXES_PER_FILE) return [];
    const actions = codeActionsAt(model(), path, finding.span, [finding]);
    return actions
      .filter((a) => a.fixes === finding)
      .map((a) => ({
        description: a.title,
        edits: a.edits.map((e) => ({ path: e.fileId, span: e.span, newText: e.newText })),
      }));
  };
}
