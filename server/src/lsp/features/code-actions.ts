// textDocument/codeAction: the core's fixes for the findings under the cursor, paired with the
// editor's diagnostics. VS Code cannot change line ends through a text edit (it keeps a
// document's EOL), so a client that says it has a command for that gets the command instead.
import { CodeActionKind } from 'vscode-languageserver/node';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { codeActionsAt } from '../../core/index';
import type { CodeActionEntry, Finding } from '../../core/index';
import { fileKey } from '../uris';
import { handler, locate, rangeOf, spanOf } from './context';
import type { FeatureContext } from './context';

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

function toAction(
  ctx: FeatureContext,
  uri: string,
  entry: CodeActionEntry,
  diagnostics: readonly Diagnostic[],
): CodeAction {
  const action: CodeAction = { title: entry.title, kind: CodeActionKind.QuickFix };
  if (entry.preferred) action.isPreferred = true;
  const fixes = entry.fixes;
  if (fixes) {
    const located = locate(ctx, uri);
    const range = located && rangeOf(located, fixes.span);
    const matching = diagnostics.filter(
      (d) => d.code === fixes.code && range && sameRange(d.range, range),
    );
    if (matching.length > 0) action.diagnostics = matching;
  }
  if (fixes?.code === 'crlf-line-endings' && ctx.settings.lineEndsCommand) {
    action.command = {
      title: entry.title,
      command: ctx.settings.lineEndsCommand,
      arguments: [uri],
    };
    return action;
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of entry.edits) {
    const located = ctx.snapshots.locate(edit.fileId);
    if (located)
      (changes[located.uri] ??= []).push({
        range: rangeOf(located, edit.span),
        newText: edit.newText,
      });
  }
  action.edit = { changes };
  return action;
}

export function registerCodeActions(
  ctx: FeatureContext,
  findingsOf: (key: string) => readonly Finding[],
): void {
  ctx.connection.onCodeAction(
    handler(
      ctx,
      'textDocument/codeAction',
      (): CodeAction[] => [],
      (params) => {
        const { only } = params.context;
        if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
        const located = locate(ctx, params.textDocument.uri);
        if (!located) return [];
        const findings = findingsOf(fileKey(params.textDocument.uri));
        const entries = codeActionsAt(
          ctx.snapshots.model(),
          located.file.id,
          spanOf(located, params.range),
          findings,
        );
        return entries.map((entry) =>
          toAction(ctx, params.textDocument.uri, entry, params.context.diagnostics),
        );
      },
    ),
  );
}
