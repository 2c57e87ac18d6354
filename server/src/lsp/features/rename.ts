// textDocument/prepareRename and textDocument/rename. A refusal is a ResponseError, so the
// editor shows the reason (an invalid name, a collision) instead of silently doing nothing.
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { PrepareRenameResult, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { prepareRenameAt, renameAt } from '../../core/index';
import { at, handler, rangeOf } from './context';
import type { FeatureContext } from './context';

export function registerRename(ctx: FeatureContext): void {
  ctx.connection.onPrepareRename(
    handler(
      ctx,
      'textDocument/prepareRename',
      (): PrepareRenameResult | ResponseError<void> | null => null,
      (params) => {
        const found = at(ctx, params.textDocument.uri, params.position);
        if (!found) return null;
        const model = ctx.snapshots.model();
        const result = prepareRenameAt(model, found.located.file.id, found.offset);
        if (!result) return null;
        if ('error' in result) return new ResponseError(ErrorCodes.InvalidRequest, result.error);
        return { range: rangeOf(found.located, result.span), placeholder: result.placeholder };
      },
    ),
  );
  ctx.connection.onRenameRequest(
    handler(
      ctx,
      'textDocument/rename',
      (): WorkspaceEdit | ResponseError<void> | null => null,
      (params) => {
        const found = at(ctx, params.textDocument.uri, params.position);
        if (!found) return null;
        const model = ctx.snapshots.model();
        const result = renameAt(model, found.located.file.id, found.offset, params.newName);
        if ('error' in result) return new ResponseError(ErrorCodes.InvalidRequest, result.error);
        const changes: Record<string, TextEdit[]> = {};
        for (const edit of result.edits) {
          const located = ctx.snapshots.locate(edit.fileId);
          if (!located) continue;
          (changes[located.uri] ??= []).push({
            range: rangeOf(located, edit.span),
            newText: edit.newText,
          });
        }
        return { changes };
      },
    ),
  );
}
