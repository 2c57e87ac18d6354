// Commit-confirmed push from the CLI (issue 18): push --confirm-within starts a detached watcher
// and returns; 'pvefw confirm' keeps the push; a node that stops answering gets the push
// reverted by the watcher, through another node; a push whose watcher is gone is reverted by
// the next command once its time is up. Every node's endpoint is the simulator's, on 127.0.0.1.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runPvefw, type Run } from './cli-run';
import { syncHarness, type SyncHarness } from './harness';

const NODES = { pve1: { ip: '192.0.2.11' }, pve2: { ip: '192.0.2.12' } };
const HOST = '[RULES]\n\nIN ACCEPT -p tcp -dport 22\n\n';
const EDITED =
  '[RULES]\n\nIN DROP -source 10.99.0.0/16 -p tcp -dport 8006\nIN ACCEPT -p tcp -dport 22\n\n';

async function setup(): Promise<{
  h: SyncHarness;
  pvefw: (args: string[]) => Promise<Run>;
  done: () => Promise<void>;
}> {
  const h = await syncHarness(
    {
      nodes: NODES,
      files: {
        'firewall/cluster.fw':
          '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 8006\n\n',
        'nodes/pve1/host.fw': HOST,
      },
    },
    {},
    { nodeEndpoints: true },
  );
  const home = mkdtempSync(join(tmpdir(), 'pvefw-home-'));
  const pvefw = (args: string[]): Promise<Run> => runPvefw(h.ws, home, args);
  assert.equal((await pvefw(['trust', h.sim.url])).status, 0);
  for (const [node, url] of Object.entries(h.sim.nodeUrls)) {
    const run = await pvefw(['trust', url, '--node', node]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`recorded in \\.pvefw\\.json as the API endpoint of node ${node}`),
    );
  }
  assert.equal((await pvefw(['pull'])).status, 0);
  h.write('nodes/pve1/host.fw', EDITED);
  return {
    h,
    pvefw,
    done: async () => {
      await h.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Waits for `check` to hold, looking every 50 ms, for at most `seconds`. */
async function until(check: () => boolean, seconds: number, what: string): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > end) assert.fail(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const pending = (h: SyncHarness): boolean => existsSync(join(h.ws, '.pvefw', 'confirm.json'));
const log = (h: SyncHarness): string => {
  try {
    return readFileSync(join(h.ws, '.pvefw', 'confirm.log'), 'utf8');
  } catch {
    return '';
  }
};

test('push --confirm-within, then confirm: the push stays', async () => {
  const { h, pvefw, done } = await setup();
  try {
    const push = await pvefw(['push', '--yes', '--confirm-within', '10m']);
    assert.equal(push.status, 0, push.stdout + push.stderr);
    assert.match(
      push.stdout,
      /Every node answers \(pve1, pve2\)\. Confirm with 'pvefw confirm' by .*a watcher \(process \d+\) probes the nodes/,
    );
    h.write('nodes/pve1/host.fw', `${EDITED.trimEnd()}\nIN ACCEPT -p tcp -dport 80\n\n`);
    const another = await pvefw(['push', '--yes']);
    assert.equal(another.status, 1);
    assert.match(another.stdout, /awaits confirmation until/);
    const confirmed = await pvefw(['confirm']);
    assert.equal(confirmed.status, 0, confirmed.stdout + confirmed.stderr);
    assert.match(confirmed.stdout, /^Confirmed: the push stays/);
    assert.equal(h.sim.store.read('nodes/pve1/host.fw'), EDITED);
    assert.match(
      (await pvefw(['confirm'])).stdout,
      /No push awaits confirmation\. Last: .*confirmed the push/,
    );
  } finally {
    await done();
  }
});

test('a node that stops answering after the push: the watcher reverts through another node', async () => {
  const { h, pvefw, done } = await setup();
  try {
    const push = await pvefw(['push', '--yes', '--confirm-within', '10m']);
    assert.equal(push.status, 0, push.stdout + push.stderr);
    await h.sim.refuseConnections('pve1');
    await until(() => !pending(h), 30, 'the watcher to revert');
    assert.match(
      log(h),
      /reverted the push of .* through https:\/\/127\.0\.0\.1:\d+: pve1 .* stopped answering/,
    );
    assert.equal(h.sim.store.read('nodes/pve1/host.fw'), HOST);
    assert.ok(
      h.sim.requests.some((r) => r.method !== 'GET' && r.endpoint === 'pve2'),
      'the revert went through pve2',
    );
  } finally {
    await done();
  }
});

test('a push whose watcher is gone is reverted by the next command once its time is up', async () => {
  const { h, pvefw, done } = await setup();
  try {
    const push = await pvefw(['push', '--yes', '--confirm-within', '3s']);
    assert.equal(push.status, 0, push.stdout + push.stderr);
    const pid = Number(/process (\d+)/.exec(push.stdout)?.[1]);
    // The watcher dies with its machine, say, long before the deadline; the record stays.
    process.kill(pid, 'SIGKILL');
    const deadline =
      (
        JSON.parse(readFileSync(join(h.ws, '.pvefw', 'confirm.json'), 'utf8')) as {
          deadline?: number;
        }
      ).deadline ?? 0;
    await until(() => Date.now() > deadline, 30, 'the deadline');
    if (pending(h)) {
      const plan = await pvefw(['plan']);
      assert.match(
        plan.stderr,
        /the push awaiting confirmation was due\. Reverted the push through https:\/\/127\.0\.0\.1:\d+/,
      );
    }
    assert.equal(pending(h), false);
    assert.equal(h.sim.store.read('nodes/pve1/host.fw'), HOST);
  } finally {
    await done();
  }
});
