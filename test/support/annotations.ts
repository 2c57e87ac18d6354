// Findings written into a .fw file as comment lines under the line they point at:
//
//   IN DROP -p tcp -dport 22 -source 10.0.0.5
//   #^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ shadowed-rule: accepted by cluster.fw line 4
//
// The carets mark the finding's columns (a `#` right before the first caret stands for column
// 0, which the `#` itself must occupy, so a span from column 1 cannot be written); then the code; then, optionally after a colon, a piece
// of text the finding's message must contain. Annotations are comments, so Proxmox and pvefw
// read the file as if they were not there, but they count as lines: line numbers in messages
// are those of the file as written.

/** One finding as an annotation says it: where, which code, and text its message holds. */
export interface Annotation {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly code: string;
  readonly text?: string;
}

/** A finding as the analysis gives it, on the same terms. */
export interface Found {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly code: string;
  readonly message: string;
}

/** `#`, blanks, then carets, a blank and a code: an annotation line (no regex, so linear). */
function parseAnnotation(text: string): Omit<Annotation, 'line'> | undefined {
  if (!text.startsWith('#')) return undefined;
  let i = 1;
  while (text[i] === ' ') i++;
  const first = i;
  while (text[i] === '^') i++;
  if (i === first || text[i] !== ' ') return undefined;
  const start = first === 1 ? 0 : first;
  const end = i;
  const rest = text.slice(i + 1);
  const colon = rest.indexOf(':');
  const code = (colon < 0 ? rest : rest.slice(0, colon)).trim();
  if (code === '' || code.includes(' ')) return undefined;
  const said = colon < 0 ? '' : rest.slice(colon + 1).trim();
  return { start, end, code, ...(said === '' ? {} : { text: said }) };
}

/** The annotations of a file, each pointing at the nearest line above that is not one. */
export function readAnnotations(text: string): Annotation[] {
  const out: Annotation[] = [];
  let target = -1;
  text.split('\n').forEach((line, index) => {
    const annotation = parseAnnotation(line);
    if (!annotation) target = index;
    else if (target >= 0) out.push({ line: target, ...annotation });
  });
  return out;
}

/** The file without its annotations, and fresh ones written for `found` (texts kept if true). */
export function writeAnnotations(text: string, found: readonly Found[]): string {
  const kept = readAnnotations(text);
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((line, index) => {
    if (parseAnnotation(line)) return;
    out.push(line);
    for (const f of found.filter((x) => x.line === index)) {
      const start = Math.max(f.start, 0);
      const width = Math.max(f.end - start, 1);
      if (start === 1) throw new Error(`line ${index + 1}: a span from column 1 cannot be written`);
      const carets =
        start === 0
          ? `#${'^'.repeat(Math.max(width - 1, 1))}`
          : `#${' '.repeat(start - 1)}${'^'.repeat(width)}`;
      const before = kept.find(
        (a) => a.line === index && a.code === f.code && a.start === f.start && a.end === f.end,
      );
      const said =
        before?.text !== undefined && f.message.includes(before.text) ? `: ${before.text}` : '';
      out.push(`${carets} ${f.code}${said}`);
    }
  });
  return out.join('\n');
}

/** What differs between the annotations and the findings, one line each; empty when they agree. */
export function compareAnnotations(
  path: string,
  annotations: readonly Annotation[],
  found: readonly Found[],
): string[] {
  const key = (x: { line: number; start: number; end: number; code: string }): string =>
    `${path}:${x.line + 1}:${x.start + 1}-${x.end + 1} ${x.code}`;
  const problems: string[] = [];
  const unmatched = [...found];
  for (const a of annotations) {
    const at = unmatched.findIndex((f) => key(f) === key(a));
    if (at < 0) {
      problems.push(`expected, not found: ${key(a)}`);
      continue;
    }
    const [f] = unmatched.splice(at, 1);
    if (a.text !== undefined && !f!.message.includes(a.text))
      problems.push(`${key(a)}: the message does not say "${a.text}": ${f!.message}`);
  }
  for (const f of unmatched) problems.push(`found, not annotated: ${key(f)}: ${f.message}`);
  return problems;
}
