// A push stopped half-way by another admin's change ("detected modified configuration - file
// changed by other user?"), then continued, as a user does it from the CLI (issue 18): the
// state records what the push applied, so only the other admin's change counts as a change on
// the cluster; 'pvefw pull' merges it into the workspace, keeping every local edit; the next
// plan holds only what is left, and the push that follows keeps the other admin's rule.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isWrite, nth } from '../sim/faults';
import { runPvefw } from './cli-run';
import { syncHarness } from './harness';

const GUEST = {
  vmid: '100',
  node: 'pve1',
  type: 'qemu' as const,
  config: 'net0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1\n',
};
const CLUSTER = (...rules: string[]): string =>
  `[OPTIONS]\n\nenable: 1\n\n[RULES]\n\n${rules.map((r) => `${r}\n`).join('')}\n`;
const R8006 = 'IN ACCEPT -p tcp -dport 8006';
const R22 = 'IN ACCEPT -p tcp -dport 22';
const R443 = 'IN ACCEPT -p tcp -dport 443';
const THEIRS = 'IN ACCEPT -p tcp -dport 9999 # theirs';

test('a push stopped by another admin continues after a pull that merges their change', async () => {
  const h = await syncHarness({
    files: {
      'firewall/cluster.fw': CLUSTER(R8006, R22),
      'firewall/100.fw': '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 80\n\n',
    },
    guests: [GUEST],
  });
  const home = mkdtempSync(join(tmpdir(), 'pvefw-home-'));
  const pvefw = (args: string[]) => runPvefw(h.ws, home, args);
  try {
    assert.equal((await pvefw(['trust', h.sim.url])).status, 0);
    assert.equal((await pvefw(['pull'])).status, 0);
    const guest =
      '[OPTIONS]\n\nenable: 1\n\n[ALIASES]\n\nweb 10.0.0.5\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 80\n\n';
    h.write('firewall/100.fw', guest);
    h.write('firewall/cluster.fw', CLUSTER(R8006, R443, R22));
    // The other admin adds a rule just before our first digest-checked call on cluster rules.
    h.sim.faults.add({
      when: nth(
        1,
        (r) => isWrite(r) && r.method === 'PUT' && r.path.startsWith('/cluster/firewall/rules/'),
      ),
      fault: {
        kind: 'concurrent-write',
        edit: (store) =>
          store.write(
            'firewall/cluster.fw',
            store.read('firewall/cluster.fw').replace('[RULES]\n\n', `[RULES]\n\n${THEIRS}\n`),
          ),
      },
    });
    const stopped = await pvefw(['push', '--yes']);
    assert.equal(stopped.status, 1, stopped.stdout + stopped.stderr);
    assert.match(stopped.stdout, /detected modified configuration - file changed by other user\?/);
    assert.match(stopped.stdout, /'pvefw pull' merges/);
    // A push alone would refuse now: the stop must not say it continues.
    assert.doesNotMatch(stopped.stdout, /'pvefw push' continues from there/);

    // What pvefw applied itself (the alias, the disabled rule) is no change by someone else.
    const planned = JSON.parse((await pvefw(['plan', '--format', 'json'])).stdout) as {
      remoteChanged: string[];
      operations: { file: string }[];
    };
    assert.deepEqual(planned.remoteChanged, ['firewall/cluster.fw#rules']);
    assert.deepEqual(
      planned.operations.filter((op) => op.file === 'firewall/100.fw'),
      [],
      'the alias the push created is pushed',
    );
    const refused = await pvefw(['push', '--yes']);
    assert.equal(refused.status, 1);
    assert.match(refused.stdout, /Run 'pvefw pull' to merge them into your files/);

    const pulled = await pvefw(['pull']);
    assert.equal(pulled.status, 0, pulled.stdout + pulled.stderr);
    assert.match(pulled.stdout, /merged firewall\/cluster\.fw/);
    assert.equal(h.read('firewall/cluster.fw'), CLUSTER(THEIRS, R8006, R443, R22));
    assert.equal(h.read('firewall/100.fw'), guest);

    // Only what is left: move our rule into place and enable it; their rule stays.
    const plan = JSON.parse((await pvefw(['plan', '--format', 'json'])).stdout) as {
      operations: { summary: string; method: string }[];
      remoteChanged: string[];
    };
    assert.deepEqual(plan.remoteChanged, []);
    assert.deepEqual(
      plan.operations.map((op) => op.summary),
      [
        `firewall/cluster.fw: move rule 2 before position 1: ${R8006}`,
        `firewall/cluster.fw: enable rule 2: ${R443}`,
      ],
    );
    const pushed = await pvefw(['push', '--yes']);
    assert.equal(pushed.status, 0, pushed.stdout + pushed.stderr);
    const rules =
      await h.client.get<{ comment?: string; dport?: string; enable: number }[]>(
        '/cluster/firewall/rules',
      );
    assert.deepEqual(
      rules.map((r) => [r.dport, r.enable]),
      [
        ['9999', 1],
        ['8006', 1],
        ['443', 1],
        ['22', 1],
      ],
    );
  } finally {
    await h.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a push whose process is killed half-way: the next command counts what it applied as pushed', async () => {
  const h = await syncHarness({
    files: { 'firewall/cluster.fw': CLUSTER(R8006, R22) },
  });
  const home = mkdtempSync(join(tmpdir(), 'pvefw-home-'));
  const pvefw = (args: string[], signal?: AbortSignal) =>
    runPvefw(h.ws, home, args, undefined, signal);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  try {
    assert.equal((await pvefw(['trust', h.sim.url])).status, 0);
    assert.equal((await pvefw(['pull'])).status, 0);
    h.write(
      'firewall/cluster.fw',
      CLUSTER(R8006, R22)
        .replace('enable: 1\n', 'enable: 1\npolicy_in: DROP\n')
        .replace(`${R22}\n`, `${R22}\n${R443}\n`),
    );
    // The second call is held; when it arrives, the first is done and recorded.
    let arrived!: () => void;
    const second = new Promise<void>((resolve) => (arrived = resolve));
    const secondWrite = nth(2, isWrite);
    h.sim.faults.add({
      when: (r) => {
        const hit = secondWrite(r);
        if (hit) arrived();
        return hit;
      },
      fault: { kind: 'hold', until: released },
    });
    const killer = new AbortController();
    const push = pvefw(['push', '--yes'], killer.signal);
    await second;
    killer.abort();
    await push;
    assert.ok(h.read('.pvefw/push.json'), 'the journal of the killed push is there');
    // Meanwhile another admin adds a rule at the top, next to the one the push created.
    h.sim.store.write(
      'firewall/cluster.fw',
      h.sim.store.read('firewall/cluster.fw').replace('[RULES]\n\n', `[RULES]\n\n${THEIRS}\n`),
    );
    const planned = JSON.parse((await pvefw(['plan', '--format', 'json'])).stdout) as {
      remoteChanged: string[];
    };
    assert.deepEqual(planned.remoteChanged, ['firewall/cluster.fw#rules']);
    const pulled = await pvefw(['pull']);
    assert.equal(pulled.status, 0, pulled.stdout + pulled.stderr);
    const pushed = await pvefw(['push', '--yes']);
    assert.equal(pushed.status, 0, pushed.stdout + pushed.stderr);
    const rules =
      await h.client.get<{ dport?: string; enable: number }[]>('/cluster/firewall/rules');
    assert.deepEqual(
      rules.map((r) => [r.dport, r.enable]),
      [
        ['9999', 1],
        ['8006', 1],
        ['22', 1],
        ['443', 1],
      ],
    );
  } finally {
    release();
    await h.close();
    rmSync(home, { recursive: true, force: true });
  }
});
