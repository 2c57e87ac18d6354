// textDocument/foldingRange: sections and runs of comment lines.
import { FoldingRangeKind } from 'vscode-languageserver/node';
import type { FoldingRange } from 'vscode-languageserver/node';
import { foldingSpans } from '../../core/index';
import { handler, locate } from './context';
import type { FeatureContext } from './context';

export function registerFolding(ctx: FeatureContext): void {
  ctx.connection.onFoldingRanges(
    handler(
      ctx,
      'textDocument/foldingRange',
      (): FoldingRange[] => [],
      (params) => {
        const located = locate(ctx, params.textDocument.uri);
        if (!located) return [];
        return foldingSpans(located.file.parsed.tree).map(({ span, kind }) => ({
          startLine: located.index.positionAt(span.start).line,
          endLine: located.index.positionAt(span.end).line,
          kind: kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region,
        }));
      },
    ),
  );
}
