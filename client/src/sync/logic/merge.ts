// Where the three-way merge plugs into the editor. The merge itself (the cluster's changes since
// the last pull merged into the workspace, list by list, with .pvefw/state.json as the base) is
// the sync core's part of issue 18 and comes from server/src/cluster: extension.ts hands it to
// registerSyncCommands, and from then on a concurrent-change refusal offers "Merge their
// changes…" (refusal.ts), which runs it through runMerge (sync-commands.ts) and says what
// happened with mergeNotice. No VS Code API here: tested with node:test (test/client/).
import type { PveClient } from '../../../../server/src/cluster/client';
import type { Notice } from './cluster-notice';
import { listInWords } from './refusal';
import { shownText } from './shown-text';

/** What a merge did: lists merged cleanly, and files where conflicts are now marked. */
export interface MergeReport {
  readonly merged: readonly string[];
  readonly conflicts: readonly string[];
}

export type MergeWorkspace = (
  root: string,
  client: PveClient,
  options: { readonly signal: AbortSignal; readonly nodes?: readonly string[] },
) => Promise<MergeReport>;

export function mergeNotice(report: MergeReport): Notice {
  const merged =
    report.merged.length > 0
      ? `Merged the cluster's changes to ${report.merged.map(listInWords).join(', ')}`
      : report.conflicts.length > 0
        ? 'No list merged cleanly'
        : "Nothing to merge: the workspace holds the cluster's changes already";
  if (report.conflicts.length === 0)
    return { level: 'info', message: `${merged}; push when ready.`, actions: [] };
  const files = report.conflicts.map((f) => shownText(f, 200)).join(', ');
  return {
    level: 'warning',
    message: `${merged}. Conflicts are marked in ${files}: resolve them, then push.`,
    actions: ['Open the first conflict'],
  };
}
