// merge-conflict: the blocks `pvefw pull` writes where the workspace and the cluster changed the
// same thing (`<<<<<<< local` … `=======` … `>>>>>>> cluster`). One error per block, on its
// first line, saying what each side has; push refuses while any marker is left.
import type { FwConfig } from '../model';
import type { ConflictMarkerLine, FwLine } from '../syntax';
import type { Span } from '../text';
import type { Lint } from './lints';

const PUSH_REFUSES =
  'keep the lines you want, delete the three marker lines; push refuses while a marker is left';

function spanOf(line: FwLine): Span {
  return { start: line.line.start, end: line.line.start + line.line.content.length };
}

/** What one side has between two markers, in a few words. */
function describe(lines: readonly FwLine[]): string {
  const [head, ...rest] = lines.map((l) => l.line.content).filter((t) => t.trim() !== '');
  if (head === undefined) return 'nothing';
  const first = `'${head}'`;
  return rest.length === 0
    ? first
    : `${first} and ${rest.length} more line${rest.length > 1 ? 's' : ''}`;
}

export function mergeConflicts(config: FwConfig, out: Lint[]): void {
  const lines = config.tree.lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.kind !== 'conflict-marker') continue;
    if (line.marker !== 'local') {
      out.push({
        code: 'merge-conflict',
        message: `a merge-conflict marker without the '<<<<<<< local' line that opens its block; ${PUSH_REFUSES}`,
        span: spanOf(line),
        related: [],
      });
      continue;
    }
    let separator: ConflictMarkerLine | undefined;
    let end = i + 1;
    for (; end < lines.length; end++) {
      const next = lines[end]!;
      if (next.kind !== 'conflict-marker') continue;
      if (next.marker === 'separator' && !separator) separator = next;
      else break;
    }
    const close = lines[end];
    if (!separator || close?.kind !== 'conflict-marker' || close.marker !== 'cluster') {
      out.push({
        code: 'merge-conflict',
        message: `a merge-conflict block that is not '<<<<<<< local', '=======', '>>>>>>> cluster'; ${PUSH_REFUSES}`,
        span: spanOf(line),
        related: [],
      });
      continue;
    }
    const at = lines.indexOf(separator);
    out.push({
      code: 'merge-conflict',
      message: `merge conflict: the workspace has ${describe(lines.slice(i + 1, at))}, the cluster ${describe(lines.slice(at + 1, end))}; ${PUSH_REFUSES}`,
      span: spanOf(line),
      related: [
        { span: spanOf(separator), message: "the cluster's version follows" },
        { span: spanOf(close), message: 'end of the conflict' },
      ],
    });
    i = end;
  }
}
