// textDocument/semanticTokens/full: the core's token roles mapped onto standard token types, so
// every theme colours them; a disabled rule is one `comment` token with the `disabled` modifier.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver/node';
import { semanticTokens } from '../../core/index';
import type { SemanticToken, TokenRole } from '../../core/index';
import { handler, locate } from './context';
import type { FeatureContext } from './context';

const TYPES = [
  'namespace',
  'keyword',
  'enumMember',
  'macro',
  'parameter',
  'property',
  'string',
  'number',
  'type',
  'variable',
  'class',
  'comment',
];
const MODIFIERS = ['declaration', 'disabled'];
export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: TYPES,
  tokenModifiers: MODIFIERS,
};

const TYPE_OF: Record<TokenRole, string> = {
  section: 'namespace',
  direction: 'keyword',
  action: 'enumMember',
  macro: 'macro',
  flag: 'parameter',
  option: 'property',
  value: 'string',
  number: 'number',
  address: 'number',
  ipset: 'type',
  alias: 'variable',
  group: 'class',
  comment: 'comment',
};

/** LSP's relative encoding: line delta, start delta, length, type, modifier bits. */
function encode(
  tokens: readonly SemanticToken[],
  positionAt: (offset: number) => { line: number; character: number },
): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const token of tokens) {
    const start = positionAt(token.span.start);
    const end = positionAt(token.span.end);
    if (end.line !== start.line || end.character <= start.character) continue;
    const modifiers = (token.declaration ? 1 : 0) | (token.disabled ? 2 : 0);
    data.push(
      start.line - line,
      start.line === line ? start.character - character : start.character,
      end.character - start.character,
      TYPES.indexOf(TYPE_OF[token.role]),
      modifiers,
    );
    line = start.line;
    character = start.character;
  }
  return data;
}

export function registerSemanticTokens(ctx: FeatureContext): void {
  ctx.connection.languages.semanticTokens.on(
    handler(
      ctx,
      'textDocument/semanticTokens/full',
      (): SemanticTokens => ({ data: [] }),
      (params) => {
        const located = locate(ctx, params.textDocument.uri);
        if (!located) return { data: [] };
        return {
          data: encode(semanticTokens(located.file.parsed), (offset) =>
            located.index.positionAt(offset),
          ),
        };
      },
    ),
  );
}
