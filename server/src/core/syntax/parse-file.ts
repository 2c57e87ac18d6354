import type { FileKind } from '../facts';
import { commonEnds } from '../text';
import { conflictMarkerOf } from './conflict-markers';
import { parseHeaderLine } from './parse-header';
import { parseOptionLine } from './parse-option';
import { parseRuleSyntax, splitComment } from './parse-rule';
import { NWS, WS } from './perl-text';
import { shiftLine } from './shift-lines';
import { sourceLineAt, splitSourceLines, type SourceLine } from './source-lines';
import {
  SourceToken,
  type Mutable,
  type AliasLine,
  type FwLine,
  type FwSyntaxTree,
  type IpSetEntryLine,
  type SectionKind,
} from './tree';
import { parseIpOrCidr } from './ip-or-cidr';

const BLANK = new RegExp(`^${WS}*$`, 's');
const ALIAS_BODY = new RegExp(`^(${NWS}+)${WS}(${NWS}+)$`, 's');
const IPSET_BODY = new RegExp(`^(!)?${WS}*(${NWS}+)${WS}*$`, 'sd');

function parseAliasLine(line: SourceLine): AliasLine {
  const { body, comment } = splitComment(line.content, line.start, true);
  const match = ALIAS_BODY.exec(body);
  const withComment = comment && comment.text ? { comment: comment.text } : {};
  if (!match) return { kind: 'alias', line, malformed: true, ...withComment };
  const name = match[1]!;
  const cidrText = match[2]!;
  const nameToken = new SourceToken(name, line.start);
  const cidrToken = new SourceToken(cidrText, line.start + name.length + 1);
  const parsed = parseIpOrCidr(cidrText);
  if (!parsed) {
    const message = 'value does not look like a valid IP address or CIDR network';
    return {
      kind: 'alias',
      line,
      nameToken,
      cidrToken,
      error: { code: 'invalid-alias-address', message, span: cidrToken.span },
      ...withComment,
    };
  }
  return {
    kind: 'alias',
    line,
    nameToken,
    cidrToken,
    cidr: parsed.cidr,
    ipversion: parsed.ipversion,
    ...withComment,
  };
}

function parseIpSetEntry(line: SourceLine, set: string): IpSetEntryLine {
  const { body, comment } = splitComment(line.content, line.start, false);
  const match = IPSET_BODY.exec(body);
  // Assigned, not spread in: one hidden class for all entries of a 5,000-entry set.
  const entry: Mutable<IpSetEntryLine> = match
    ? {
        kind: 'ipset-entry',
        line,
        set,
        nomatch: match[1] === '!',
        entryToken: new SourceToken(match[2]!, line.start + match.indices![2]![0]),
      }
    : { kind: 'ipset-entry', line, set, nomatch: body.startsWith('!') };
  if (comment && comment.text) entry.comment = comment.text;
  return entry;
}

/** Where the parser stands: the section a line is read in, and its name for ipsets and groups. */
interface SectionState {
  section: SectionKind | undefined;
  name: string | undefined;
}

function parseLine(line: SourceLine, kind: FileKind, state: SectionState): FwLine {
  const { content } = line;
  if (content.startsWith('#')) return { kind: 'comment', line };
  if (BLANK.test(content)) return { kind: 'blank', line };
  const marker = conflictMarkerOf(content);
  if (marker) return { kind: 'conflict-marker', line, marker };
  const header = parseHeaderLine(line, kind);
  if (header) return header;
  switch (state.section) {
    case undefined:
      return { kind: 'no-section', line };
    case 'options':
      return parseOptionLine(line, kind);
    case 'aliases':
      return parseAliasLine(line);
    case 'ipset':
      return parseIpSetEntry(line, state.name!);
    case 'rules':
      return { kind: 'rule', line, rule: parseRuleSyntax(content, line.start) };
    case 'group':
      return { kind: 'rule', line, group: state.name!, rule: parseRuleSyntax(content, line.start) };
  }
}

/** The state after `line`: only a header changes it. */
function advance(state: SectionState, line: FwLine): void {
  if (line.kind !== 'header') return;
  state.section = line.error ? undefined : line.section;
  state.name = line.name;
}

/**
 * Splits a file into typed lines the way pve-firewall's generic_fw_config_parser walks it:
 * section by section, with the headers and option syntax of the file's kind. Never throws.
 *
 * With `previous` (the same file of the same kind before an edit) only the lines the edit
 * touched are parsed: the lines above it are the previous nodes, and the lines below it, once
 * the parser stands in the section it stood in before, are the previous nodes moved
 * (shift-lines.ts). The result is the one a whole parse gives.
 */
export function parseFwSyntax(text: string, kind: FileKind, previous?: FwSyntaxTree): FwSyntaxTree {
  const lines = previous ? reparse(text, kind, previous) : parseAll(text, kind);
  return { text, lines, crlf: text.includes('\r\n') };
}

function parseAll(text: string, kind: FileKind): FwLine[] {
  const state: SectionState = { section: undefined, name: undefined };
  return splitSourceLines(text).map((line) => {
    const parsed = parseLine(line, kind, state);
    advance(state, parsed);
    return parsed;
  });
}

function reparse(text: string, kind: FileKind, previous: FwSyntaxTree): FwLine[] {
  const before = previous.text;
  const old = previous.lines;
  const { prefix, suffix } = commonEnds(before, text);
  const delta = text.length - before.length;

  // Above the edit: a line whose "\n" lies in the common prefix is unchanged, and so is the
  // state the parser reads it in.
  const lines: FwLine[] = [];
  const state: SectionState = { section: undefined, name: undefined };
  let reused = 0;
  while (reused < old.length && old[reused]!.line.full.end < prefix) {
    const line = old[reused]!;
    lines.push(line);
    advance(state, line);
    reused++;
  }
  // The old parser's state, followed line by line as the new parse moves down.
  const oldState: SectionState = { ...state };
  let oldAt = reused;

  // The edited lines, then on until a line starts after a "\n" in the common suffix (it is an
  // old line, unchanged) and the parser stands where the old one stood before it.
  let lineStart = reused === 0 ? 0 : old[reused - 1]!.line.full.end + 1;
  for (let number = reused + 1; ; number++) {
    // Its own copy of the line: a later parse keeps this node, but not this revision's text.
    const line = sourceLineAt(text, lineStart, number, true);
    const parsed = parseLine(line, kind, state);
    lines.push(parsed);
    advance(state, parsed);
    if (line.full.end === text.length) return lines;
    lineStart = line.full.end + 1;
    if (line.full.end < text.length - suffix) continue;
    // The old line that starts where this next line starts, and the old state before it.
    const oldStart = lineStart - delta;
    while (oldAt < old.length && old[oldAt]!.line.full.start < oldStart)
      advance(oldState, old[oldAt++]!);
    if (oldAt >= old.length || old[oldAt]!.line.full.start !== oldStart) continue;
    if (oldState.section !== state.section || oldState.name !== state.name) continue;
    const by = { delta, lines: number + 1 - old[oldAt]!.line.number };
    for (let i = oldAt; i < old.length; i++)
      lines.push(by.delta === 0 && by.lines === 0 ? old[i]! : shiftLine(old[i]!, by));
    return lines;
  }
}
