import { detached, type Span } from '../text';

/** One physical line as pve-firewall reads it: blanks and tabs trimmed at both ends. */
export interface SourceLine {
  /** 1-based, counting every physical line, as Proxmox's messages do. */
  readonly number: number;
  /** The trimmed content; a "\r" of a CRLF file stays in it, as it does for Proxmox. */
  readonly content: string;
  /** Offset of `content` in the file text. */
  readonly start: number;
  /** Span of the whole physical line, without its "\n". */
  readonly full: Span;
}

/**
 * The physical line that begins at `lineStart` (a line start of `text`), numbered `number`;
 * `detach`: its content a copy, not a view that keeps `text` alive.
 */
export function sourceLineAt(
  text: string,
  lineStart: number,
  number: number,
  detach = false,
): SourceLine {
  const newline = text.indexOf('\n', lineStart);
  const lineEnd = newline === -1 ? text.length : newline;
  let start = lineStart;
  let end = lineEnd;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  const content = text.slice(start, end);
  return {
    number,
    content: detach ? detached(content) : content,
    start,
    full: { start: lineStart, end: lineEnd },
  };
}

export function splitSourceLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  for (let lineStart = 0, number = 1; ; number++) {
    const line = sourceLineAt(text, lineStart, number);
    lines.push(line);
    if (line.full.end === text.length) break;
    lineStart = line.full.end + 1;
  }
  return lines;
}
