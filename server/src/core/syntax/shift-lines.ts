// Lines of an earlier parse, moved to where an edit put them. How a line parses depends only on
// its own text, the file's kind and the section it stands in, so after an edit every line below
// it that stays in the same section is the node it was, with its offsets and number moved: no
// pattern is matched and no string is made again. Objects are built the way the parser builds
// them, field by field in the same order, so moved and parsed nodes share their hidden classes.
import type { Span } from '../text';
import type { SourceLine } from './source-lines';
import {
  NO_REPEATS,
  SourceToken,
  type Mutable,
  type FwLine,
  type IpSetEntryLine,
  type LineError,
  type RuleField,
  type RuleOption,
  type RuleSyntax,
  type Token,
} from './tree';

/** An edit's effect on what follows it: offsets move by `delta`, line numbers by `lines`. */
export interface LineShift {
  readonly delta: number;
  readonly lines: number;
}

/** A span moved by `delta`; a token (its own span, often an error's) stays a token. */
export function shiftSpan(s: Span, delta: number): Span {
  if (s instanceof SourceToken) return new SourceToken(s.text, s.start + delta);
  return { start: s.start + delta, end: s.end + delta };
}

function span(s: Span, by: LineShift): Span {
  return shiftSpan(s, by.delta);
}

function token(t: Token, by: LineShift): Token {
  return new SourceToken(t.text, t.span.start + by.delta);
}

function error(e: LineError, by: LineShift): LineError {
  return { code: e.code, message: e.message, span: span(e.span, by) };
}

function sourceLine(line: SourceLine, by: LineShift): SourceLine {
  return {
    number: line.number + by.lines,
    content: line.content,
    start: line.start + by.delta,
    full: span(line.full, by),
  };
}

function option(o: RuleOption, by: LineShift): RuleOption {
  return { flag: token(o.flag, by), value: token(o.value, by) };
}

function rule(r: RuleSyntax, by: LineShift): RuleSyntax {
  const out: Mutable<RuleSyntax> = { enabled: r.enabled, options: {}, repeated: NO_REPEATS };
  if (r.comment) out.comment = token(r.comment, by);
  if (r.typeToken) out.typeToken = token(r.typeToken, by);
  if (r.type !== undefined) out.type = r.type;
  if (r.actionToken) out.actionToken = token(r.actionToken, by);
  if (r.action !== undefined) out.action = r.action;
  const options: Partial<Record<RuleField, RuleOption>> = {};
  // In the order the line gave them, as the parser added them.
  for (const field in r.options) {
    const given = r.options[field as RuleField];
    if (given) options[field as RuleField] = option(given, by);
  }
  out.options = options;
  out.repeated = r.repeated.length > 0 ? r.repeated.map((o) => option(o, by)) : NO_REPEATS;
  if (r.macroToken) out.macroToken = token(r.macroToken, by);
  if (r.error) out.error = error(r.error, by);
  return out;
}

/** The node `node` with everything it says about positions moved by `by`. */
export function shiftLine(node: FwLine, by: LineShift): FwLine {
  const line = sourceLine(node.line, by);
  switch (node.kind) {
    case 'comment':
    case 'blank':
    case 'no-section':
      return { kind: node.kind, line };
    case 'conflict-marker':
      return { kind: node.kind, line, marker: node.marker };
    case 'rule':
      return node.group === undefined
        ? { kind: 'rule', line, rule: rule(node.rule, by) }
        : { kind: 'rule', line, group: node.group, rule: rule(node.rule, by) };
    case 'ipset-entry': {
      const entry: Mutable<IpSetEntryLine> = {
        kind: 'ipset-entry',
        line,
        set: node.set,
        nomatch: node.nomatch,
      };
      if (node.entryToken) entry.entryToken = token(node.entryToken, by);
      if (node.comment !== undefined) entry.comment = node.comment;
      return entry;
    }
    case 'header':
      return {
        ...node,
        line,
        ...(node.nameToken ? { nameToken: token(node.nameToken, by) } : {}),
        ...(node.error ? { error: error(node.error, by) } : {}),
      };
    case 'option':
      return {
        ...node,
        line,
        ...(node.keyToken ? { keyToken: token(node.keyToken, by) } : {}),
        ...(node.valueToken ? { valueToken: token(node.valueToken, by) } : {}),
        ...(node.error ? { error: error(node.error, by) } : {}),
      };
    case 'alias':
      return {
        ...node,
        line,
        ...(node.nameToken ? { nameToken: token(node.nameToken, by) } : {}),
        ...(node.cidrToken ? { cidrToken: token(node.cidrToken, by) } : {}),
        ...(node.error ? { error: error(node.error, by) } : {}),
      };
  }
}
