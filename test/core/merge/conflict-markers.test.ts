// The merge-conflict blocks pvefw pull writes are read as such: one merge-conflict error per
// block on its first line, naming what each side has, and no Proxmox verdict for the markers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFile, normaliseFile } from '../../../server/src/core';
import { fixture } from '../ide/fixture';

const findings = (text: string) =>
  checkFile({ path: 'firewall/cluster.fw', text }, 'cluster', { nowSeconds: 0 }).map((f) => [
    f.code,
    text.slice(0, f.span.start).split('\n').length,
    f.message,
  ]);

test('a block is one error on its first line, with both sides', () => {
  const text = [
    '[RULES]',
    'IN ACCEPT -p tcp -dport 22',
    '<<<<<<< local',
    'IN ACCEPT -p tcp -dport 443',
    'IN ACCEPT -p tcp -dport 444',
    '=======',
    '>>>>>>> cluster',
    '',
  ].join('\n');
  assert.deepEqual(findings(text), [
    [
      'merge-conflict',
      3,
      "merge conflict: the workspace has 'IN ACCEPT -p tcp -dport 443' and 1 more line, the cluster nothing; keep the lines you want, delete the three marker lines; push refuses while a marker is left",
    ],
  ]);
});

test('a marker outside a complete block is reported too', () => {
  const text = '[OPTIONS]\n=======\nenable: 1\n<<<<<<< local\npolicy_in: DROP\n';
  assert.deepEqual(
    findings(text).map(([code, line]) => [code, line]),
    [
      ['merge-conflict', 2],
      ['merge-conflict', 4],
    ],
  );
});

test('a line of six < or with text glued to the run is no marker', () => {
  const text = '[RULES]\n<<<<<< local\n<<<<<<<local\n';
  assert.ok(findings(text).every(([code]) => code !== 'merge-conflict'));
});

test('"Normalise as Proxmox writes it" refuses a file with markers (it would keep both sides)', () => {
  const { ws } = fixture({
    'firewall/cluster.fw': '[RULES]\n<<<<<<< local\nIN DROP\n=======\n>>>>>>> cluster\n',
  });
  const result = normaliseFile(ws.file('firewall/cluster.fw')!);
  assert.ok('error' in result && /merge-conflict markers/.test(result.error));
});
