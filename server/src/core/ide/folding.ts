// Folding: each section from its header to its last non-blank line, and runs of comment lines.
import type { Span } from '../text';
import type { FwSyntaxTree } from '../syntax';

export interface FoldingSpan {
  /** From the first folded line's start to the last folded line's start. */
  readonly span: Span;
  readonly kind: 'region' | 'comment';
}

export function foldingSpans(tree: FwSyntaxTree): FoldingSpan[] {
  const folds: FoldingSpan[] = [];
  let section: { start: number; last: number } | undefined;
  let comments: { start: number; last: number; count: number } | undefined;
  const closeSection = (): void => {
    if (section && section.last > section.start)
      folds.push({ span: { start: section.start, end: section.last }, kind: 'region' });
    section = undefined;
  };
  const closeComments = (): void => {
    if (comments && comments.count > 1)
      folds.push({ span: { start: comments.start, end: comments.last }, kind: 'comment' });
    comments = undefined;
  };
  for (const line of tree.lines) {
    const start = line.line.full.start;
    if (line.kind === 'comment') {
      if (comments) {
        comments.last = start;
        comments.count++;
      } else comments = { start, last: start, count: 1 };
    } else closeComments();
    if (line.kind === 'header') {
      closeSection();
      section = { start, last: start };
    } else if (section && line.kind !== 'blank') section.last = start;
  }
  closeComments();
  closeSection();
  return folds.sort((a, b) => a.span.start - b.span.start);
}
