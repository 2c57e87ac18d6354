// textDocument/definition: from a reference (or a definition) to its definitions.
import type { Location } from 'vscode-languageserver/node';
import { definitionAt } from '../../core/index';
import type { FileSpan } from '../../core/index';
import { at, handler, locationOf } from './context';
import type { FeatureContext } from './context';

export function locations(ctx: FeatureContext, places: readonly FileSpan[]): Location[] {
  return places.flatMap((place) => locationOf(ctx, place) ?? []);
}

export function registerDefinition(ctx: FeatureContext): void {
  ctx.connection.onDefinition(
    handler(
      ctx,
      'textDocument/definition',
      (): Location[] => [],
      (params) => {
        const found = at(ctx, params.textDocument.uri, params.position);
        if (!found) return [];
        const model = ctx.snapshots.model();
        return locations(ctx, definitionAt(model, found.located.file.id, found.offset));
      },
    ),
  );
}
