// Go to definition: from a reference (or a definition) to every definition of that name.
import type { Span } from '../text';
import { symbolAt } from './resolve';
import type { WorkspaceModel } from './workspace-model';

/** A place in a file of the workspace model. */
export interface FileSpan {
  readonly fileId: string;
  readonly span: Span;
}

export function definitionAt(ws: WorkspaceModel, fileId: string, offset: number): FileSpan[] {
  const file = ws.file(fileId);
  const symbol = file && symbolAt(ws, file, offset);
  if (!symbol) return [];
  return symbol.target.defs.map((def) => ({ fileId: symbol.target.file.id, span: def.span }));
}
