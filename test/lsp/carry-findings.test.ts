// Findings carried over an edit until the next analysis: every place they name moves with its
// text, and a finding whose place an edit touched is withdrawn (never shown at a wrong line).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../server/src/core';
import { Carry, mapNamedLines } from '../../server/src/lsp/carry-findings';
import { seededInts } from '../support/seeded-random';

const GUEST = '[RULES]\nIN ACCEPT -p tcp -dport 22\nIN DROP -p tcp -dport 22 -source 10.0.0.5\n';
const CLUSTER = '[RULES]\nIN ACCEPT -p tcp -dport 80\n';

function at(text: string, line: number): { start: number; end: number } {
  const lines = text.split('\n');
  const start = lines.slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
  return { start, end: start + lines[line - 1]!.length };
}

function shadowed(message: string, related: Finding['related'] = []): Finding {
  return {
    code: 'shadowed-rule',
    severity: 'warning',
    message,
    span: at(GUEST, 3),
    proxmox: null,
    related,
  };
}

const before = new Map([
  ['/pve/firewall/100.fw', GUEST],
  ['/pve/firewall/cluster.fw', CLUSTER],
]);

test('lines added above move the finding, its related location and the line its message names', () => {
  const now = new Map([['/pve/firewall/100.fw', `# a\n# b\n${GUEST}`]]);
  const finding = shadowed('taken by 100.fw line 2', [
    { span: at(GUEST, 2), message: 'takes its packets first' },
  ]);
  const [carried] = new Carry(before, now).findings([finding], '/pve/firewall/100.fw');
  assert.equal(carried?.message, 'taken by 100.fw line 4');
  assert.deepEqual(carried?.span, { start: finding.span.start + 8, end: finding.span.end + 8 });
  assert.deepEqual(carried?.related[0]?.span.start, finding.related[0]!.span.start + 8);
});

test('an edit below leaves everything where it was', () => {
  const now = new Map([['/pve/firewall/100.fw', `${GUEST}IN ACCEPT -p udp\n`]]);
  const finding = shadowed('taken by 100.fw line 2');
  assert.deepEqual(new Carry(before, now).findings([finding], '/pve/firewall/100.fw'), [finding]);
});

test('a finding whose rule, blocker or named line an edit touches is withdrawn', () => {
  const editRule = new Map([['/pve/firewall/100.fw', GUEST.replace('10.0.0.5', '10.0.0.6')]]);
  assert.deepEqual(
    new Carry(before, editRule).findings([shadowed('x')], '/pve/firewall/100.fw'),
    [],
  );
  const editBlocker = new Map([
    ['/pve/firewall/100.fw', GUEST.replace('22\nIN DROP', '23\nIN DROP')],
  ]);
  assert.deepEqual(
    new Carry(before, editBlocker).findings(
      [shadowed('taken by 100.fw line 2', [{ span: at(GUEST, 2), message: 'm' }])],
      '/pve/firewall/100.fw',
    ),
    [],
  );
  const editCluster = new Map([['/pve/firewall/cluster.fw', CLUSTER.replace('80', '81')]]);
  assert.deepEqual(
    new Carry(before, editCluster).findings(
      [shadowed('taken by cluster.fw line 2')],
      '/pve/firewall/100.fw',
    ),
    [],
  );
});

test('a line named by a base name two files share is withdrawn when either changed', () => {
  const hosts = new Map([
    ...before,
    ['/pve/nodes/pve1/host.fw', CLUSTER],
    ['/pve/nodes/pve2/host.fw', CLUSTER],
  ]);
  const now = new Map([['/pve/nodes/pve2/host.fw', `# new\n${CLUSTER}`]]);
  const carry = new Carry(hosts, now);
  assert.deepEqual(
    carry.findings([shadowed('taken by host.fw line 2')], '/pve/firewall/100.fw'),
    [],
  );
  const unrelated = shadowed('taken by 100.fw line 2');
  assert.deepEqual(carry.findings([unrelated], '/pve/firewall/100.fw'), [unrelated]);
});

test('named lines are found exactly where the regex of their format finds them', () => {
  // A seeded walk over the characters that matter to the format: names, dots, dashes, digits,
  // blanks, slashes, letters right after the number.
  const pieces = [
    '100',
    '.fw',
    ' line ',
    '7',
    '12',
    'a',
    '-',
    '.',
    ' ',
    '/',
    'host',
    '_',
    '(',
    'é',
  ];
  const next = seededInts(7);
  const regex = /\b([\w.-]+\.fw) line (\d+)\b/g;
  for (let i = 0; i < 5000; i++) {
    let message = '';
    for (let n = next(14); n > 0; n--) message += pieces[next(pieces.length)];
    const map = (name: string, line: number): number => line + name.length;
    assert.equal(
      mapNamedLines(message, map),
      message.replace(regex, (all, name: string, n: string) => {
        const mapped = map(name, Number(n));
        return mapped === Number(n) ? all : `${name} line ${mapped}`;
      }),
      JSON.stringify(message),
    );
  }
});
