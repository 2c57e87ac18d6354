// textDocument/documentHighlight: the name under the cursor and its other uses in this file.
import { DocumentHighlightKind } from 'vscode-languageserver/node';
import type { DocumentHighlight } from 'vscode-languageserver/node';
import { highlightsAt } from '../../core/index';
import { at, handler, rangeOf } from './context';
import type { FeatureContext } from './context';

export function registerHighlights(ctx: FeatureContext): void {
  ctx.connection.onDocumentHighlight(
    handler(
      ctx,
      'textDocument/documentHighlight',
      (): DocumentHighlight[] => [],
      (params) => {
        const found = at(ctx, params.textDocument.uri, params.position);
        if (!found) return [];
        const model = ctx.snapshots.model();
        return highlightsAt(model, found.located.file.id, found.offset).map((h) => ({
          range: rangeOf(found.located, h.span),
          kind: h.write ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
        }));
      },
    ),
  );
}
