// textDocument/completion over the core's completionsAt.
import { CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver/node';
import type { CompletionItem, CompletionList, Range } from 'vscode-languageserver/node';
import { completionsAt } from '../../core/index';
import type { CompletionEntry, CompletionKind } from '../../core/index';
import { at, handler, rangeOf } from './context';
import type { FeatureContext } from './context';

/** After a blank the next token starts; the others begin a value, a scope or a list item. */
export const COMPLETION_TRIGGERS = [' ', '-', '+', '/', '(', ',', '[', '!', ':', '|'];

const KIND: Record<CompletionKind, CompletionItemKind> = {
  section: CompletionItemKind.Module,
  option: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  direction: CompletionItemKind.Keyword,
  action: CompletionItemKind.EnumMember,
  macro: CompletionItemKind.Snippet,
  group: CompletionItemKind.Class,
  ipset: CompletionItemKind.Struct,
  alias: CompletionItemKind.Variable,
  flag: CompletionItemKind.Field,
  protocol: CompletionItemKind.Constant,
  service: CompletionItemKind.Constant,
  'icmp-type': CompletionItemKind.Constant,
  'log-level': CompletionItemKind.EnumMember,
  interface: CompletionItemKind.Interface,
};

function toItem(ctx: FeatureContext, entry: CompletionEntry, range: Range): CompletionItem {
  const item: CompletionItem = {
    label: entry.label,
    kind: KIND[entry.kind],
    textEdit: { range, newText: entry.insertText ?? entry.label },
    filterText: entry.label,
  };
  if (entry.detail !== undefined) item.detail = entry.detail;
  if (entry.documentation !== undefined)
    item.documentation = { kind: MarkupKind.Markdown, value: entry.documentation };
  if (entry.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
  if (entry.sortText !== undefined) item.sortText = entry.sortText;
  if (entry.retrigger && ctx.settings.retriggerSuggest)
    item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
  return item;
}

export function registerCompletion(ctx: FeatureContext): void {
  ctx.connection.onCompletion(
    handler(
      ctx,
      'textDocument/completion',
      (): CompletionList | null => null,
      (params) => {
        const found = at(ctx, params.textDocument.uri, params.position);
        if (!found) return null;
        const list = completionsAt(ctx.snapshots.model(), found.located.file.id, found.offset);
        if (!list) return null;
        const range = rangeOf(found.located, list.span);
        return { isIncomplete: false, items: list.items.map((entry) => toItem(ctx, entry, range)) };
      },
    ),
  );
}
