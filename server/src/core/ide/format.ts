// Formatting that never changes what Proxmox reads: blanks around a line go (Proxmox trims
// them), runs of blanks between the parts of a rule become one, `key: value`, ` # comment`.
// The single space after a flag is never touched, lines Proxmox cannot read are only trimmed,
// and no line is joined or split. As a last guard the formatted file is loaded again and must
// give the same configuration and the same verdicts, or nothing is changed at all.
import { loadFwConfig } from '../model';
import { parseFwSyntax } from '../syntax';
import type { FwLine, RuleLine } from '../syntax';
import type { Span } from '../text';
import { writeFwConfig } from '../writer';
import type { FileKind } from '../model';
import type { FileEdit } from './rename';
import type { ParsedFwFile } from './workspace-model';

export type TextEdit = Omit<FileEdit, 'fileId'>;

/** An empty comment keeps its "#": a rule stores it as an empty comment. */
function withComment(body: string, comment: string | undefined): string {
  if (comment === undefined) return body;
  return comment ? `${body} # ${comment}` : `${body} #`;
}

function ruleText(line: RuleLine): string {
  const { rule } = line;
  const text = line.line.content;
  const from = (span: Span): number => span.start - line.line.start;
  const action = rule.macroToken ?? rule.actionToken!;
  const actionEnd = rule.macroToken
    ? from(rule.actionToken!.span) + rule.actionToken!.text.length + 1
    : from(rule.actionToken!.span) + rule.actionToken!.text.length;
  const parts = [
    `${rule.enabled ? '' : '|'}${rule.typeToken!.text}`,
    text.slice(from(action.span), actionEnd),
  ];
  const options = [...rule.repeated, ...Object.values(rule.options)].sort(
    (a, b) => a.flag.span.start - b.flag.span.start,
  );
  for (const option of options) parts.push(`${option.flag.text} ${option.value.text}`);
  return withComment(parts.join(' '), rule.comment?.text);
}

/** The line as we would write it; its trimmed content where formatting could change meaning. */
function formattedContent(line: FwLine): string {
  const content = line.line.content;
  switch (line.kind) {
    case 'rule':
      return line.rule.error || !line.rule.typeToken ? content : ruleText(line);
    case 'option':
      if (line.error || !line.keyToken) return content;
      return line.valueToken?.text
        ? `${line.keyToken.text}: ${line.valueToken.text}`
        : `${line.keyToken.text}:`;
    case 'alias':
      if (line.error || line.malformed) return content;
      return withComment(`${line.nameToken!.text} ${line.cidrToken!.text}`, line.comment);
    case 'ipset-entry':
      if (!line.entryToken) return content;
      return withComment(`${line.nomatch ? '!' : ''}${line.entryToken.text}`, line.comment);
    case 'header':
      if (line.error || !line.nameToken) return content;
      return withComment(
        `${/^\[[A-Za-z]+/.exec(content)![0]} ${line.nameToken.text}]`,
        line.comment,
      );
    default:
      return content;
  }
}

/** Everything Proxmox takes from a file: its configuration as written back, and its verdicts. */
function meaning(text: string, kind: FileKind): string {
  const { config, verdicts } = loadFwConfig(parseFwSyntax(text, kind), kind);
  let written: string;
  try {
    written = writeFwConfig(config, { now: 0 });
  } catch (error) {
    written = `dies: ${error instanceof Error ? error.message : String(error)}`;
  }
  return JSON.stringify([written, verdicts.map((v) => [v.lineNumber, v.code, v.message])]);
}

/** Edits for the lines that touch `range` (the whole file without one). */
export function formatEdits(parsed: ParsedFwFile, range?: Span): TextEdit[] {
  // CRLF hides every header from Proxmox; a quick fix converts the file, formatting stays out.
  if (parsed.tree.crlf) return [];
  const edits: TextEdit[] = [];
  let formatted = '';
  let last = 0;
  for (const line of parsed.tree.lines) {
    const { full } = line.line;
    if (range && (full.end < range.start || full.start > range.end)) continue;
    const newText = formattedContent(line);
    if (parsed.text.slice(full.start, full.end) === newText) continue;
    edits.push({ span: full, newText });
    formatted += parsed.text.slice(last, full.start) + newText;
    last = full.end;
  }
  if (edits.length === 0) return [];
  formatted += parsed.text.slice(last);
  return meaning(formatted, parsed.kind) === meaning(parsed.text, parsed.kind) ? edits : [];
}
