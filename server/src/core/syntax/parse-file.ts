import type { FileKind } from '../model/file-kind';
import { parseHeaderLine } from './parse-header';
import { parseOptionLine } from './parse-option';
import { parseRuleSyntax, splitComment } from './parse-rule';
import { NWS, WS } from './perl-text';
import { splitSourceLines, type SourceLine } from './source-lines';
import type { AliasLine, FwLine, FwSyntaxTree, IpSetEntryLine, SectionKind } from './tree';
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
  const nameToken = { text: name, span: { start: line.start, end: line.start + name.length } };
  const cidrStart = line.start + name.length + 1;
  const cidrToken = {
    text: cidrText,
    span: { start: cidrStart, end: cidrStart + cidrText.length },
  };
  const parsed = parseIpOrCidr(cidrText);
  if (!parsed) {
    const message = 'value does not look like a valid IP address or CIDR network';
    return {
      kind: 'alias',
      line,
      nameToken,
      cidrToken,
      error: { message, span: cidrToken.span },
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
  const withComment = comment && comment.text ? { comment: comment.text } : {};
  if (!match)
    return { kind: 'ipset-entry', line, set, nomatch: body.startsWith('!'), ...withComment };
  const entryStart = line.start + match.indices![2]![0];
  const entryToken = {
    text: match[2]!,
    span: { start: entryStart, end: entryStart + match[2]!.length },
  };
  return { kind: 'ipset-entry', line, set, nomatch: match[1] === '!', entryToken, ...withComment };
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
