// The pvefw command (dist/cli.js) against the simulator over HTTPS: trust on first use, pull,
// plan, push, and every failure a user meets, in words and exit codes; the token never shows.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AUDIT_TOKEN, TOKEN_SECRET } from '../support/sim-fixture';
import { noSecret, runPvefw, type Run } from './cli-run';
import { syncHarness, type SyncHarness } from './harness';

/** The user's home for these runs: `pvefw trust` keeps the hosts this user trusts there. */
let home: string;

function pvefw(
  h: SyncHarness,
  args: string[],
  env?: Record<string, string | undefined>,
): Promise<Run> {
  return runPvefw(h.ws, home, args, env);
}

let h: SyncHarness;
before(async () => {
  home = mkdtempSync(join(tmpdir(), 'pvefw-home-'));
  h = await syncHarness({
    files: { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN SSH(ACCEPT)\n' },
  });
});
after(async () => {
  await h.close();
  rmSync(home, { recursive: true, force: true });
});

/** The hosts this user trusts, as `pvefw trust` keeps them. */
const TRUSTED = (): string => join(home, '.config', 'pvefw', 'trusted-hosts.json');

test('before trust: an untrusted certificate is refused and nothing is sent', async () => {
  const run = await pvefw(h, ['pull', '--host', h.sim.url]);
  assert.equal(run.status, 2);
  assert.match(
    run.stderr,
    /^pvefw: the certificate of 127\.0\.0\.1:\d+ is not trusted: it is self-signed\. .*'pvefw trust 127\.0\.0\.1:\d+'/,
  );
  assert.equal(h.sim.requests.length, 0);
});

test('trust pins the fingerprint in .pvefw.json', async () => {
  const run = await pvefw(h, ['trust', h.sim.url]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`SHA-256 fingerprint: ${h.sim.fingerprint}`));
  const config = JSON.parse(readFileSync(join(h.ws, '.pvefw.json'), 'utf8')) as {
    host: string;
    fingerprint: string;
  };
  assert.deepEqual(config, { host: h.sim.url, fingerprint: h.sim.fingerprint });
  const wrong = await pvefw(h, ['trust', h.sim.url, '--fingerprint', 'AA:BB']);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /not the expected AA:BB; nothing was stored/);
});

test('missing or bad tokens: one clear line, exit 2, secret never shown', async () => {
  const missing = await pvefw(h, ['pull'], { PVEFW_TOKEN: undefined });
  assert.deepEqual(
    [missing.status, missing.stderr],
    [2, 'pvefw: no API token: set PVEFW_TOKEN to USER@REALM!TOKENID=SECRET\n'],
  );
  const bad = await pvefw(h, ['pull'], { PVEFW_TOKEN: `root@pam!pvefw=${TOKEN_SECRET}x` });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /refused the credentials \(Authentication failed!\)/);
  noSecret(bad);
});

test('pull, plan, push --yes, pull: the workflow', async () => {
  const pulled = await pvefw(h, ['pull']);
  assert.equal(pulled.status, 0, pulled.stderr);
  assert.match(pulled.stdout, /^Pulled https:\/\/127\.0\.0\.1:\d+: 1 files written/);
  const text = readFileSync(join(h.ws, 'firewall/cluster.fw'), 'utf8');
  h.write(
    'firewall/cluster.fw',
    text.replace('IN SSH(ACCEPT)', 'IN SSH(ACCEPT) -source 192.0.2.0/24'),
  );
  const plan = await pvefw(h, ['plan']);
  assert.equal(plan.status, 0, plan.stderr);
  assert.match(
    plan.stdout,
    /Plan: 1 calls to .*\n\s+1\. PUT +firewall\/cluster\.fw: update rule 0: IN SSH\(ACCEPT\) -source 192\.0\.2\.0\/24\n/,
  );
  const json = await pvefw(h, ['plan', '--format', 'json']);
  const parsed = JSON.parse(json.stdout) as {
    operations: { path: string; params: Record<string, string> }[];
  };
  assert.equal(parsed.operations[0]!.path, '/cluster/firewall/rules/0');
  assert.match(parsed.operations[0]!.params['digest']!, /^[0-9a-f]{40}$/);
  const refused = await pvefw(h, ['push']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /stdin is not a terminal \(pass --yes\)/);
  const pushed = await pvefw(h, ['push', '--yes']);
  assert.equal(pushed.status, 0, pushed.stderr);
  assert.match(
    pushed.stdout,
    /^Pushed 1 calls to .*; read back, the cluster holds the workspace\.\n/,
  );
  const again = await pvefw(h, ['push', '--yes']);
  assert.match(again.stdout, /^No changes: .* nothing was sent\.\n/);
  for (const run of [pulled, plan, json, pushed, again]) noSecret(run);
});

test('a token without Sys.Modify: the push stops and names the missing privilege', async () => {
  h.write(
    'firewall/cluster.fw',
    readFileSync(join(h.ws, 'firewall/cluster.fw'), 'utf8').replace(
      '192.0.2.0/24',
      '198.51.100.0/24',
    ),
  );
  const run = await pvefw(h, ['push', '--yes'], { PVEFW_TOKEN: AUDIT_TOKEN });
  assert.equal(run.status, 1);
  assert.match(
    run.stdout,
    /Push stopped after 0 of 1 calls: the API token may not do PUT \/cluster\/firewall\/rules\/0: Permission check failed \(\/, Sys\.Modify\)/,
  );
  assert.match(run.stdout, /failed \(not applied\):/);
});

test('a changed certificate is refused before anything is sent', async () => {
  // The pin that counts is the user's own (kept by pvefw trust), not the repository's.
  const trusted = readFileSync(TRUSTED(), 'utf8');
  const changed = trusted.replace(h.sim.fingerprint, '00:'.repeat(31) + '00');
  assert.notEqual(changed, trusted);
  writeFileSync(TRUSTED(), changed);
  const before = h.sim.requests.length;
  const run = await pvefw(h, ['plan']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /is not the trusted one \(expected 00:00:.*got [0-9A-F:]+\)/);
  // The hint names the port too: 'pvefw trust 127.0.0.1' would go to 8006, another host.
  assert.match(run.stderr, new RegExp(`'pvefw trust 127\\.0\\.0\\.1:${h.sim.port}' again`));
  assert.equal(h.sim.requests.length, before);
  writeFileSync(TRUSTED(), trusted);
});

test('help for each command', async () => {
  for (const command of ['pull', 'plan', 'push', 'trust']) {
    const run = await pvefw(h, ['help', command]);
    assert.equal(run.status, 0);
    assert.match(run.stdout, new RegExp(`^Usage: pvefw ${command} `));
    assert.equal((await pvefw(h, [command, '--help'])).stdout, run.stdout);
  }
  const unknown = await pvefw(h, ['push', '--nope']);
  assert.match(
    unknown.stderr,
    /^pvefw: unknown option '--nope' for 'push' \(see 'pvefw push --help'\)\n$/,
  );
});
