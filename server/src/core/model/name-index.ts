// Every definition and reference of an ipset, alias or security group in one file, with the
// span of the name itself (scope prefixes and "+" excluded), so rename can replace just that.
import { ALIAS_REF, IPSET_NAME_REF } from './address-list';
import { asciiLower } from '../syntax';
import type { FwLine, FwSyntaxTree, RuleLine, Token } from '../syntax';
import type { Span } from '../text';

export type NameKind = 'ipset' | 'alias' | 'group';
export type NameScope = '' | 'dc/' | 'guest/' | 'sdn/';

export interface NameDef {
  readonly kind: NameKind;
  /** The name as Proxmox stores and looks it up: lower-cased for all three kinds. */
  readonly key: string;
  readonly span: Span;
  readonly line: FwLine;
}

export interface NameRef {
  readonly kind: NameKind;
  /** The name as written, without scope. */
  readonly written: string;
  /** What Proxmox looks up: ipset and group references as written, aliases lower-cased. */
  readonly key: string;
  readonly scope: NameScope;
  readonly span: Span;
  readonly line: FwLine;
  /** Alias references in [IPSET] entries resolve scope-aware even at parse time. */
  readonly inIpSetEntry: boolean;
}

export interface FileNames {
  readonly defs: readonly NameDef[];
  readonly refs: readonly NameRef[];
}

const ADDRESS_FLAG = /^--?(source|dest)$/;

function addressRef(line: FwLine, token: Token, inIpSetEntry: boolean): NameRef | undefined {
  const { text, span } = token;
  const set = IPSET_NAME_REF.exec(text);
  if (set && !inIpSetEntry) {
    const scope = (set[1] ?? '') as NameScope;
    const start = span.start + 1 + scope.length;
    const written = set[2]!;
    const nameSpan = { start, end: start + written.length };
    return { kind: 'ipset', written, key: written, scope, span: nameSpan, line, inIpSetEntry };
  }
  const alias = ALIAS_REF.exec(text);
  if (!alias) return undefined;
  const scope = (alias[1] ?? '') as NameScope;
  const written = alias[2]!;
  const start = span.start + scope.length;
  const nameSpan = { start, end: start + written.length };
  const key = asciiLower(written);
  return { kind: 'alias', written, key, scope, span: nameSpan, line, inIpSetEntry };
}

function collect(line: FwLine, defs: NameDef[], refs: NameRef[]): void {
  switch (line.kind) {
    case 'header':
      if ((line.section === 'ipset' || line.section === 'group') && line.name && line.nameToken)
        defs.push({ kind: line.section, key: line.name, span: line.nameToken.span, line });
      return;
    case 'alias':
      if (line.nameToken && !line.error && !line.malformed) {
        const { text, span } = line.nameToken;
        defs.push({ kind: 'alias', key: asciiLower(text), span, line });
      }
      return;
    case 'ipset-entry': {
      const ref = line.entryToken && addressRef(line, line.entryToken, true);
      if (ref) refs.push(ref);
      return;
    }
    case 'rule': {
      const { rule } = line;
      if (rule.error) {
        droppedRefs(line, refs);
        return;
      }
      if (rule.type === 'group' && rule.actionToken) {
        const { text, span } = rule.actionToken;
        refs.push({
          kind: 'group',
          written: text,
          key: text,
          scope: '',
          span,
          line,
          inIpSetEntry: false,
        });
      }
      // Earlier repeated -source/-dest are overridden but still written: rename must see them.
      for (const option of [...rule.repeated, rule.options.source, rule.options.dest]) {
        if (!option || !ADDRESS_FLAG.test(option.flag.text)) continue;
        const ref = addressRef(line, option.value, false);
        if (ref) refs.push(ref);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * References written on a rule line Proxmox drops (`-p  tcp … -source +management`): the parser
 * stopped before them, but they are there, and resolve once the line is fixed — rename, find
 * references and "is this name used" must see them. Read word by word from where parsing
 * stopped: a -source/-dest flag and the word after it, or the name after GROUP.
 */
function droppedRefs(line: RuleLine, refs: NameRef[]): void {
  const { rule } = line;
  const span = rule.error!.span;
  const text = line.line.content.slice(span.start - line.line.start, span.end - line.line.start);
  const words: Token[] = [];
  for (let i = 0; i < text.length;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    const start = i;
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t') i++;
    if (i > start)
      words.push({
        text: text.slice(start, i),
        span: { start: span.start + start, end: span.start + i },
      });
  }
  for (const [w, flag] of words.entries()) {
    const value = words[w + 1];
    if (value === undefined || !ADDRESS_FLAG.test(flag.text)) continue;
    const ref = addressRef(line, value, false);
    if (ref) refs.push(ref);
  }
}

export function indexNames(tree: FwSyntaxTree): FileNames {
  const defs: NameDef[] = [];
  const refs: NameRef[] = [];
  for (const line of tree.lines) collect(line, defs, refs);
  refs.sort((a, b) => a.span.start - b.span.start);
  return { defs, refs };
}

/** The definition or reference whose name touches `offset` (a cursor at either end counts). */
export function nameAt(
  names: FileNames,
  offset: number,
): { def: NameDef } | { ref: NameRef } | undefined {
  const touches = (span: Span): boolean => span.start <= offset && offset <= span.end;
  const def = names.defs.find((d) => touches(d.span));
  if (def) return { def };
  const ref = names.refs.find((r) => touches(r.span));
  return ref ? { ref } : undefined;
}
