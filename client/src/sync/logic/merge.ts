// What the editor says after a pull. A pull never overwrites edits that are not on the cluster
// yet: where the cluster changed a file you edited too, it merges the two against the last pull
// (server/src/cluster/pull.ts, core/merge), and what both changed differently is marked in the
// file, where the language server reports it as `merge-conflict`. The same pull is what a
// concurrent-change refusal's "Merge their changes…" runs. No VS Code API here: tested with
// node:test (test/client/).
import type { PullReport } from '../../../../server/src/cluster/pull';
import { conflictMarkerOf } from '../../../../server/src/core/syntax';
import type { Notice } from './cluster-notice';
import { shownText } from './shown-text';

export const OPEN_CONFLICT = 'Open the first conflict';

export type PullSummary = Pick<
  PullReport,
  'written' | 'deleted' | 'unchanged' | 'merged' | 'conflicts' | 'kept'
>;

function files(paths: readonly string[]): string {
  const shown = paths
    .slice(0, 3)
    .map((p) => shownText(p, 200))
    .join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}

/** The notice after a pull: counts, what was merged and kept, and the conflicts to resolve. */
export function pullNotice(report: PullSummary): Notice {
  const conflicted = report.conflicts.map((c) => c.file);
  const clean = report.merged.filter((f) => !conflicted.includes(f));
  const done = [
    ...(clean.length > 0
      ? [`merged the cluster's changes with your edits in ${files(clean)}`]
      : []),
    ...(report.kept.length > 0 ? [`kept your edits to ${files(report.kept)}`] : []),
  ];
  const head =
    `Pulled: ${report.written.length} files written, ${report.deleted.length} deleted, ` +
    `${report.unchanged.length} unchanged${done.length > 0 ? `; ${done.join('; ')}` : ''}.`;
  if (conflicted.length === 0) return { level: 'info', message: head, actions: [] };
  const count = report.conflicts.reduce((n, c) => n + c.conflicts.length, 0);
  return {
    level: 'warning',
    message:
      `${head} ${count} merge conflict${count === 1 ? '' : 's'} in ${files(conflicted)}: you and ` +
      `the cluster changed the same thing differently, and both versions are marked in the file ` +
      `(merge-conflict). Keep what you want, delete the marker lines, then push.`,
    actions: [OPEN_CONFLICT],
  };
}

/** The 0-based line of the first '<<<<<<< local' marker in `text`, or 0. */
export function firstConflictLine(text: string): number {
  const index = text.split('\n').findIndex((line) => conflictMarkerOf(line) === 'local');
  return Math.max(index, 0);
}
