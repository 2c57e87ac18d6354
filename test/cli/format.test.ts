// The CLI's output formats, fed with hand-made findings (independent of the checks).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../server/src/core';
import {
  formatJson,
  formatSummary,
  formatText,
  hasErrors,
  sortFindings,
  type FileResult,
} from '../../server/src/cli/format';

const TEXT = '[RULES]\nIN ACCEPT -source +nope\n# ünïcode\nIN DROP\n';

function finding(overrides: Partial<Finding> & Pick<Finding, 'span'>): Finding {
  return {
    code: 'undefined-ipset',
    severity: 'error',
    message: "no such ipset 'nope'",
    proxmox: 'kept-with-errors',
    related: [],
    ...overrides,
  };
}

const plusNope = { start: TEXT.indexOf('+nope'), end: TEXT.indexOf('+nope') + 5 };
const dropLine = { start: TEXT.indexOf('IN DROP'), end: TEXT.indexOf('IN DROP') + 7 };

const results: FileResult[] = [
  {
    path: 'firewall/cluster.fw',
    kind: 'cluster',
    text: TEXT,
    findings: [
      finding({ span: plusNope }),
      finding({
        span: dropLine,
        code: 'option-without-effect',
        severity: 'warning',
        message: 'first line\nsecond line',
        hint: 'what it means',
        proxmox: null,
      }),
    ],
  },
  { path: 'firewall/100.fw', kind: 'guest', text: '', findings: [] },
];

test('text: one line per finding, 1-based line and column, hint joined', () => {
  assert.equal(
    formatText(results),
    "firewall/cluster.fw:2:19: error undefined-ipset: no such ipset 'nope'\n" +
      'firewall/cluster.fw:4:1: warning option-without-effect: first line second line — what it means\n',
  );
});

test('json: exactly the documented keys, end column exclusive and 1-based', () => {
  const parsed = JSON.parse(formatJson(results)) as unknown;
  assert.deepEqual(parsed, {
    files: [
      {
        path: 'firewall/cluster.fw',
        kind: 'cluster',
        diagnostics: [
          {
            line: 2,
            column: 19,
            endLine: 2,
            endColumn: 24,
            severity: 'error',
            code: 'undefined-ipset',
            message: "no such ipset 'nope'",
            proxmox: 'kept-with-errors',
          },
          {
            line: 4,
            column: 1,
            endLine: 4,
            endColumn: 8,
            severity: 'warning',
            code: 'option-without-effect',
            message: 'first line\nsecond line — what it means',
            proxmox: null,
          },
        ],
      },
      { path: 'firewall/100.fw', kind: 'guest', diagnostics: [] },
    ],
  });
});

test('json: a span ending at a line break ends on that line', () => {
  const text = 'IN DROP\nOUT DROP\n';
  const [file] = (
    JSON.parse(
      formatJson([
        { path: 'x.fw', kind: 'host', text, findings: [finding({ span: { start: 0, end: 8 } })] },
      ]),
    ) as { files: { diagnostics: { line: number; endLine: number; endColumn: number }[] }[] }
  ).files;
  assert.deepEqual(
    file?.diagnostics.map((d) => [d.line, d.endLine, d.endColumn]),
    [[1, 2, 1]],
  );
});

test('summary counts findings per severity', () => {
  assert.equal(formatSummary(results), '2 files checked: 1 error, 1 warning\n');
  assert.equal(formatSummary([results[1]!]), '1 file checked: no findings\n');
});

test('exit status follows error-severity findings only', () => {
  assert.equal(hasErrors(results), true);
  const warningsOnly = results.map((r) => ({
    ...r,
    findings: r.findings.filter((f) => f.severity !== 'error'),
  }));
  assert.equal(hasErrors(warningsOnly), false);
});

test('findings are sorted by position, ties keep their order', () => {
  const a = finding({ span: { start: 5, end: 6 }, code: 'duplicate-option' });
  const b = finding({ span: { start: 1, end: 9 }, code: 'duplicate-alias' });
  const c = finding({ span: { start: 5, end: 5 }, code: 'duplicate-definition' });
  assert.deepEqual(
    sortFindings([a, b, c]).map((f) => f.code),
    ['duplicate-alias', 'duplicate-option', 'duplicate-definition'],
  );
});
