// Find references: every reference across the workspace that resolves to the same definition.
import type { FileSpan } from './definition';
import { referencesTo, symbolAt } from './resolve';
import type { WorkspaceModel } from './workspace-model';

export function referencesAt(
  ws: WorkspaceModel,
  fileId: string,
  offset: number,
  includeDeclaration: boolean,
): FileSpan[] {
  const file = ws.file(fileId);
  const symbol = file && symbolAt(ws, file, offset);
  if (!symbol) return [];
  const { target } = symbol;
  const found: FileSpan[] = includeDeclaration
    ? target.defs.map((def) => ({ fileId: target.file.id, span: def.span }))
    : [];
  for (const hit of referencesTo(ws, target))
    found.push({ fileId: hit.file.id, span: hit.ref.span });
  return found;
}
