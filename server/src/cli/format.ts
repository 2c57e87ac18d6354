import { LineIndex, findingText, type FileKind, type Finding, type Severity } from '../core';
import { jsonText, oneLine } from './terminal-text';

/** One checked file with its text (to place findings) and its findings in file order. */
export interface FileResult {
  readonly path: string;
  /** `unknown` for a file whose name says no kind (it gets an unknown-file-kind finding). */
  readonly kind: FileKind | 'unknown';
  readonly text: string;
  readonly findings: readonly Finding[];
}

/** A finding placed in its file: 1-based lines and columns, end column exclusive. */
export interface JsonDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly proxmox: Finding['proxmox'];
}

export interface JsonReport {
  readonly files: readonly {
    readonly path: string;
    readonly kind: FileKind | 'unknown';
    readonly diagnostics: readonly JsonDiagnostic[];
  }[];
}

/** Findings in the order of their start offsets (ties keep the checker's order). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.span.start - b.span.start);
}

function diagnosticsOf(result: FileResult): JsonDiagnostic[] {
  const index = new LineIndex(result.text);
  return result.findings.map((finding) => {
    const start = index.positionAt(finding.span.start);
    const end = index.positionAt(finding.span.end);
    return {
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      severity: finding.severity,
      code: finding.code,
      message: findingText(finding),
      proxmox: finding.proxmox,
    };
  });
}

/** `path:line:column: severity code: message`, one line per finding, each ending in "\n". */
export function formatText(results: readonly FileResult[]): string {
  // Joined once, not appended to: 16,000 appended lines are a rope of 16,000 pieces, which V8
  // copies into one string, piece by piece, on the first search of it.
  const lines: string[] = [];
  for (const result of results) {
    for (const d of diagnosticsOf(result)) {
      const message = oneLine(d.message);
      lines.push(`${result.path}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${message}\n`);
    }
  }
  return lines.join('');
}

export function jsonReport(results: readonly FileResult[]): JsonReport {
  return {
    files: results.map((result) => ({
      path: result.path,
      kind: result.kind,
      diagnostics: diagnosticsOf(result),
    })),
  };
}

/** The whole JSON output: exactly one object, then a newline. */
export function formatJson(results: readonly FileResult[]): string {
  return jsonText(jsonReport(results));
}

const SEVERITY_LABELS: readonly [Severity, string, string][] = [
  ['error', 'error', 'errors'],
  ['warning', 'warning', 'warnings'],
  ['information', 'info', 'info'],
  ['hint', 'hint', 'hints'],
];

/** E.g. `4 files checked: 2 errors, 1 warning` or `1 file checked: no findings`. */
export function formatSummary(results: readonly FileResult[]): string {
  const files = `${results.length} ${results.length === 1 ? 'file' : 'files'} checked`;
  const counts = SEVERITY_LABELS.map(([severity, one, many]) => {
    let n = 0;
    for (const result of results)
      n += result.findings.filter((f) => f.severity === severity).length;
    return n === 0 ? '' : `${n} ${n === 1 ? one : many}`;
  }).filter((part) => part !== '');
  return `${files}: ${counts.length === 0 ? 'no findings' : counts.join(', ')}\n`;
}

export function hasErrors(results: readonly FileResult[]): boolean {
  return results.some((result) => result.findings.some((f) => f.severity === 'error'));
}
