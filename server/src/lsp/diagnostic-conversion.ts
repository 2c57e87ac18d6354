// The one place where core findings (offsets) become LSP diagnostics (positions).
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type {
  CodeDescription,
  Diagnostic,
  DiagnosticRelatedInformation,
  Range,
} from 'vscode-languageserver/node';
import { LineIndex, findingText } from '../core/index';
import type { Finding, ProxmoxVerdict, Severity, Span } from '../core/index';

export const DIAGNOSTIC_SOURCE = 'pvefw';

/** A file's text and the URI the client knows it by. */
export interface LocatedText {
  readonly uri: string;
  readonly text: string;
}

/** Finds another file by the path the core reported in `related`; undefined when unknown. */
export type LocateFile = (path: string) => LocatedText | undefined;

/**
 * What `Diagnostic.data` carries: Proxmox's own verdict on the line. A diagnostic Proxmox has no
 * verdict on carries no `data` at all: a 10,000-rule file has thousands, each resent per keystroke.
 */
export interface DiagnosticData {
  readonly proxmox: ProxmoxVerdict;
}

/** One `data` object per verdict, shared by the diagnostics that carry it (never mutated). */
const DATA: Readonly<Record<ProxmoxVerdict, DiagnosticData>> = {
  dropped: { proxmox: 'dropped' },
  'kept-with-errors': { proxmox: 'kept-with-errors' },
  'entry-error': { proxmox: 'entry-error' },
  'file-ignored': { proxmox: 'file-ignored' },
  'file-fails': { proxmox: 'file-fails' },
};

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function rangeOf(index: LineIndex, span: Span): Range {
  const start = index.positionAt(span.start);
  const end = index.positionAt(Math.max(span.start, span.end));
  return { start, end };
}

/** The page documenting a diagnostic code, if the server knows where the docs are. */
export type DescribeCode = (code: string) => string | undefined;

/** Converts the findings of the file `here`; related locations in unknown files are left out. */
export function findingsToDiagnostics(
  findings: readonly Finding[],
  here: LocatedText,
  locate: LocateFile = () => undefined,
  describe: DescribeCode = () => undefined,
): Diagnostic[] {
  const indexes = new Map<string, LineIndex>();
  const indexOf = (file: LocatedText): LineIndex => {
    let index = indexes.get(file.uri);
    if (index === undefined) {
      index = new LineIndex(file.text);
      indexes.set(file.uri, index);
    }
    return index;
  };
  // Shared by every diagnostic with the same code: a file of 10,000 rules has thousands.
  const descriptions = new Map<string, CodeDescription | null>();
  const describeOnce = (code: string): CodeDescription | null => {
    const href = describe(code);
    const description = href === undefined ? null : { href };
    descriptions.set(code, description);
    return description;
  };
  return findings.map((finding) => {
    const related: DiagnosticRelatedInformation[] = [];
    for (const location of finding.related) {
      const file = location.path === undefined ? here : locate(location.path);
      if (file === undefined) continue;
      related.push({
        location: { uri: file.uri, range: rangeOf(indexOf(file), location.span) },
        message: location.message,
      });
    }
    const diagnostic: Diagnostic = {
      range: rangeOf(indexOf(here), finding.span),
      severity: SEVERITY[finding.severity] ?? DiagnosticSeverity.Error,
      code: finding.code,
      source: DIAGNOSTIC_SOURCE,
      message: findingText(finding),
    };
    if (finding.proxmox !== null) diagnostic.data = DATA[finding.proxmox];
    if (related.length > 0) diagnostic.relatedInformation = related;
    const description = descriptions.get(finding.code) ?? describeOnce(finding.code);
    if (description !== null) diagnostic.codeDescription = description;
    return diagnostic;
  });
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

function sameRelated(
  a: readonly DiagnosticRelatedInformation[] | undefined,
  b: readonly DiagnosticRelatedInformation[] | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  return a.every(
    (r, i) =>
      r.message === b[i]?.message &&
      r.location.uri === b[i].location.uri &&
      sameRange(r.location.range, b[i].location.range),
  );
}

/**
 * Whether two lists made by findingsToDiagnostics say the same, field by field: what a client
 * would be sent again. Cheaper than comparing their JSON (megabytes for a 10,000-rule file).
 */
export function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.message !== y.message ||
      x.code !== y.code ||
      x.severity !== y.severity ||
      x.source !== y.source ||
      x.codeDescription?.href !== y.codeDescription?.href ||
      (x.data as DiagnosticData | undefined)?.proxmox !==
        (y.data as DiagnosticData | undefined)?.proxmox ||
      !sameRange(x.range, y.range) ||
      !sameRelated(x.relatedInformation, y.relatedInformation)
    )
      return false;
  }
  return true;
}
