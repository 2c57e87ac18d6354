// Semantic tokens: what each piece of a line is to Proxmox. Names are coloured by kind (ipset,
// alias, group; definitions marked), and a disabled rule becomes one greyed token.
import type { FwLine, RuleLine, Token } from '../syntax';
import type { Span } from '../text';
import type { NameKind } from '../model';
import type { ParsedFwFile } from './workspace-model';

export type TokenRole =
  | 'section'
  | 'direction'
  | 'action'
  | 'macro'
  | 'flag'
  | 'option'
  | 'value'
  | 'number'
  | 'address'
  | 'comment'
  | NameKind;

export interface SemanticToken {
  readonly span: Span;
  readonly role: TokenRole;
  readonly declaration?: boolean;
  /** A disabled (`|`) rule: Proxmox keeps it but never applies it. */
  readonly disabled?: boolean;
}

function valueRole(text: string): TokenRole {
  return /^[0-9][0-9,:]*$/.test(text) ? 'number' : 'value';
}

function ruleTokens(line: RuleLine, names: Map<number, NameKind>, out: SemanticToken[]): void {
  const { rule } = line;
  if (!rule.enabled) {
    const span = { start: line.line.start, end: line.line.start + line.line.content.length };
    out.push({ span, role: 'comment', disabled: true });
    return;
  }
  const push = (token: Token | undefined, role: TokenRole): void => {
    if (token) out.push({ span: token.span, role });
  };
  push(rule.typeToken, 'direction');
  push(rule.macroToken, 'macro');
  push(rule.actionToken, rule.type === 'group' ? 'group' : 'action');
  for (const option of [...rule.repeated, ...Object.values(rule.options)]) {
    push(option.flag, 'flag');
    const { value } = option;
    const kind = names.get(value.span.end);
    if (kind) out.push({ span: value.span, role: kind });
    else if (/^--?(source|dest)$/.test(option.flag.text)) push(value, 'address');
    else push(value, valueRole(value.text));
  }
}

function lineTokens(line: FwLine, names: Map<number, NameKind>, out: SemanticToken[]): void {
  switch (line.kind) {
    case 'header': {
      const { start } = line.line;
      const keyword = /^\[[A-Za-z]+/.exec(line.line.content)![0];
      out.push({ span: { start, end: start + keyword.length }, role: 'section' });
      if (line.nameToken && !line.error)
        out.push({
          span: line.nameToken.span,
          role: line.section === 'group' ? 'group' : 'ipset',
          declaration: true,
        });
      return;
    }
    case 'option':
      if (line.keyToken) out.push({ span: line.keyToken.span, role: 'option' });
      if (line.valueToken && line.valueToken.text)
        out.push({ span: line.valueToken.span, role: valueRole(line.valueToken.text) });
      return;
    case 'alias':
      if (line.nameToken) out.push({ span: line.nameToken.span, role: 'alias', declaration: true });
      if (line.cidrToken) out.push({ span: line.cidrToken.span, role: 'address' });
      return;
    case 'ipset-entry':
      if (line.entryToken)
        out.push({
          span: line.entryToken.span,
          role: names.get(line.entryToken.span.end) ?? 'address',
        });
      return;
    case 'rule':
      ruleTokens(line, names, out);
      return;
    default:
      return;
  }
}

export function semanticTokens(parsed: ParsedFwFile): SemanticToken[] {
  // References end where their value ends; the whole value (with "+" and scope) is coloured.
  const names = new Map<number, NameKind>();
  for (const ref of parsed.names.refs) if (ref.kind !== 'group') names.set(ref.span.end, ref.kind);
  const out: SemanticToken[] = [];
  for (const line of parsed.tree.lines) lineTokens(line, names, out);
  return out.sort((a, b) => a.span.start - b.span.start);
}
