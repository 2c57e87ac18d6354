import type { FileKind } from '../facts';
import { conflictMarkerOf } from './conflict-markers';
import { parseHeaderLine } from './parse-header';
import { parseOptionLine } from './parse-option';
import { parseRuleSyntax, splitComment } from './parse-rule';
import { NWS, WS } from './perl-text';
import { splitSourceLines, type SourceLine } from './source-lines';
import {
  SourceToken,
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
  const entry: { -readonly [K in keyof IpSetEntryLine]: IpSetEntryLine[K] } = match
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

/**
 * Splits a file into typed lines the way pve-firewall's generic_fw_config_parser walks it:
 * section by section, with the headers and option syntax of the file's kind. Never throws.
 */
export function parseFwSyntax(text: string, kind: FileKind): FwSyntaxTree {
  const lines: FwLine[] = [];
  let section: SectionKind | undefined;
  let name: string | undefined;
  for (const line of splitSourceLines(text)) {
    const { content } = line;
    if (content.startsWith('#')) {
      lines.push({ kind: 'comment', line });
      continue;
    }
    if (BLANK.test(content)) {
      lines.push({ kind: 'blank', line });
      continue;
    }
    const marker = conflictMarkerOf(content);
    if (marker) {
      lines.push({ kind: 'conflict-marker', line, marker });
      continue;
    }
    const header = parseHeaderLine(line, kind);
    if (header) {
      lines.push(header);
      section = header.error ? undefined : header.section;
      name = header.name;
      continue;
    }
    switch (section) {
      case undefined:
        lines.push({ kind: 'no-section', line });
        break;
      case 'options':
        lines.push(parseOptionLine(line, kind));
        break;
      case 'aliases':
        lines.push(parseAliasLine(line));
        break;
      case 'ipset':
        lines.push(parseIpSetEntry(line, name!));
        break;
      case 'rules':
        lines.push({ kind: 'rule', line, rule: parseRuleSyntax(content, line.start) });
        break;
      case 'group':
        lines.push({
          kind: 'rule',
          line,
          group: name!,
          rule: parseRuleSyntax(content, line.start),
        });
        break;
    }
  }
  return { text, lines, crlf: text.includes('\r\n') };
}
