// textDocument/documentSymbol (the outline) and workspace/symbol (ipsets, aliases, groups).
import { SymbolKind } from 'vscode-languageserver/node';
import type { DocumentSymbol, WorkspaceSymbol } from 'vscode-languageserver/node';
import { documentSymbols, workspaceSymbols } from '../../core/index';
import type { OutlineKind, OutlineSymbol } from '../../core/index';
import type { LocatedFile } from '../snapshot';
import { handler, locate, locationOf, rangeOf } from './context';
import type { FeatureContext } from './context';

const KIND: Record<OutlineKind, SymbolKind> = {
  section: SymbolKind.Namespace,
  option: SymbolKind.Property,
  alias: SymbolKind.Constant,
  ipset: SymbolKind.Array,
  group: SymbolKind.Class,
  rule: SymbolKind.Event,
};

function toSymbol(located: LocatedFile, symbol: OutlineSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    ...(symbol.detail !== undefined ? { detail: symbol.detail } : {}),
    kind: KIND[symbol.kind],
    range: rangeOf(located, symbol.span),
    selectionRange: rangeOf(located, symbol.selection),
    children: symbol.children.map((child) => toSymbol(located, child)),
  };
}

export function registerSymbols(ctx: FeatureContext): void {
  ctx.connection.onDocumentSymbol(
    handler(
      ctx,
      'textDocument/documentSymbol',
      (): DocumentSymbol[] => [],
      (params) => {
        const located = locate(ctx, params.textDocument.uri);
        if (!located) return [];
        return documentSymbols(located.file.parsed).map((symbol) => toSymbol(located, symbol));
      },
    ),
  );
  ctx.connection.onWorkspaceSymbol(
    handler(
      ctx,
      'workspace/symbol',
      (): WorkspaceSymbol[] => [],
      (params) =>
        workspaceSymbols(ctx.snapshots.model(), params.query).flatMap((symbol) => {
          const location = locationOf(ctx, symbol);
          if (!location) return [];
          const kind =
            symbol.kind === 'group'
              ? SymbolKind.Class
              : symbol.kind === 'ipset'
                ? SymbolKind.Array
                : SymbolKind.Constant;
          return [{ name: symbol.name, kind, location, containerName: symbol.container }];
        }),
    ),
  );
}
