// `pvefw check --format gitlab`: a GitLab Code Quality report (the Code Climate issue format
// GitLab reads from a `codequality` artifact), so that merge requests show the findings.
import { createHash } from 'node:crypto';
import { findingText, LineIndex, type Severity } from '../core';
import type { FileResult } from './format';

const SEVERITY: Record<Severity, string> = {
  error: 'major',
  warning: 'minor',
  information: 'info',
  hint: 'info',
};

export function formatCodeQuality(results: readonly FileResult[]): string {
  const issues: object[] = [];
  for (const file of results) {
    const index = new LineIndex(file.text);
    for (const finding of file.findings) {
      const begin = index.positionAt(finding.span.start).line + 1;
      const end = index.positionAt(Math.max(finding.span.start, finding.span.end)).line + 1;
      // Stable across runs and unrelated edits: the code, the file and the line's own text.
      const lineText = file.text.split('\n')[begin - 1] ?? '';
      const fingerprint = createHash('sha1')
        .update(`${finding.code}\u0000${file.path}\u0000${lineText.trim()}\u0000${finding.message}`)
        .digest('hex');
      issues.push({
        type: 'issue',
        check_name: finding.code,
        description: findingText(finding),
        categories: ['Bug Risk'],
        severity: SEVERITY[finding.severity],
        fingerprint,
        location: { path: file.path.replace(/\\/g, '/'), lines: { begin, end } },
      });
    }
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
}
