// `pvefw diff A B` (issue 19): what a change does, offline, between two folders or two git
// revisions of a repository made here, with the plan's own impact engine.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertNoStack, assertUsageFailure, cleanup, makeTree, pvefw, writeTree } from './helpers';

const made: string[] = [];
after(() => made.forEach(cleanup));

function tree(files: Record<string, string>): string {
  const root = makeTree(files);
  made.push(root);
  return root;
}

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'pvefw test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'pvefw test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: repo,
    },
  });
}

/** A repository with one commit per state, in the /etc/pve layout with a topology. */
function repository(states: readonly Record<string, string>[]): string {
  const repo = tree({});
  git(repo, 'init', '-q', '-b', 'main');
  states.forEach((files, i) => {
    writeTree(repo, files);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', `state ${i}`);
  });
  return repo;
}

const TOPOLOGY = JSON.stringify({
  localNode: 'pve1',
  nodes: [{ name: 'pve1', address: '10.0.0.11' }],
  guests: [
    {
      vmid: 101,
      kind: 'vm',
      node: 'pve1',
      nics: [{ name: 'net0', bridge: 'vmbr0', firewall: true }],
    },
  ],
});

const CLUSTER = (rules: string): string =>
  `[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[IPSET office]\n198.51.100.0/24\n\n[RULES]\n${rules}`;

const BASE = {
  'firewall/cluster.fw': CLUSTER('IN ACCEPT -p tcp -dport 22\n'),
  'firewall/101.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\n',
  'topology.json': TOPOLOGY,
};

test('two folders: the flows that change, each with its packet and the lines on each side', () => {
  const a = tree(BASE);
  const b = tree({
    ...BASE,
    'firewall/cluster.fw': CLUSTER('IN ACCEPT -p tcp -dport 22 -source +office\n'),
  });
  const run = pvefw(['diff', a, b], a);
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stdout,
    /^host pve1: inbound tcp port 22 to pve1 from anywhere except \+office: ACCEPT → DROP\n {8}e\.g\. IPv4 tcp 192\.0\.2\.1:40000 → 10\.0\.0\.11:22\n {8}in .*: firewall\/cluster\.fw line 9: IN ACCEPT -p tcp -dport 22\n {8}in .*: policy_in: DROP \(firewall\/cluster\.fw\)$/m,
  );
  // The guest's rules did not change: nothing about it.
  assert.doesNotMatch(run.stdout, /guest 101/);
  assert.match(run.stdout, /classes of flows change verdict between/);
  assert.equal(pvefw(['diff', '--detailed-exitcode', a, b], a).status, 2);
  const same = pvefw(['diff', '--detailed-exitcode', a, a], a);
  assert.equal(same.status, 0, same.stderr);
  assert.match(same.stdout, /^No flow gets another verdict between /m);
});

test('two git revisions, a revision against the working folder, and --path', () => {
  const repo = repository([
    BASE,
    {
      'firewall/101.fw':
        '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\nIN ACCEPT -p tcp -dport 8080\n',
    },
  ]);
  const run = pvefw(['diff', 'HEAD~1', 'HEAD', '--format', 'json'], repo);
  assert.equal(run.status, 0, run.stderr);
  const json = JSON.parse(run.stdout) as {
    a: string;
    b: string;
    changes: { where: string; flow: string; before: string; after: string; afterBy: string[] }[];
  };
  assert.equal(json.a, 'HEAD~1');
  const guest = json.changes.find((c) => c.where === 'guest 101 net0');
  assert.ok(guest, run.stdout);
  assert.equal(guest.flow, 'inbound tcp port 8080 to guest 101 from anywhere');
  assert.deepEqual([guest.before, guest.after], ['DROP', 'ACCEPT']);
  assert.deepEqual(guest.afterBy, ['firewall/101.fw line 6: IN ACCEPT -p tcp -dport 8080']);

  // Uncommitted: the folder itself against HEAD.
  writeTree(repo, { 'firewall/101.fw': '[OPTIONS]\nenable: 0\n' });
  const edit = pvefw(['diff', 'HEAD', '.'], repo);
  assert.equal(edit.status, 0, edit.stderr);
  assert.match(edit.stdout, /^guest 101 net0: inbound .*: DROP → ACCEPT$/m);
  assert.match(edit.stdout, /in \.: no guest firewall \(firewall\/101\.fw: enable is not 1\)/);

  // The cluster in a subfolder of the repository.
  const nested = repository([
    Object.fromEntries(Object.entries(BASE).map(([p, t]) => [`clusters/lab/${p}`, t])),
    { 'clusters/lab/firewall/cluster.fw': CLUSTER('') },
  ]);
  const sub = pvefw(['diff', 'main~1', 'main', '--path', 'clusters/lab'], nested);
  assert.equal(sub.status, 0, sub.stderr);
  assert.match(
    sub.stdout,
    /^host pve1: inbound tcp port 22 to pve1 from anywhere.*: ACCEPT → DROP$/m,
  );
  const inside = pvefw(['diff', 'main~1', 'main'], join(nested, 'clusters', 'lab'));
  assert.equal(inside.stdout, sub.stdout);
});

