// Document highlights: the name under the cursor, its definitions (written) and its uses (read)
// in the same file.
import type { Span } from '../text';
import { referencesTo, symbolAt } from './resolve';
import type { WorkspaceModel } from './workspace-model';

export interface Highlight {
  readonly span: Span;
  readonly write: boolean;
}

export function highlightsAt(ws: WorkspaceModel, fileId: string, offset: number): Highlight[] {
  const file = ws.file(fileId);
  const symbol = file && symbolAt(ws, file, offset);
  if (!file || !symbol) return [];
  const { target } = symbol;
  const found: Highlight[] =
    target.file.id === fileId ? target.defs.map((def) => ({ span: def.span, write: true })) : [];
  for (const hit of referencesTo(ws, target, [file]))
    found.push({ span: hit.ref.span, write: false });
  return found.sort((a, b) => a.span.start - b.span.start);
}
