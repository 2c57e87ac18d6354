// Issue 15: a repository must not choose where the admin's token goes. A host named only by a
// cloned .pvefw.json gets nothing until this user trusts it (pvefw trust, kept in the user's own
// config) or names it on the command line; the certificate pin that counts is the user's too.
// .pvefw.json is checked like any hostile file, and its limits apply to every request.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TOKEN } from '../support/sim-fixture';
import { noSecret, runPvefw } from './cli-run';
import { syncHarness, type SyncHarness } from './harness';

const FIXTURE = {
  files: { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN SSH(ACCEPT)\n' },
};

async function withUser(
  work: (h: SyncHarness, run: (...args: string[]) => ReturnType<typeof runPvefw>) => Promise<void>,
): Promise<void> {
  const h = await syncHarness(FIXTURE);
  const home = mkdtempSync(join(tmpdir(), 'pvefw-home-'));
  try {
    await work(h, (...args) => runPvefw(h.ws, home, args));
  } finally {
    await h.close();
    rmSync(home, { recursive: true, force: true });
  }
}

test('a host named only by a cloned .pvefw.json gets no request; after pvefw trust, pull works', () =>
  withUser(async (h, run) => {
    h.write('.pvefw.json', JSON.stringify({ host: h.sim.url, fingerprint: h.sim.fingerprint }));
    const refused = await run('pull');
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /^pvefw: .*comes from \.pvefw\.json.*you have not trusted .*'pvefw trust 127\.0\.0\.1:\d+'/,
    );
    assert.equal(h.sim.requests.length, 0, 'not one request reached the host');
    const trusted = await run('trust', h.sim.url.replace('https://', ''));
    assert.equal(trusted.status, 0, trusted.stderr);
    assert.match(trusted.stdout, /matches the fingerprint in \.pvefw\.json/);
    const pulled = await run('pull');
    assert.equal(pulled.status, 0, pulled.stderr);
    noSecret(pulled);
  }));

test('a .pvefw.json that moves a trusted workspace to another host is refused', () =>
  withUser(async (h, run) => {
    assert.equal((await run('trust', h.sim.url)).status, 0);
    const moved = h.sim.url.replace('127.0.0.1', 'localhost');
    h.write('.pvefw.json', JSON.stringify({ host: moved, fingerprint: h.sim.fingerprint }));
    const before = h.sim.requests.length;
    const refused = await run('plan');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /comes from \.pvefw\.json.*you have not trusted/);
    assert.equal(h.sim.requests.length, before);
  }));

test('.pvefw.json is checked: a wrong type is one clear line, not a crash', () =>
  withUser(async (h, run) => {
    assert.equal((await run('trust', h.sim.url)).status, 0);
    for (const [key, value, says] of [
      ['timeoutSeconds', '"soon"', /timeoutSeconds in \.pvefw\.json must be a number of seconds/],
      ['nodes', '"pve1"', /nodes in \.pvefw\.json must be a list of node names/],
      ['maxReplyMegabytes', '-1', /maxReplyMegabytes in \.pvefw\.json must be a positive number/],
    ] as const) {
      h.write(
        '.pvefw.json',
        `{"host": "${h.sim.url}", "fingerprint": "${h.sim.fingerprint}", "${key}": ${value}}`,
      );
      const result = await run('plan');
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, says);
      assert.doesNotMatch(result.stderr, /internal error|^\s+at /m);
    }
  }));

test('deadlineSeconds and maxReplyMegabytes in .pvefw.json apply to every request', () =>
  withUser(async (h, run) => {
    assert.equal((await run('trust', h.sim.url)).status, 0);
    const config = { host: h.sim.url, fingerprint: h.sim.fingerprint };
    h.write('.pvefw.json', JSON.stringify({ ...config, deadlineSeconds: 1, timeoutSeconds: 30 }));
    h.sim.faults.add({
      when: (r) => r.path === '/nodes',
      fault: { kind: 'trickle', intervalMs: 50, maxBytes: 1200 },
      times: 3,
    });
    const slow = await run('pull');
    assert.equal(slow.status, 2);
    assert.match(slow.stderr, /did not answer GET \/nodes within 1 s/);
    h.sim.faults.clear();
    h.write('.pvefw.json', JSON.stringify({ ...config, maxReplyMegabytes: 1 }));
    h.sim.faults.add({
      when: (r) => r.path === '/nodes',
      fault: { kind: 'flood', bytes: 1536 * 1024 * 1024, declareLength: false },
      times: 3,
    });
    const huge = await run('pull');
    assert.equal(huge.status, 2);
    assert.match(huge.stderr, /^pvefw: GET \/nodes: the reply is larger than 1 MiB/);
    assert.doesNotMatch(huge.stderr, /^\s+at /m);
  }));

test('a server that echoes the token: the CLI never prints it', () =>
  withUser(async (h, run) => {
    assert.equal((await run('trust', h.sim.url)).status, 0);
    h.sim.faults.add({
      when: (r) => r.path === '/nodes',
      fault: { kind: 'error', status: 500, message: `bad header PVEAPIToken=${TOKEN}\n` },
      times: 3,
    });
    const result = await run('pull');
    assert.equal(result.status, 2);
    noSecret(result);
    assert.match(result.stderr, /PVEAPIToken=\[redacted\]/);
  }));
