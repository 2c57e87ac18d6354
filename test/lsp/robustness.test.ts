import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic, FullDocumentDiagnosticReport, Range } from 'vscode-languageserver/node';
import { UNPARSABLE_RULE } from './fixtures';
import { TempFolder, withServer } from './lsp-client';
import { seededRandom as random } from '../support/seeded-random';

const FRAGMENTS = [
  '[RULES]',
  '[OPTIONS]',
  '[ALIASES]',
  '[IPSET x]',
  '[group g] # c',
  '[',
  ']',
  '|',
  '#',
  'IN',
  'OUT',
  'GROUP',
  'FORWARD',
  'ACCEPT',
  'SSH(ACCEPT)',
  '(',
  ')',
  '-p',
  '-dport',
  '--source',
  '+',
  '+dc/',
  'guest/',
  '!',
  ':',
  '10.0.0.0/8',
  'fd00::/8',
  '1:65535',
  '\t',
  '  ',
  '\r',
  '\0',
  '\uFFFF',
  '\uD800',
  '\uDC00',
  '😀',
  'é',
  '\u2028',
];

/** 2,000 lines of random bytes mixed with pieces of the file format. */
function garbage(seed: number, lines = 2000): string {
  const next = random(seed);
  const out: string[] = [];
  for (let line = 0; line < lines; line++) {
    let text = '';
    const parts = Math.floor(next() * 12);
    for (let i = 0; i < parts; i++) {
      text +=
        next() < 0.5
          ? FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]!
          : String.fromCharCode(
              ...Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.floor(next() * 256)),
            );
      if (next() < 0.6) text += ' ';
    }
    out.push(text);
  }
  return out.join('\n');
}

function randomRange(next: () => number, lines: number): Range {
  const position = () => ({
    line: Math.floor(next() * (lines + 5)),
    character: Math.floor(next() * 300),
  });
  const a = position();
  const b = position();
  return a.line < b.line || (a.line === b.line && a.character <= b.character)
    ? { start: a, end: b }
    : { start: b, end: a };
}

function assertWithin(diagnostics: readonly Diagnostic[], lineCount: number): void {
  for (const d of diagnostics) {
    const { start, end } = d.range;
    assert.ok(
      start.line >= 0 && start.character >= 0 && end.line < lineCount,
      JSON.stringify(d.range),
    );
    assert.ok(
      start.line < end.line || (start.line === end.line && start.character <= end.character),
      JSON.stringify(d.range),
    );
  }
}

test('push: 2,000 lines of garbage in every kind of file, then edits, and the server still answers', async () => {
  const folder = new TempFolder();
  await withServer({ pull: false, folders: [folder.root] }, async (client) => {
    const files = [
      'firewall/cluster.fw',
      'firewall/100.fw',
      'nodes/pve1/host.fw',
      'sdn/firewall/vnet0.fw',
    ];
    for (const [i, file] of files.entries()) {
      const uri = folder.uri(file);
      const text = garbage(i + 1);
      await client.open(uri, text);
      assertWithin((await client.nextDiagnostics(uri)).diagnostics, text.split('\n').length);
    }
    const next = random(99);
    const uri = folder.uri('firewall/cluster.fw');
    let version = 1;
    for (let i = 0; i < 50; i++) {
      version = await client.edit(uri, [
        { range: randomRange(next, 2000), text: garbage(1000 + i, 3) },
      ]);
    }
    // 50 edits of a 2,000-line file, each re-checking four 2,000-line files: on a busy 2-core
    // machine that takes longer than an ordinary wait, and only the server's survival is asserted.
    await client.nextDiagnostics(uri, (p) => p.version === version, 60_000);
    // The guest depends on the garbage cluster.fw; it was re-checked too, and the server lives.
    assert.equal(await client.shutdown(), 0);
  });
  folder.dispose();
});

test('pull: garbage gets a report and the server keeps answering', async () => {
  const folder = new TempFolder();
  await withServer({ pull: true }, async (client) => {
    const uri = folder.uri('firewall/cluster.fw');
    const text = garbage(7);
    await client.open(uri, text);
    const report = (await client.pull(uri)) as FullDocumentDiagnosticReport;
    assert.equal(report.kind, 'full');
    assertWithin(report.items, text.split('\n').length);
    await client.change(uri, '\uD800'.repeat(10_000));
    assert.equal((await client.pull(uri)).kind, 'full');
  });
  folder.dispose();
});

test('a .fw file of unknown kind gets one unknown-file-kind diagnostic, as the CLI gives it', async () => {
  const folder = new TempFolder();
  const codes = (diagnostics: readonly { code?: string | number }[]): unknown[] =>
    diagnostics.map((d) => d.code);
  await withServer({ pull: false }, async (client) => {
    const notes = folder.uri('notes.fw');
    await client.open(notes, UNPARSABLE_RULE);
    assert.deepEqual(codes((await client.nextDiagnostics(notes)).diagnostics), [
      'unknown-file-kind',
    ]);
    await client.change(notes, UNPARSABLE_RULE + UNPARSABLE_RULE);
    assert.deepEqual(codes((await client.nextDiagnostics(notes)).diagnostics), [
      'unknown-file-kind',
    ]);

    const cluster = folder.uri('cluster.fw');
    await client.open(cluster, '[RULES]\n');
    await client.nextDiagnostics(cluster);
  });
  await withServer({ pull: true }, async (client) => {
    const notes = folder.uri('notes.fw');
    await client.open(notes, UNPARSABLE_RULE);
    const report = (await client.pull(notes)) as FullDocumentDiagnosticReport;
    assert.deepEqual(codes(report.items), ['unknown-file-kind']);
  });
  folder.dispose();
});

test('malformed messages do not take the server down', async () => {
  await withServer({ pull: true }, async (client) => {
    await client.open('not a uri', '[RULES]\nIN ACCEPT\n');
    await client.open('untitled:Untitled-1', UNPARSABLE_RULE);
    await client.change('file:///never/opened/cluster.fw', 'x');
    await client.close('file:///never/opened/100.fw');
    await client.filesChanged([
      { uri: '%%%', type: 2 },
      { uri: 'file:///nope/cluster.fw', type: 3 },
    ]);
    assert.equal((await client.pull('untitled:Untitled-1')).kind, 'full');
    assert.equal((await client.pull('::::')).kind, 'full');
    await assert.rejects(client.request('pvefw/no-such-request', {}));
    assert.equal((await client.pull('untitled:Untitled-1')).kind, 'full');
  });
});
