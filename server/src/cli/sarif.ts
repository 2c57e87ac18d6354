// `pvefw check --format sarif`: the findings as a SARIF 2.1.0 log, the format GitHub code
// scanning (and other CI systems) show inline in a pull request. One rule per diagnostic code,
// with its docs page as help; one result per finding, with the rules that take a dead rule's
// packets as related locations and the editor's quick fix where there is one.
import {
  DIAGNOSTIC_CODES,
  LineIndex,
  findingText,
  type CodeInfo,
  type DiagnosticCode,
  type Finding,
  type Severity,
  type Span,
} from '../core';
import { packageVersion } from './help';
import { DIAGNOSTIC_HELP } from './generated/diagnostic-help';
import type { FileResult } from './format';

/** A quick fix for a finding: edits of files by their shown path. */
export interface SarifFix {
  readonly description: string;
  readonly edits: readonly {
    readonly path: string;
    readonly span: Span;
    readonly newText: string;
  }[];
}

export interface SarifInput {
  readonly results: readonly FileResult[];
  /** The text of any file a related location or a fix points at, by its shown path. */
  readonly textOf: (path: string) => string | undefined;
  /** The quick fixes of a finding of a file. */
  readonly fixesOf?: (path: string, finding: Finding) => readonly SarifFix[];
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

const RULE_IDS = (Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[]).sort();

/** A file path as a relative URI reference (forward slashes, each segment escaped). */
function uriOf(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function regionOf(index: LineIndex, span: Span): Record<string, number> {
  const start = index.positionAt(span.start);
  const end = index.positionAt(Math.max(span.start, span.end));
  return {
    startLine: start.line + 1,
    startColumn: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
  };
}

function location(path: string, index: LineIndex, span: Span): object {
  return {
    physicalLocation: {
      artifactLocation: { uri: uriOf(path), uriBaseId: 'SRCROOT' },
      region: regionOf(index, span),
    },
  };
}

function ruleOf(id: DiagnosticCode): object {
  const info: CodeInfo = DIAGNOSTIC_CODES[id];
  const help = DIAGNOSTIC_HELP[id] ?? info.summary;
  return {
    id,
    name: id
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: info.summary },
    fullDescription: { text: info.summary },
    help: { text: help, markdown: help },
    defaultConfiguration: { level: LEVEL[info.severity] },
    properties: { tags: [info.proxmox ? 'proxmox-verdict' : 'pvefw'] },
  };
}

export function formatSarif(input: SarifInput, cwd: string): string {
  const indexes = new Map<string, LineIndex | undefined>();
  const indexOf = (path: string): LineIndex | undefined => {
    if (!indexes.has(path)) {
      const text = input.textOf(path);
      indexes.set(path, text === undefined ? undefined : new LineIndex(text));
    }
    return indexes.get(path);
  };
  const results: object[] = [];
  for (const file of input.results) {
    const index = new LineIndex(file.text);
    indexes.set(file.path, index);
    for (const finding of file.findings) {
      const related = finding.related.flatMap((r, i) => {
        const path = r.path ?? file.path;
        const at = indexOf(path);
        return at
          ? [{ id: i + 1, ...location(path, at, r.span), message: { text: r.message } }]
          : [];
      });
      const fixes = (input.fixesOf?.(file.path, finding) ?? []).flatMap((fix) => {
        const byFile = new Map<string, object[]>();
        for (const edit of fix.edits) {
          const at = indexOf(edit.path);
          if (!at) return [];
          const list = byFile.get(edit.path) ?? [];
          list.push({
            deletedRegion: regionOf(at, edit.span),
            insertedContent: { text: edit.newText },
          });
          byFile.set(edit.path, list);
        }
        return [
          {
            description: { text: fix.description },
            artifactChanges: [...byFile].map(([path, replacements]) => ({
              artifactLocation: { uri: uriOf(path), uriBaseId: 'SRCROOT' },
              replacements,
            })),
          },
        ];
      });
      results.push({
        ruleId: finding.code,
        ruleIndex: RULE_IDS.indexOf(finding.code),
        level: LEVEL[finding.severity],
        message: { text: findingText(finding) },
        locations: [location(file.path, index, finding.span)],
        ...(related.length > 0 ? { relatedLocations: related } : {}),
        ...(fixes.length > 0 ? { fixes } : {}),
        properties: { proxmox: finding.proxmox },
      });
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pvefw',
            version: packageVersion(),
            informationUri: 'https://pve.proxmox.com/wiki/Firewall',
            rules: RULE_IDS.map(ruleOf),
          },
        },
        originalUriBaseIds: {
          SRCROOT: { uri: `file://${cwd.replace(/\\/g, '/').replace(/\/?$/, '/')}` },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
