// The one place where core findings (offsets) become LSP diagnostics (positions).
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { Diagnostic, DiagnosticRelatedInformation, Range } from 'vscode-languageserver/node';
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

/** What `Diagnostic.data` carries: Proxmox's own verdict on the line. */
export interface DiagnosticData {
  readonly proxmox: ProxmoxVerdict | null;
}

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
    const data: DiagnosticData = { proxmox: finding.proxmox };
    const diagnostic: Diagnostic = {
      range: rangeOf(indexOf(here), finding.span),
      severity: SEVERITY[finding.severity] ?? DiagnosticSeverity.Error,
      code: finding.code,
      source: DIAGNOSTIC_SOURCE,
      message: findingText(finding),
      data,
    };
    if (related.length > 0) diagnostic.relatedInformation = related;
    const href = describe(finding.code);
    if (href !== undefined) diagnostic.codeDescription = { href };
    return diagnostic;
  });
}
