// textDocument/formatting and rangeFormatting: spacing only, never meaning (see core format.ts).
import type { TextEdit } from 'vscode-languageserver/node';
import { formatEdits } from '../../core/index';
import { handler, locate, rangeOf, spanOf } from './context';
import type { FeatureContext } from './context';

export function registerFormatting(ctx: FeatureContext): void {
  const format = (uri: string, range?: Parameters<typeof spanOf>[1]): TextEdit[] => {
    const located = locate(ctx, uri);
    if (!located) return [];
    const span = range && spanOf(located, range);
    return formatEdits(located.file.parsed, span).map((edit) => ({
      range: rangeOf(located, edit.span),
      newText: edit.newText,
    }));
  };
  ctx.connection.onDocumentFormatting(
    handler(
      ctx,
      'textDocument/formatting',
      (): TextEdit[] => [],
      (params) => format(params.textDocument.uri),
    ),
  );
  ctx.connection.onDocumentRangeFormatting(
    handler(
      ctx,
      'textDocument/rangeFormatting',
      (): TextEdit[] => [],
      (params) => format(params.textDocument.uri, params.range),
    ),
  );
}
