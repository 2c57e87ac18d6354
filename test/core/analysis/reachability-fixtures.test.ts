// Reachability findings as annotated .fw files: each folder of test/fixtures/reachability is a
// small cluster (cluster.fw, optionally host.fw for node pve1, and <vmid>.fw guests), and every
// finding the analysis gives is written under the line it points at (test/support/annotations.ts).
// A folder passes when the findings and the annotations agree exactly: none missing, none extra.
// PVEFW_UPDATE_FIXTURES=1 rewrites the annotations from what the analysis gives (review the diff).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { buildClusterModel, checkReachability, LineIndex } from '../../../server/src/core';
import {
  compareAnnotations,
  readAnnotations,
  writeAnnotations,
  type Found,
} from '../../support/annotations';

const FIXTURES = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'reachability');
const UPDATE = process.env['PVEFW_UPDATE_FIXTURES'] === '1';
const GUEST_FILE = /^(\d+)\.fw$/;

function findingsOf(folder: string, texts: ReadonlyMap<string, string>): Map<string, Found[]> {
  const guests = [...texts.keys()].flatMap((name) => {
    const vmid = GUEST_FILE.exec(name)?.[1];
    return vmid ? [{ vmid: Number(vmid), file: { path: name, text: texts.get(name)! } }] : [];
  });
  const cluster = texts.get('cluster.fw');
  assert.ok(cluster !== undefined, `${folder} has a cluster.fw`);
  const host = texts.get('host.fw');
  const model = buildClusterModel({
    cluster: { path: 'cluster.fw', text: cluster },
    hosts: host !== undefined ? [{ node: 'pve1', file: { path: 'host.fw', text: host } }] : [],
    guests,
    sdnIpSets: [],
  });
  const out = new Map<string, Found[]>();
  for (const [path, findings] of checkReachability(model)) {
    const text = texts.get(path)!;
    const index = new LineIndex(text);
    const lines = text.split('\n');
    out.set(
      path,
      findings.map((f) => {
        const from = index.positionAt(f.span.start);
        const to = index.positionAt(f.span.end);
        const end = to.line === from.line ? to.character : lines[from.line]!.length;
        return { line: from.line, start: from.character, end, code: f.code, message: f.message };
      }),
    );
  }
  return out;
}

const folders = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

test('the reachability fixtures are there', () => {
  assert.ok(folders.length >= 10, `${folders.length} fixture folders in ${FIXTURES}`);
});

for (const folder of folders) {
  test(`reachability fixture: ${folder}`, () => {
    const dir = join(FIXTURES, folder);
    const names = readdirSync(dir).filter((name) => name.endsWith('.fw'));
    const texts = new Map(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    const found = findingsOf(folder, texts);
    const problems: string[] = [];
    for (const name of names) {
      const text = texts.get(name)!;
      const mine = found.get(name) ?? [];
      if (UPDATE) writeFileSync(join(dir, name), writeAnnotations(text, mine));
      else problems.push(...compareAnnotations(`${folder}/${name}`, readAnnotations(text), mine));
    }
    for (const path of found.keys())
      if (!texts.has(path)) problems.push(`findings for a file the fixture does not have: ${path}`);
    assert.deepEqual(problems, []);
  });
}

test('annotations: carets give the columns, a # before them column 0, and text after a colon', () => {
  const text =
    'IN DROP -p tcp\n#^^^^^^ shadowed-rule: accepted by\n#  ^^^^ other-code\nIN ACCEPT\n';
  assert.deepEqual(readAnnotations(text), [
    { line: 0, start: 0, end: 7, code: 'shadowed-rule', text: 'accepted by' },
    { line: 0, start: 3, end: 7, code: 'other-code' },
  ]);
  assert.deepEqual(readAnnotations('# a comment: not one\n#^^ not a code\n'), []);
});

test('annotations: a missing, an extra and a wrongly said finding are each reported', () => {
  const annotations = readAnnotations(
    'IN DROP\n#^^^^^^ shadowed-rule: accepted\n#^^^^^^ redundant-rule\n',
  );
  const found = [
    { line: 0, start: 0, end: 7, code: 'shadowed-rule', message: 'is dropped by line 4' },
    { line: 0, start: 0, end: 7, code: 'disabled-rule', message: 'disabled' },
  ];
  assert.deepEqual(compareAnnotations('f.fw', annotations, found), [
    'f.fw:1:1-8 shadowed-rule: the message does not say "accepted": is dropped by line 4',
    'expected, not found: f.fw:1:1-8 redundant-rule',
    'found, not annotated: f.fw:1:1-8 disabled-rule: disabled',
  ]);
});

test('annotations: rewriting keeps a text that is still true and drops one that is not', () => {
  const text =
    'IN DROP\n#^^^^^^ shadowed-rule: by line 4\nIN ACCEPT\n#^^^^^^^^ redundant-rule: gone\n';
  const found = [
    { line: 0, start: 0, end: 7, code: 'shadowed-rule', message: 'taken by line 4' },
    { line: 2, start: 3, end: 9, code: 'redundant-rule', message: 'changes nothing' },
  ];
  assert.equal(
    writeAnnotations(text, found),
    'IN DROP\n#^^^^^^ shadowed-rule: by line 4\nIN ACCEPT\n#  ^^^^^^ redundant-rule\n',
  );
});
