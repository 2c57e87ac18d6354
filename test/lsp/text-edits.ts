// Text helpers for the editor-feature tests: a cursor marked in a text, and LSP edits applied.
import type { Position, TextEdit } from 'vscode-languageserver/node';
import { LineIndex } from '../../server/src/core';

/** Text with a `$0` cursor marker: the text without it and the cursor's position. */
export function marked(withCursor: string): { text: string; position: Position } {
  const offset = withCursor.indexOf('$0');
  if (offset === -1) throw new Error('no $0 marker');
  const text = withCursor.slice(0, offset) + withCursor.slice(offset + 2);
  return { text, position: new LineIndex(text).positionAt(offset) };
}

/** Applies LSP text edits (positions) to a text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits.map((e) => ({
    start: index.offsetAt(e.range.start),
    end: index.offsetAt(e.range.end),
    newText: e.newText,
  }));
  let result = text;
  for (const edit of spans.sort((a, b) => b.start - a.start))
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}
