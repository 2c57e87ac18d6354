// textDocument/references: every reference in the workspace that means the same definition.
import type { Location } from 'vscode-languageserver/node';
import { referencesAt } from '../../core/index';
import { at, handler } from './context';
import type { FeatureContext } from './context';
import { locations } from './definition';

export function registerReferences(ctx: FeatureContext): void {
  ctx.connection.onReferences(
    handler(
      ctx,
      'textDocument/references',
      (): Location[] => [],
      (params) => {
        const found = at(ctx, params.textDocument.uri, params.position);
        if (!found) return [];
        const model = ctx.snapshots.model();
        const { includeDeclaration } = params.context;
        return locations(
          ctx,
          referencesAt(model, found.located.file.id, found.offset, includeDeclaration),
        );
      },
    ),
  );
}