test('Markdown for a pull request: a table, the proof, and file texts made inert', () => {
  const a = tree(BASE);
  const b = tree({
    ...BASE,
    'firewall/cluster.fw': CLUSTER(
      'IN ACCEPT -p tcp -dport 22 # @admins see <b>|x|</b>\nIN ACCEPT -p tcp -dport 8006\n',
    ),
  });
  const run = pvefw(['diff', a, b, '--format', 'markdown'], a);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^### pvefw diff /m);
  assert.match(
    run.stdout,
    /^\| host pve1 \| inbound tcp port 8006 to pve1 from anywhere \| DROP → \*\*ACCEPT\*\* \|$/m,
  );
  assert.match(run.stdout, /<details><summary>Proof and responsible lines<\/summary>/);
  // Nothing from a file can mention someone, open HTML or break the table.
  assert.doesNotMatch(run.stdout, /@admins|<b>|\|x\|/);
});

test('bad revisions, hostile repositories and git errors are one clear line', () => {
  const repo = repository([BASE]);
  assertUsageFailure(
    pvefw(['diff', 'nope', 'HEAD'], repo),
    /'nope' is neither a folder nor a revision/,
  );
  assertUsageFailure(pvefw(['diff', '--upload-pack=x', 'HEAD'], repo), /unknown option/);
  assertUsageFailure(pvefw(['diff', 'HEAD'], repo), /two folders or revisions/);
  const detailed = pvefw(['diff', '--detailed-exitcode', 'nope', 'HEAD'], repo);
  assert.equal(detailed.status, 1, 'with --detailed-exitcode an error is 1, not the 2 of changes');

  // A link in a revision is never followed; a blob larger than any Proxmox file is refused.
  unlinkSync(join(repo, 'firewall', '101.fw'));
  symlinkSync('/etc/passwd', join(repo, 'firewall', '101.fw'));
  writeTree(repo, { 'firewall/102.fw': `[RULES]\n${'# filler\n'.repeat(150_000)}` });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'hostile');
  const big = pvefw(['diff', 'HEAD~1', 'HEAD'], repo);
  assertUsageFailure(big, /firewall\/102\.fw is \d+ bytes, larger than any Proxmox file/);
  git(repo, 'rm', '-q', 'firewall/102.fw');
  git(repo, 'commit', '-q', '-m', 'no big file');
  const link = pvefw(['diff', 'HEAD~2', 'HEAD'], repo);
  assert.equal(link.status, 0, link.stderr);
  assertNoStack(link);
  // The link is not read: guest 101 has no firewall file on the new side.
  assert.match(link.stdout, /^guest 101 net0: inbound .*: DROP → ACCEPT$/m);
  assert.doesNotMatch(link.stdout, /root:/);

  const outside = tree(BASE);
  assertUsageFailure(
    pvefw(['diff', 'HEAD~1', 'HEAD'], outside),
    /git rev-parse: .*not a git repository/i,
  );
});
