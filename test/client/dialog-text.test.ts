// The pieces the editor's refusal dialogs are made of: a lock-out cause traced to its line in the
// user's file, list keys in words, and text from a server or a repository made inert.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settledNotice } from '../../client/src/sync/logic/confirm-push';
import { firstConflictLine, pullNotice } from '../../client/src/sync/logic/merge';
import { causeLine, listInWords } from '../../client/src/sync/logic/refusal';
import { MAX_SHOWN, shownText } from '../../client/src/sync/logic/shown-text';

const CLUSTER = [
  '[OPTIONS]',
  '',
  'enable: 1',
  'policy_in: DROP',
  '',
  '[RULES]',
  '',
  'IN ACCEPT -p tcp -dport 22 # ssh',
  'IN  DROP   -p tcp -dport 8006   # web',
  'IN REJECT -dport 8007 -p tcp',
  '',
].join('\n');
const FILES = new Map([['firewall/cluster.fw', CLUSTER]]);

test("a lock-out cause names the line of the user's file that decides", () => {
  const cases: [cause: string, line: string | undefined][] = [
    // the rule as Proxmox's writer writes it; the user's line has more blanks and a comment
    ["the rule 'IN DROP -p tcp -dport 8006' in firewall/cluster.fw", 'firewall/cluster.fw:9'],
    // the writer put the options in another order
    ["the rule 'IN REJECT -p tcp -dport 8007' in firewall/cluster.fw", 'firewall/cluster.fw:10'],
    ['the default policy (policy_in: DROP in firewall/cluster.fw)', 'firewall/cluster.fw:4'],
    // nothing to point at: the policy is Proxmox's default, or the file is not in the workspace
    ['the default policy (policy_in is DROP unless cluster.fw sets it)', undefined],
    ["the rule 'IN DROP -p udp' in firewall/cluster.fw", undefined],
    ["the rule 'IN DROP -p tcp -dport 8006' in nodes/pve1/host.fw", undefined],
    ['PVEFW-HOST-IN', undefined],
  ];
  for (const [cause, line] of cases) assert.equal(causeLine(cause, FILES), line, cause);
});

test('list keys in words', () => {
  assert.equal(listInWords('firewall/cluster.fw#rules'), 'the rules of firewall/cluster.fw');
  assert.equal(listInWords('firewall/100.fw#aliases'), 'the aliases of firewall/100.fw');
  assert.equal(listInWords('firewall/cluster.fw#ipset:mgmt'), 'ipset mgmt in firewall/cluster.fw');
  assert.equal(listInWords('firewall/cluster.fw#group:web'), 'group web in firewall/cluster.fw');
  assert.equal(listInWords('nodes/pve1/host.fw#options'), 'the options of nodes/pve1/host.fw');
});

test('shown text: no link VS Code would make, no hidden control, no endless text', () => {
  assert.equal(
    shownText('see [here](command:pvefw.push) or [x](https://evil.example)'),
    'see [here] (command:pvefw.push) or [x] (https://evil.example)',
  );
  assert.equal(shownText('a\u0007b\u202ec\u2066d\u009be'), 'a\\u0007b\\u202ec\\u2066d\\u009be');
  assert.equal(shownText('two\nlines\tand a tab'), 'two\nlines\tand a tab');
  const long = shownText('x'.repeat(MAX_SHOWN * 3));
  assert.ok(long.length < MAX_SHOWN + 20 && long.endsWith('… (cut)'));
});

test('a pull says what it merged and kept, and where conflicts wait', () => {
  const empty = { written: [], deleted: [], unchanged: [], merged: [], conflicts: [], kept: [] };
  assert.deepEqual(pullNotice({ ...empty, unchanged: ['firewall/cluster.fw'] }), {
    level: 'info',
    message: 'Pulled: 0 files written, 0 deleted, 1 unchanged.',
    actions: [],
  });
  assert.equal(
    pullNotice({
      ...empty,
      written: ['firewall/100.fw'],
      merged: ['firewall/100.fw'],
      kept: ['firewall/101.fw'],
    }).message,
    "Pulled: 1 files written, 0 deleted, 0 unchanged; merged the cluster's changes with your edits in firewall/100.fw; kept your edits to firewall/101.fw.",
  );
  const conflict = { list: 'firewall/cluster.fw#rules' } as never;
  const conflicted = pullNotice({
    ...empty,
    written: ['firewall/cluster.fw', 'firewall/100.fw'],
    merged: ['firewall/cluster.fw', 'firewall/100.fw'],
    conflicts: [{ file: 'firewall/cluster.fw', conflicts: [conflict, conflict] }],
  });
  assert.equal(conflicted.level, 'warning');
  assert.match(
    conflicted.message,
    /^Pulled: 2 files written, 0 deleted, 0 unchanged; merged the cluster's changes with your edits in firewall\/100\.fw\. 2 merge conflicts in firewall\/cluster\.fw: /,
  );
  assert.deepEqual(conflicted.actions, ['Open the first conflict']);
});

test('the first conflict line: the opening marker, else the top', () => {
  assert.equal(
    firstConflictLine('[RULES]\n\nIN ACCEPT\n<<<<<<< local\nA\n=======\nB\n>>>>>>> cluster\n'),
    3,
  );
  assert.equal(firstConflictLine('[RULES]\n<<<<<<<< not a marker\n'), 0);
});

test("a pending push's end, as the log says it: confirmed, reverted, or not reverted", () => {
  const at = '2026-12-03T18:00:00.000Z';
  assert.equal(settledNotice(undefined), undefined);
  assert.equal(settledNotice(`${at} confirmed the push of ${at}`)?.level, 'info');
  const reverted = settledNotice(`${at} reverted the push of ${at} through https://h:8006: why`)!;
  assert.equal(reverted.level, 'warning');
  assert.match(reverted.message, /^The push was not confirmed and has been reverted: the push of /);
  const refused = settledNotice(
    `${at} did not revert the push of ${at} (late): someone changed it`,
  )!;
  assert.equal(refused.level, 'error');
  assert.equal(
    refused.message,
    `Commit-confirmed push: did not revert the push of ${at} (late): someone changed it`,
  );
});
