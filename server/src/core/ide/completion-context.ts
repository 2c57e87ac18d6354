// Where the cursor stands, read from the raw text of its line the way Proxmox's parser would
// read that line: which section, which token of a rule, after which option flag. The line
// being typed is usually broken, so this looks at the text, not at the parsed line.
import type { SectionKind, FwSyntaxTree, RuleField, RuleSyntax } from '../syntax';
import { FIELD_BY_FLAG } from '../syntax';
import { parseRuleSyntax } from '../syntax';
import { blanksEnd, trimBlanksEnd, wordStart } from '../text';
import type { Span } from '../text';

export interface SectionState {
  readonly section: SectionKind | undefined;
  /** The group of a [group x] section. */
  readonly group?: string;
}

export type CompletionSite =
  | { readonly kind: 'line-start'; readonly disabled: boolean }
  | { readonly kind: 'option-value'; readonly key: string }
  | { readonly kind: 'action'; readonly direction: string }
  | { readonly kind: 'macro-action'; readonly direction: string }
  | { readonly kind: 'flag'; readonly rule: RuleSyntax }
  | { readonly kind: 'flag-value'; readonly field: RuleField; readonly rule: RuleSyntax }
  | { readonly kind: 'ipset-entry' };

export interface CompletionContext {
  readonly site: CompletionSite;
  readonly state: SectionState;
  /** 1-based line number of the cursor, as the tree counts lines. */
  readonly lineNumber: number;
  /** The text being replaced: the partial word before the cursor and its rest after it. */
  readonly span: Span;
  readonly partial: string;
}

// The flag, exactly one space (Proxmox's rule), then the value being typed.
const FLAG_VALUE = /(?:^|[ \t])(-[-a-z]+) ([^ \t]*)$/;
const LIST_FIELDS: ReadonlySet<RuleField> = new Set(['dport', 'sport']);

function sectionAt(tree: FwSyntaxTree, lineIndex: number): SectionState {
  for (const line of tree.lines.slice(0, Math.max(0, lineIndex)).reverse()) {
    if (line.kind !== 'header') continue;
    if (line.error) return { section: undefined };
    return line.section === 'group'
      ? { section: 'group', group: line.name! }
      : { section: line.section };
  }
  return { section: undefined };
}

function ruleSite(body: string, content: string, start: number): CompletionSite | undefined {
  const rule = parseRuleSyntax(content, start);
  const disabled = body.startsWith('|');
  const rest = disabled ? body.slice(1) : body;
  const head = /^([^ \t]+)[ \t]+/.exec(rest);
  if (!head) return { kind: 'line-start', disabled };
  const afterType = rest.slice(head[0].length);
  const action = /^[^ \t]+[ \t]+/.exec(afterType);
  const direction = head[1]!.toLowerCase();
  if (!action) {
    return afterType.includes('(')
      ? { kind: 'macro-action', direction }
      : { kind: 'action', direction };
  }
  const options = afterType.slice(action[0].length);
  const value = FLAG_VALUE.exec(options);
  if (value) {
    const field = FIELD_BY_FLAG[value[1]!];
    return field ? { kind: 'flag-value', field, rule } : undefined;
  }
  const last = options.slice(wordStart(options));
  // A flag followed by more than one blank has lost its value: Proxmox drops such a line.
  const wordEnd = blanksEnd(options);
  const previous =
    wordEnd > 0 && wordEnd < options.length
      ? options.slice(wordStart(options, wordEnd), wordEnd)
      : undefined;
  if (last === '' && previous !== undefined && FIELD_BY_FLAG[previous]) return undefined;
  return last === '' || last.startsWith('-') ? { kind: 'flag', rule } : undefined;
}

const ONE_WORD = /^[^ \t]*$/;

function siteFor(
  state: SectionState,
  body: string,
  content: string,
  contentStart: number,
): CompletionSite | undefined {
  const lineStart: CompletionSite = { kind: 'line-start', disabled: false };
  if (body.startsWith('[') || state.section === undefined || state.section === 'aliases')
    return ONE_WORD.test(body) ? lineStart : undefined;
  if (state.section === 'options') {
    const key = /^([A-Za-z0-9_]+):/.exec(body);
    if (key) return { kind: 'option-value', key: key[1]!.toLowerCase() };
    return ONE_WORD.test(body) ? lineStart : undefined;
  }
  if (state.section === 'ipset') {
    if (ONE_WORD.test(body) && !body.startsWith('!')) return lineStart;
    return /^![ \t]*[^ \t]*$/.test(body) ? { kind: 'ipset-entry' } : undefined;
  }
  return ruleSite(body, content, contentStart);
}

/** What ends the word being completed, looking back from the cursor. */
function separatorsFor(site: CompletionSite): RegExp {
  switch (site.kind) {
    case 'option-value':
      return /[ \t,:]/;
    case 'flag-value':
      return LIST_FIELDS.has(site.field) ? /[ \t,]/ : /[ \t]/;
    case 'macro-action':
      return /[ \t(]/;
    case 'ipset-entry':
      return /[ \t!]/;
    case 'line-start':
      return site.disabled ? /[ \t|]/ : /[ \t]/;
    default:
      return /[ \t]/;
  }
}

/** Undefined where nothing can be completed (a comment, a value we know nothing about). */
export function completionContext(
  tree: FwSyntaxTree,
  lineIndex: number,
  offset: number,
): CompletionContext | undefined {
  const line = tree.lines[lineIndex];
  if (!line) return undefined;
  const { full } = line.line;
  const lineText = tree.text.slice(full.start, full.end);
  const column = offset - full.start;
  const body = lineText.slice(0, column).replace(/^[ \t]+/, '');
  if (body.includes('#')) return undefined;
  const state = sectionAt(tree, lineIndex);
  const lineNumber = line.line.number;
  const contentStart = full.start + (column - body.length);
  const content = body + trimBlanksEnd(lineText.slice(column));
  const site = siteFor(state, body, content, contentStart);
  if (!site) return undefined;
  const separators = separatorsFor(site);
  let start = column;
  while (start > 0 && !separators.test(lineText.charAt(start - 1))) start--;
  let end = column;
  while (end < lineText.length && !/[ \t,\r]/.test(lineText.charAt(end))) end++;
  return {
    site,
    state,
    lineNumber,
    span: { start: full.start + start, end: full.start + end },
    partial: lineText.slice(start, column),
  };
}
