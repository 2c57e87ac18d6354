// Formatting normalises spacing only where Proxmox reads the line the same; on every corpus file
// it is idempotent and leaves Proxmox's reading (configuration and verdicts) unchanged.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  applyEdits,
  checkFile,
  fileKindFromPath,
  formatEdits,
  ParsedFwFile,
  type FileKind,
} from '../../../server/src/core';
import { fwFiles, listDirs, readText, sharedCorpusDir } from '../../support/corpus';

function format(text: string, kind: FileKind = 'cluster'): string {
  const parsed = new ParsedFwFile(text, kind);
  return applyEdits(text, formatEdits(parsed));
}

const CASES: readonly (readonly [name: string, before: string, after: string])[] = [
  ['blanks around lines go', '  [RULES]  \n\tIN ACCEPT\t\n   \n', '[RULES]\nIN ACCEPT\n\n'],
  [
    'runs of blanks in a rule become one',
    '[RULES]\nIN \t ACCEPT   -p tcp    -dport 22\n',
    '[RULES]\nIN ACCEPT -p tcp -dport 22\n',
  ],
  [
    'comments get " # "',
    '[RULES]\nIN ACCEPT -p tcp -dport 22#ssh\n',
    '[RULES]\nIN ACCEPT -p tcp -dport 22 # ssh\n',
  ],
  [
    'the disabling bar and macros stay',
    '[RULES]\n|in  ssh(ACCEPT)  -i net0\n',
    '[RULES]\n|in ssh(ACCEPT) -i net0\n',
  ],
  [
    'options: key, colon, one blank',
    '[OPTIONS]\nenable:1\npolicy_in:    DROP\n',
    '[OPTIONS]\nenable: 1\npolicy_in: DROP\n',
  ],
  [
    'ipset entries and headers',
    '[IPSET  web]   #  front\n!  10.0.0.1   #x\n',
    '[IPSET web] # front\n!10.0.0.1 # x\n',
  ],
  ['aliases', '[ALIASES]\ngw\t10.0.0.1   #  router\n', '[ALIASES]\ngw 10.0.0.1 # router\n'],
  // Two blanks after a flag make Proxmox drop the line; fixing that changes meaning, so no.
  [
    'a line Proxmox cannot read is only trimmed',
    '[RULES]\n  IN ACCEPT -p  tcp   -dport 22  \n',
    '[RULES]\nIN ACCEPT -p  tcp   -dport 22\n',
  ],
  [
    'a malformed alias keeps its two blanks',
    '[ALIASES]\ngw  10.0.0.1\n',
    '[ALIASES]\ngw  10.0.0.1\n',
  ],
  [
    'an option line with a comment is not touched',
    '[OPTIONS]\nenable:  1 # on\n',
    '[OPTIONS]\nenable:  1 # on\n',
  ],
  [
    'a CRLF file is left alone (a quick fix converts it)',
    '[RULES]\r\nIN  ACCEPT\r\n',
    '[RULES]\r\nIN  ACCEPT\r\n',
  ],
];

for (const [name, before, after] of CASES) {
  test(`format: ${name}`, () => assert.equal(format(before), after));
}

test('format: a range formats only the lines it touches', () => {
  const text = '[RULES]\nIN  ACCEPT\nOUT  ACCEPT\n';
  const parsed = new ParsedFwFile(text, 'cluster');
  const second = text.indexOf('OUT');
  assert.equal(
    applyEdits(text, formatEdits(parsed, { start: second, end: second })),
    '[RULES]\nIN  ACCEPT\nOUT ACCEPT\n',
  );
});

const corpus = sharedCorpusDir();
test(
  'format: every corpus file keeps its meaning and formats to a fixed point',
  { skip: !corpus && 'no shared corpus' },
  () => {
    let formatted = 0;
    for (const group of ['edge', 'upstream']) {
      for (const dir of listDirs(join(corpus!, group))) {
        const paths = [...fwFiles(join(corpus!, group, dir))];
        for (const path of paths) {
          const kind =
            fileKindFromPath(path.replace(/\/(\d+|host|cluster)\.fw$/, '/firewall/$1.fw')) ??
            'cluster';
          const text = readText(path);
          const once = format(text, kind);
          if (once !== text) formatted++;
          assert.equal(format(once, kind), once, `${path}: formatting twice changes nothing`);
          const verdicts = (t: string): string[] =>
            checkFile({ path, text: t }, kind, { nowSeconds: 0 }).map(
              (f) => `${f.code} ${f.message}`,
            );
          assert.deepEqual(verdicts(once), verdicts(text), `${path}: same findings`);
        }
      }
    }
    assert.ok(formatted > 0, 'some corpus file had spacing to normalise');
  },
);
