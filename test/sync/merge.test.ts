// pvefw pull with local edits merges against the last pull instead of refusing (issue 18):
// files only the workspace changed stay byte for byte, files only the cluster changed follow
// it, files both changed are merged list by list, and what both changed differently is marked.
// Push refuses while markers are left; a second pull refuses too, unless --force.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { syncHarness, type SyncHarness } from './harness';

const GUEST = {
  vmid: '100',
  node: 'pve1',
  type: 'qemu' as const,
  config: 'net0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1\n',
};
const CLUSTER =
  '[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n[IPSET office]\n\n10.1.0.0/16\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 8006\nIN ACCEPT -p tcp -dport 22\n\n';
const VM = '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 80\n\n';

async function pulled(): Promise<SyncHarness> {
  const h = await syncHarness({
    files: { 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': VM },
    guests: [GUEST],
  });
  await pull(h.ws, h.client);
  return h;
}

/** Another admin's change, straight into the cluster's file. */
function theirs(h: SyncHarness, path: string, change: (text: string) => string): void {
  h.sim.store.write(path, change(h.sim.store.read(path)));
}

test('edits the cluster did not touch stay byte for byte; changes the workspace did not touch follow the cluster', async () => {
  const h = await pulled();
  try {
    const mine = `# my note, which Proxmox would drop\n${VM.replace('80', '8080')}`;
    h.write('firewall/100.fw', mine);
    theirs(h, 'firewall/cluster.fw', (t) =>
      t.replace('10.1.0.0/16\n', '10.1.0.0/16\n10.2.0.0/16\n'),
    );
    const report = await pull(h.ws, h.client);
    assert.deepEqual([report.kept, report.merged, report.conflicts], [['firewall/100.fw'], [], []]);
    assert.equal(h.read('firewall/100.fw'), mine);
    assert.match(h.read('firewall/cluster.fw'), /^10\.2\.0\.0\/16$/m);
    // The edit is still there to push, and only it.
    const planned = await planWorkspace(h.ws, h.client);
    assert.deepEqual(planned.remoteChanged, []);
    assert.ok(planned.plan.operations.every((op) => op.file === 'firewall/100.fw'));
  } finally {
    await h.close();
  }
});

test('a file both changed is merged list by list, and the push keeps both changes', async () => {
  const h = await pulled();
  try {
    h.write(
      'firewall/cluster.fw',
      CLUSTER.replace('policy_in: DROP\n', 'policy_in: DROP\npolicy_out: ACCEPT\n').replace(
        'IN ACCEPT -p tcp -dport 22\n',
        'IN ACCEPT -p tcp -dport 22\nIN ACCEPT -p tcp -dport 443\n',
      ),
    );
    theirs(h, 'firewall/cluster.fw', (t) =>
      t
        .replace('10.1.0.0/16\n', '10.1.0.0/16\n10.2.0.0/16\n')
        .replace('[RULES]\n\n', '[RULES]\n\nIN ACCEPT -p udp -dport 53 # theirs\n'),
    );
    const report = await pull(h.ws, h.client);
    assert.deepEqual([report.merged, report.conflicts], [['firewall/cluster.fw'], []]);
    const merged = h.read('firewall/cluster.fw');
    assert.match(merged, /policy_out: ACCEPT/);
    assert.match(merged, /^10\.2\.0\.0\/16$/m);
    assert.match(
      merged,
      /\[RULES\]\n\nIN ACCEPT -p udp -dport 53 # theirs\nIN ACCEPT -p tcp -dport 8006\nIN ACCEPT -p tcp -dport 22\nIN ACCEPT -p tcp -dport 443\n/,
    );
    assert.equal(h.read('.pvefw/before-pull/firewall/cluster.fw').includes('# theirs'), false);
    const pushed = await pushWorkspace(h.ws, h.client);
    assert.equal(pushed.outcome, 'complete', pushed.reason);
    assert.equal(h.sim.store.read('firewall/cluster.fw').includes('# theirs'), true);
  } finally {
    await h.close();
  }
});

test('what both changed differently is marked; push refuses, and so does pull, until it is resolved', async () => {
  const h = await pulled();
  try {
    h.write('firewall/cluster.fw', CLUSTER.replace('policy_in: DROP', 'policy_in: ACCEPT'));
    theirs(h, 'firewall/cluster.fw', (t) => t.replace('policy_in: DROP', 'policy_in: REJECT'));
    const report = await pull(h.ws, h.client);
    assert.deepEqual(report.conflicts, [
      {
        file: 'firewall/cluster.fw',
        conflicts: [
          { list: 'options', local: ['policy_in: ACCEPT'], cluster: ['policy_in: REJECT'] },
        ],
      },
    ]);
    const text = h.read('firewall/cluster.fw');
    assert.match(
      text,
      /\[OPTIONS\]\n\nenable: 1\n<<<<<<< local\npolicy_in: ACCEPT\n=======\npolicy_in: REJECT\n>>>>>>> cluster\n/,
    );
    const refused = await pushWorkspace(h.ws, h.client);
    assert.equal(refused.outcome, 'refused');
    assert.match(
      refused.reason ?? '',
      /firewall\/cluster\.fw has unresolved merge conflicts \(line 4\)/,
    );
    await assert.rejects(pull(h.ws, h.client), /still has merge-conflict markers/);
    // Resolved: the workspace's choice is pushed over the cluster's, knowingly.
    h.write(
      'firewall/cluster.fw',
      text.replace(
        /<<<<<<< local\n(policy_in: ACCEPT\n)=======\npolicy_in: REJECT\n>>>>>>> cluster\n/,
        '$1',
      ),
    );
    const pushed = await pushWorkspace(h.ws, h.client);
    assert.equal(pushed.outcome, 'complete', pushed.reason);
    assert.match(h.sim.store.read('firewall/cluster.fw'), /policy_in: ACCEPT/);
  } finally {
    await h.close();
  }
});

test('pull --force still overwrites local edits and markers', async () => {
  const h = await pulled();
  try {
    h.write('firewall/cluster.fw', `${CLUSTER}<<<<<<< local\n=======\n>>>>>>> cluster\n`);
    await pull(h.ws, h.client, { force: true });
    assert.equal(h.read('firewall/cluster.fw'), h.sim.store.read('firewall/cluster.fw'));
  } finally {
    await h.close();
  }
});
