// textDocument/hover over the core's hoverAt. Other parts of the server (the reachability
// analysis) add sections by passing HoverSectionProviders.
import { MarkupKind } from 'vscode-languageserver/node';
import type { Hover } from 'vscode-languageserver/node';
import { hoverAt } from '../../core/index';
import type { HoverSectionProvider } from '../../core/index';
import { at, handler, rangeOf } from './context';
import type { FeatureContext } from './context';

export function registerHover(
  ctx: FeatureContext,
  providers: readonly HoverSectionProvider[] = [],
): void {
  ctx.connection.onHover(
    handler(
      ctx,
      'textDocument/hover',
      (): Hover | null => null,
      (params) => {
        const found = at(ctx, params.textDocument.uri, params.position);
        if (!found) return null;
        const model = ctx.snapshots.model();
        const result = hoverAt(model, found.located.file.id, found.offset, providers);
        if (!result) return null;
        return {
          contents: { kind: MarkupKind.Markdown, value: result.sections.join('\n\n---\n\n') },
          range: rangeOf(found.located, result.span),
        };
      },
    ),
  );
}
