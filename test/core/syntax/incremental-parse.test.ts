// The parse after an edit reuses the lines the edit did not touch (the ones above it as they were,
// the ones below it moved): it must be exactly the tree a whole parse of the new text gives, for
// every line kind, in every section, whatever the edit does to sections, numbers and offsets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FILE_KINDS, type FileKind } from '../../../server/src/core';
import { ParsedFwFile } from '../../../server/src/core/ide';
import { parseFwSyntax, type FwSyntaxTree } from '../../../server/src/core/syntax';
import { seededInts } from '../../support/seeded-random';

// Lines of every kind the parser tells apart, valid and not, for the sections of all file kinds.
const LINES = [
  '[OPTIONS]',
  'enable: 1',
  'policy_in: DROP',
  'log_ratelimit: enable=1,rate=1x/second',
  'nonsense option',
  'ndp: maybe',
  '[ALIASES]',
  'web 10.0.0.1 # the web server',
  'v6 fd00::/64',
  'bad 10.0.0.300',
  'lonely',
  '[IPSET office] # desk',
  '[IPSET Bad!name]',
  '10.1.0.0/16',
  '!10.1.2.0/24 # hole',
  'web',
  '[group webgroup]',
  '[RULES]',
  'IN ACCEPT -p tcp -dport 22 -source +office # ssh',
  '|OUT DROP -p udp -dport 53,123 -dport 5353 -log info',
  'IN SSH(ACCEPT) -i net0',
  'GROUP webgroup -i net1 -p tcp',
  'FORWARD REJECT',
  'unparsable',
  'IN ACCEPT -dport',
  '# a comment',
  '',
  '   \t ',
  '<<<<<<< local',
  '=======',
  '>>>>>>> cluster',
  '[VNET]',
];
// What an edit types or deletes: section changes, line breaks, bangs, comments, spaces.
const PIECES = [
  '\n',
  '[RULES]\n',
  '[IPSET x]\n',
  '[IPSET xy]\n',
  '[group gh]\n',
  '[group g]\n',
  '#',
  '|',
  '!',
  ' ',
  '\r\n',
  'x',
  '-p tcp ',
  '[',
  ']',
];

function edit(text: string, next: (n: number) => number): string {
  const at = next(text.length + 1);
  const removed = next(4) === 0 ? next(Math.min(40, text.length - at) + 1) : 0;
  let typed = '';
  for (let n = next(3); n > 0; n--) typed += PIECES[next(PIECES.length)];
  if (next(5) === 0) typed += LINES[next(LINES.length)];
  return text.slice(0, at) + typed + text.slice(at + removed);
}

test('a parse after random edits is the parse of the new text, in every file kind', () => {
  for (const kind of FILE_KINDS) {
    const next = seededInts(FILE_KINDS.indexOf(kind) + 11);
    for (let file = 0; file < 40; file++) {
      let text = '';
      for (let n = 3 + next(40); n > 0; n--) text += `${LINES[next(LINES.length)]}\n`;
      let tree = parseFwSyntax(text, kind);
      for (let step = 0; step < 25; step++) {
        const changed = edit(text, next);
        const incremental = parseFwSyntax(changed, kind, tree);
        assert.deepStrictEqual(
          incremental,
          parseFwSyntax(changed, kind),
          `${kind}: ${JSON.stringify(text)} → ${JSON.stringify(changed)}`,
        );
        text = changed;
        tree = incremental;
      }
    }
  }
});

test('lines above an edit are the same nodes, and so are the lines below one that moves nothing', () => {
  const text = '[RULES]\nIN ACCEPT -p tcp -dport 22\nIN ACCEPT -p tcp -dport 80\nIN DROP\n';
  const before = parseFwSyntax(text, 'guest');
  const retyped = parseFwSyntax(text.replace('dport 80', 'dport 81'), 'guest', before);
  assert.equal(retyped.lines[1], before.lines[1]);
  assert.notEqual(retyped.lines[2], before.lines[2]);
  assert.equal(retyped.lines[3], before.lines[3]);
  const longer = parseFwSyntax(text.replace('dport 80', 'dport 8080'), 'guest', before);
  assert.equal(longer.lines[1], before.lines[1]);
  assert.notEqual(longer.lines[3], before.lines[3]);
  assert.equal(
    (longer.lines[3] as { line: { start: number } }).line.start,
    before.lines[3]!.line.start + 2,
  );
});

test('a new header re-reads the lines below it in their new section', () => {
  const text = '[RULES]\nIN ACCEPT\n10.0.0.1\n';
  const before = parseFwSyntax(text, 'cluster');
  const after = parseFwSyntax(
    text.replace('IN ACCEPT\n', 'IN ACCEPT\n[IPSET set]\n'),
    'cluster',
    before,
  );
  assert.equal(after.lines[3]?.kind, 'ipset-entry');
});

test('an ipset renamed in its header takes the entries below it along', () => {
  const text = '[IPSET one]\n10.0.0.1\n[IPSET two]\n10.0.0.2\n';
  const before = parseFwSyntax(text, 'cluster');
  const after = parseFwSyntax(text.replace('one', 'uno'), 'cluster', before);
  assert.equal((after.lines[1] as { set: string }).set, 'uno');
  assert.equal(after.lines[3], before.lines[3]);
});

test('ParsedFwFile reuses the previous parse only of the same kind', () => {
  const text = '[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT\n';
  const kinds: FileKind[] = ['cluster', 'host'];
  const host = new ParsedFwFile(text, 'host');
  const cluster = new ParsedFwFile(text, kinds[0]!, host);
  assert.deepStrictEqual(cluster.tree, parseFwSyntax(text, 'cluster'));
});

test('a tree kept over many edits keeps no old text alive, only the lines it holds', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const rule = (n: number): string => `IN ACCEPT -p tcp -dport ${n} -source 10.0.${n % 250}.0/24\n`;
  const first = `[RULES]\n${Array.from({ length: 20_000 }, (_, n) => rule(n)).join('')}`;
  // Each edit makes a new text of about 1 MB; a tree that kept each would grow by 60 MB.
  const edited = (start: FwSyntaxTree): FwSyntaxTree => {
    let tree = start;
    for (let n = 0; n < 60; n++) {
      const at = tree.text.indexOf('\n', (n * 15_013) % tree.text.length) + 1;
      const text = `${tree.text.slice(0, at)}${rule(100_000 + n)}${tree.text.slice(at)}`;
      tree = parseFwSyntax(text, 'guest', tree);
    }
    return tree;
  };
  const start = parseFwSyntax(first, 'guest');
  gc();
  const before = process.memoryUsage().heapUsed;
  const tree = edited(start);
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 1e6;
  assert.equal(tree.lines.length, 20_062);
  assert.ok(grown < 20, `the heap grew by ${grown.toFixed(1)} MB`);
});
