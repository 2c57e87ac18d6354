// Finding → Diagnostic, data in, data out (no server needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../server/src/core/index';
import { findingsToDiagnostics, sameDiagnostics } from '../../server/src/lsp/diagnostic-conversion';
import type { LocatedText } from '../../server/src/lsp/diagnostic-conversion';

const HERE: LocatedText = {
  uri: 'file:///etc/pve/firewall/100.fw',
  text: '[RULES]\n# 😀 x\nIN ACCEPT -source +web\n',
};
const CLUSTER: LocatedText = {
  uri: 'file:///etc/pve/firewall/cluster.fw',
  text: '[OPTIONS]\nenable: 1\n[IPSET web]\n',
};

function finding(overrides: Partial<Finding>): Finding {
  return {
    code: 'undefined-ipset',
    severity: 'error',
    message: "no such ipset 'web'",
    span: { start: 33, end: 37 },
    proxmox: null,
    related: [],
    ...overrides,
  };
}

const cases: { name: string; finding: Finding; expected: Record<string, unknown> }[] = [
  {
    name: 'range, code, source, message, data',
    finding: finding({ proxmox: 'kept-with-errors' }),
    expected: {
      range: { start: { line: 2, character: 18 }, end: { line: 2, character: 22 } },
      severity: 1,
      code: 'undefined-ipset',
      source: 'pvefw',
      message: "no such ipset 'web'",
      data: { proxmox: 'kept-with-errors' },
    },
  },
  {
    name: 'characters count UTF-16 code units (the emoji is two)',
    finding: finding({ severity: 'warning', span: { start: 13, end: 14 } }),
    expected: {
      range: { start: { line: 1, character: 5 }, end: { line: 1, character: 6 } },
      severity: 2,
    },
  },
  {
    name: 'hint joins the message',
    finding: finding({ severity: 'information', hint: 'define it in cluster.fw' }),
    expected: { message: "no such ipset 'web' — define it in cluster.fw", severity: 3 },
  },
  {
    name: 'hint severity; an end before the start collapses to the start',
    finding: finding({ severity: 'hint', span: { start: 8, end: 3 } }),
    expected: {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      severity: 4,
    },
  },
  {
    name: 'related locations in this file and in another; unknown files are left out',
    finding: finding({
      related: [
        { span: { start: 0, end: 7 }, message: 'section' },
        {
          path: '/etc/pve/firewall/cluster.fw',
          span: { start: 20, end: 31 },
          message: 'defined here',
        },
        { path: '/nowhere/cluster.fw', span: { start: 0, end: 1 }, message: 'lost' },
      ],
    }),
    expected: {
      relatedInformation: [
        {
          location: {
            uri: HERE.uri,
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } },
          },
          message: 'section',
        },
        {
          location: {
            uri: CLUSTER.uri,
            range: { start: { line: 2, character: 0 }, end: { line: 2, character: 11 } },
          },
          message: 'defined here',
        },
      ],
    },
  },
];

for (const { name, finding: input, expected } of cases) {
  test(`conversion: ${name}`, () => {
    const locate = (path: string): LocatedText | undefined =>
      path === '/etc/pve/firewall/cluster.fw' ? CLUSTER : undefined;
    const [diagnostic] = findingsToDiagnostics([input], HERE, locate);
    const picked = Object.fromEntries(
      Object.keys(expected).map((key) => [key, (diagnostic as Record<string, unknown>)[key]]),
    );
    assert.deepEqual(picked, expected);
  });
}

test('conversion: no related locations means no relatedInformation field', () => {
  const [diagnostic] = findingsToDiagnostics([finding({})], HERE);
  assert.equal('relatedInformation' in diagnostic!, false);
});

test('conversion: no Proxmox verdict means no data field (a 10,000-rule file has thousands)', () => {
  const [diagnostic] = findingsToDiagnostics([finding({ proxmox: null })], HERE);
  assert.equal('data' in diagnostic!, false);
});

test('sameDiagnostics tells lists apart by every field a client is sent', () => {
  const locate = (path: string): LocatedText | undefined =>
    path === '/etc/pve/firewall/cluster.fw' ? CLUSTER : undefined;
  const related = [
    { path: '/etc/pve/firewall/cluster.fw', span: { start: 21, end: 30 }, message: 'here' },
  ];
  const base = finding({ related });
  const convert = (f: Finding, describe?: (code: string) => string | undefined) =>
    findingsToDiagnostics([f], HERE, locate, describe);
  assert.ok(sameDiagnostics(convert(base), convert({ ...base })));
  const variants: Partial<Finding>[] = [
    { message: 'other' },
    { code: 'undefined-alias' },
    { severity: 'warning' },
    { proxmox: 'dropped' },
    { span: { start: 33, end: 36 } },
    { span: { start: 34, end: 37 } },
    { related: [] },
    { related: [{ ...related[0]!, message: 'there' }] },
    { related: [{ ...related[0]!, span: { start: 21, end: 31 } }] },
    { related: [{ span: { start: 21, end: 30 }, message: 'here' }] },
    { hint: 'a hint' },
  ];
  for (const change of variants)
    assert.ok(
      !sameDiagnostics(convert(base), convert({ ...base, ...change })),
      Object.keys(change)[0],
    );
  assert.ok(
    !sameDiagnostics(
      convert(base),
      convert(base, () => 'https://docs.invalid/#x'),
    ),
  );
  assert.ok(!sameDiagnostics(convert(base), []));
  const diagnostic = convert(base)[0]!;
  assert.ok(!sameDiagnostics([diagnostic], [{ ...diagnostic, source: 'other' }]));
});
