// Small helpers for edits on one text: apply them, follow an offset through them, and the span
// of a whole line with its line break (to delete or move a line).
import type { FwLine } from '../syntax';
import type { Span } from '../text';
import type { TextEdit } from './format';

/** Applies non-overlapping edits. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start))
    result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
  return result;
}

/**
 * Where `offset` ends up after the edits: text inserted at it pushes it on, an offset inside a
 * replaced span goes to the replacement's start.
 */
export function mapOffset(offset: number, edits: readonly TextEdit[]): number {
  let shift = 0;
  for (const edit of [...edits].sort((a, b) => a.span.start - b.span.start)) {
    if (edit.span.end <= offset) shift += edit.newText.length - (edit.span.end - edit.span.start);
    else if (edit.span.start < offset) return edit.span.start + shift;
  }
  return offset + shift;
}

/** The whole physical line and the "\n" after it (or before it, for a last line without one). */
export function lineWithBreak(text: string, line: FwLine): Span {
  const { full } = line.line;
  if (full.end < text.length) return { start: full.start, end: full.end + 1 };
  return { start: Math.max(0, full.start - 1), end: full.end };
}

/** The text of a whole line, ending with exactly one "\n". */
export function lineText(text: string, line: FwLine): string {
  return `${text.slice(line.line.full.start, line.line.full.end)}\n`;
}
