// Findings of the last analysis, carried over edits until the next analysis is done: each place
// a finding names (its span, its related locations, the "cluster.fw line 7" in its message) is
// moved with the text it points at, and a finding any of whose places an edit touched is
// withdrawn. So a carried finding is never shown at a wrong line.
import { commonEnds } from '../core/index';
import type { Finding, RelatedLocation } from '../core/index';

/** One file's edit between two texts: the span between their common prefix and suffix. */
interface Edit {
  /** Offsets in the old text: the edit replaced [start, end). */
  readonly start: number;
  readonly end: number;
  readonly delta: number;
  /** 1-based lines of the old text the edit touched, and how many lines it added. */
  readonly firstLine: number;
  readonly lastLine: number;
  readonly lineDelta: number;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function editBetween(before: string, after: string): Edit | undefined {
  if (before === after) return undefined;
  const { prefix, suffix } = commonEnds(before, after);
  const end = before.length - suffix;
  return {
    start: prefix,
    end,
    delta: after.length - before.length,
    firstLine: lineOf(before, prefix),
    lastLine: lineOf(before, end),
    lineDelta: countLines(after, prefix, after.length - suffix) - countLines(before, prefix, end),
  };
}

/** A span moved over the edit, or undefined when the edit touches it. */
function moved(span: Finding['span'], edit: Edit | undefined): Finding['span'] | undefined {
  if (!edit || span.end <= edit.start) return span;
  if (span.start >= edit.end) return { start: span.start + edit.delta, end: span.end + edit.delta };
  return undefined;
}

function baseName(path: string): string {
  return path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
}

const NAMED_LINE = '.fw line ';

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Rewrites each "NAME.fw line N" of a message (as `/\b([\w.-]+\.fw) line (\d+)\b/g` finds them)
 * with `map(NAME.fw, N)`. A scan from one ".fw line " to the next: a regex tried at every offset
 * of 8,000 messages held each keystroke's diagnostics for 10 ms.
 */
export function mapNamedLines(
  message: string,
  map: (name: string, line: number) => number,
): string {
  let out = '';
  let copied = 0;
  for (let at = message.indexOf(NAMED_LINE); at !== -1; at = message.indexOf(NAMED_LINE, at + 1)) {
    // The name: the run of [\w.-] before ".fw", from its first word boundary.
    let start = at;
    while (start > 0) {
      const c = message.charCodeAt(start - 1);
      if (!isWordChar(c) && c !== 46 && c !== 45) break;
      start--;
    }
    while (
      start < at &&
      isWordChar(start > 0 ? message.charCodeAt(start - 1) : 32) ===
        isWordChar(message.charCodeAt(start))
    )
      start++;
    if (start >= at || start < copied) continue;
    const digits = at + NAMED_LINE.length;
    let end = digits;
    while (end < message.length && message.charCodeAt(end) >= 48 && message.charCodeAt(end) <= 57)
      end++;
    if (end === digits || (end < message.length && isWordChar(message.charCodeAt(end)))) continue;
    const name = message.slice(start, at + 3);
    const line = Number(message.slice(digits, end));
    const mapped = map(name, line);
    if (mapped === line) continue;
    out += `${message.slice(copied, start)}${name} line ${mapped}`;
    copied = end;
  }
  return copied === 0 ? message : out + message.slice(copied);
}

/** How the texts of a cluster changed since an analysis: work out once, carry many findings. */
export class Carry {
  private readonly edits = new Map<string, Edit>();
  private readonly byName = new Map<string, { edit: Edit | undefined; count: number }>();

  /** `before`: the texts the findings were computed from; `now`: today's (absent: unchanged). */
  constructor(before: ReadonlyMap<string, string>, now: ReadonlyMap<string, string>) {
    for (const [file, text] of before) {
      const current = now.get(file);
      const edit = current === undefined ? undefined : editBetween(text, current);
      if (edit) this.edits.set(file, edit);
    }
    // "100.fw line 7" names a file by its base name; when two files of the cluster share it
    // (host.fw of two nodes) and one was edited, the line cannot be told apart: withdraw.
    for (const file of before.keys()) {
      const name = baseName(file);
      const known = this.byName.get(name);
      this.byName.set(name, {
        edit: known?.edit ?? this.edits.get(file),
        count: (known?.count ?? 0) + 1,
      });
    }
  }

  /** Nothing changed: the findings stand as they are. */
  get unchanged(): boolean {
    return this.edits.size === 0;
  }

  /** The findings of file `path`, moved over the edits; those an edit touched are withdrawn. */
  findings(findings: readonly Finding[], path: string): Finding[] {
    if (this.unchanged) return [...findings];
    const out: Finding[] = [];
    for (const finding of findings) {
      const carried = this.carry(finding, path);
      if (carried) out.push(carried);
    }
    return out;
  }

  private carry(finding: Finding, path: string): Finding | undefined {
    const span = moved(finding.span, this.edits.get(path));
    if (!span) return undefined;
    const related: RelatedLocation[] = [];
    for (const r of finding.related) {
      const place = moved(r.span, this.edits.get(r.path ?? path));
      if (!place) return undefined;
      related.push(place === r.span ? r : { ...r, span: place });
    }
    let withdrawn = false;
    const message = mapNamedLines(finding.message, (name, line) => {
      const named = this.byName.get(name);
      if (!named?.edit) return line;
      if (named.count === 1 && line < named.edit.firstLine) return line;
      if (named.count === 1 && line > named.edit.lastLine) return line + named.edit.lineDelta;
      withdrawn = true;
      return line;
    });
    if (withdrawn) return undefined;
    // Untouched and unmoved (before the edit): the same object, not a copy of thousands.
    const unmoved =
      span === finding.span &&
      message === finding.message &&
      related.every((r, i) => r === finding.related[i]);
    return unmoved ? finding : { ...finding, span, related, message };
  }
}
