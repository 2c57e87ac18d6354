// The outline of one file (sections with their options, aliases and rules) and the names of
// the whole workspace (ipsets, aliases, groups) for "go to symbol".
import { fileStem } from '../model';
import type { FwLine, HeaderLine } from '../syntax';
import type { Span } from '../text';
import type { NameKind } from '../model';
import type { ParsedFwFile, WorkspaceModel } from './workspace-model';

export type OutlineKind = 'section' | 'option' | 'alias' | 'ipset' | 'group' | 'rule';

export interface OutlineSymbol {
  readonly name: string;
  readonly detail?: string;
  readonly kind: OutlineKind;
  /** The whole thing: a section runs from its header to its last non-blank line. */
  readonly span: Span;
  /** The part to reveal and select: a name or the header. */
  readonly selection: Span;
  readonly children: OutlineSymbol[];
}

function contentSpan(line: FwLine): Span {
  return { start: line.line.start, end: line.line.start + line.line.content.length };
}

function sectionSymbol(header: HeaderLine): OutlineSymbol {
  const span = contentSpan(header);
  const named = header.section === 'ipset' || header.section === 'group';
  return {
    name: named ? header.name! : header.line.content,
    ...(named
      ? { detail: header.comment ? `${header.section} · ${header.comment}` : header.section }
      : {}),
    kind: named ? header.section : 'section',
    span,
    selection: header.nameToken?.span ?? span,
    children: [],
  };
}

function childSymbol(line: FwLine): OutlineSymbol | undefined {
  const span = contentSpan(line);
  switch (line.kind) {
    case 'option':
      return line.keyToken
        ? {
            name: line.keyToken.text,
            detail: line.valueToken?.text ?? '',
            kind: 'option',
            span,
            selection: line.keyToken.span,
            children: [],
          }
        : undefined;
    case 'alias':
      return line.nameToken
        ? {
            name: line.nameToken.text,
            detail: line.cidrToken?.text ?? '',
            kind: 'alias',
            span,
            selection: line.nameToken.span,
            children: [],
          }
        : undefined;
    case 'rule': {
      const comment = line.rule.comment;
      const end = comment ? line.line.content.indexOf('#') : line.line.content.length;
      const name = line.line.content.slice(0, end).trimEnd() || line.line.content;
      return {
        name,
        ...(comment?.text ? { detail: comment.text } : {}),
        kind: 'rule',
        span,
        selection: span,
        children: [],
      };
    }
    default:
      return undefined;
  }
}

export function documentSymbols(parsed: ParsedFwFile): OutlineSymbol[] {
  const sections: OutlineSymbol[] = [];
  let current: { symbol: OutlineSymbol; end: number } | undefined;
  const close = (): void => {
    if (current)
      sections.push({
        ...current.symbol,
        span: { start: current.symbol.span.start, end: current.end },
      });
    current = undefined;
  };
  for (const line of parsed.tree.lines) {
    if (line.kind === 'header') {
      close();
      if (!line.error) current = { symbol: sectionSymbol(line), end: contentSpan(line).end };
      continue;
    }
    if (!current || line.kind === 'blank') continue;
    current.end = contentSpan(line).end;
    const child = childSymbol(line);
    if (child) current.symbol.children.push(child);
  }
  close();
  return sections;
}

export interface WorkspaceSymbol {
  readonly name: string;
  readonly kind: NameKind;
  readonly fileId: string;
  readonly span: Span;
  /** The file it is defined in, e.g. `cluster.fw`. */
  readonly container: string;
}

/** Case-insensitive: every character of the query, in order. */
function matches(name: string, query: string): boolean {
  let at = 0;
  for (const char of name.toLowerCase()) if (at < query.length && char === query[at]) at++;
  return at === query.length;
}

export function workspaceSymbols(ws: WorkspaceModel, query: string): WorkspaceSymbol[] {
  const wanted = query.toLowerCase();
  const found: WorkspaceSymbol[] = [];
  for (const file of ws.files()) {
    for (const def of file.parsed.names.defs) {
      const name =
        def.line.kind === 'alias' && def.line.nameToken ? def.line.nameToken.text : def.key;
      if (!matches(name, wanted)) continue;
      found.push({
        name,
        kind: def.kind,
        fileId: file.id,
        span: def.span,
        container: `${fileStem(file.path)}.fw`,
      });
    }
  }
  return found;
}
