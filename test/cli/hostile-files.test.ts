// Issue 15: `pvefw check` on files built to hurt. A named pipe is not read (it would block for
// ever) but named; terminal control characters in a file or a file name are printed escaped,
// in text and in JSON, so a finding can never retitle, clear or rewrite the user's terminal.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertUsageFailure, cleanup, makeTree, pvefw } from './helpers';

const temps: string[] = [];
after(() => temps.forEach(cleanup));

function tree(files: Readonly<Record<string, string>> = {}): string {
  const root = makeTree(files);
  temps.push(root);
  return root;
}

/** C0 controls but newline, DEL and C1 controls: what a terminal may act on. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

test('a named pipe is named, not read: pvefw check does not block', () => {
  const root = tree();
  execFileSync('mkfifo', [join(root, 'cluster.fw')]);
  const result = pvefw(['check', 'cluster.fw'], root);
  assertUsageFailure(result, /'cluster\.fw' is a named pipe, not a regular file/);
});

test('a named pipe in a folder, or as --cluster, is not read either', () => {
  const root = tree({ 'firewall/100.fw': '[RULES]\nIN ACCEPT\n' });
  execFileSync('mkfifo', [join(root, 'firewall', 'cluster.fw')]);
  execFileSync('mkfifo', [join(root, 'pipe.fw')]);
  const walked = pvefw(['check', 'firewall'], root);
  assert.equal(walked.status, 0, walked.stderr);
  const explicit = pvefw(['check', '--cluster', 'pipe.fw', 'firewall/100.fw'], root);
  assertUsageFailure(explicit, /'pipe\.fw' is a named pipe, not a regular file/);
});

test('a topology.json that is a named pipe is named, not read', () => {
  const root = tree({ 'firewall/cluster.fw': '[RULES]\nIN ACCEPT\n' });
  execFileSync('mkfifo', [join(root, 'firewall', 'topology.json')]);
  const result = pvefw(['check', 'firewall'], root);
  assertUsageFailure(result, /topology\.json' is a named pipe, not a regular file/);
});

test('terminal escapes in a file are printed escaped, in text and in JSON', () => {
  const evil = '22\u001b]0;owned\u0007\u001b[2J\u009b31m';
  const root = tree({ 'cluster.fw': `[RULES]\nIN ACCEPT -p tcp -dport ${evil}\n` });
  const text = pvefw(['check', 'cluster.fw'], root);
  assert.equal(text.status, 1, text.stderr);
  assert.ok(!CONTROL.test(text.stdout + text.stderr), JSON.stringify(text.stdout));
  assert.match(text.stdout, /invalid port '22\\x1b\]0;owned\\x07\\x1b\[2J\\x9b31m'/);
  const json = pvefw(['check', '--format', 'json', 'cluster.fw'], root);
  assert.ok(!CONTROL.test(json.stdout), JSON.stringify(json.stdout));
  const parsed = JSON.parse(json.stdout) as {
    files: { diagnostics: { message: string }[] }[];
  };
  assert.ok(parsed.files[0]!.diagnostics.some((d) => d.message.includes(evil)));
});

test('terminal escapes in a file name are printed escaped', () => {
  const root = tree();
  const name = 'x\u001b[2J.fw';
  writeFileSync(join(root, name), '[RULES]\nIN ACCEPT -p tcp -dport 99999\n');
  const result = pvefw(['check', '--kind', 'guest', name], root);
  assert.equal(result.status, 1, result.stderr);
  assert.ok(!CONTROL.test(result.stdout + result.stderr));
  assert.match(result.stdout, /^x\\x1b\[2J\.fw:2:/m);
});
