// Pushes that fail halfway: an HTTP 500, a connection dropped before or after the server acted,
// a slow server, a timeout, and another admin writing between our read and our write. Each
// time the report must say exactly what was applied, the cluster must stay consistent, and a
// later push must finish the job.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace, type PushReport } from '../../server/src/cluster/push-workspace';
import { isWrite, nth } from '../sim/faults';
import { editFile, rule } from './edit';
import { syncHarness, type SyncHarness } from './harness';

const FIXTURE = {
  files: {
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\n\n[IPSET office]\n10.1.0.0/16\n10.2.0.0/16\n\n[RULES]\nIN SSH(ACCEPT) -source +office\nIN DROP -p tcp -dport 23\n',
    'firewall/100.fw':
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 80\nIN ACCEPT -p tcp -dport 443\n',
  },
  guests: [
    {
      vmid: '100',
      node: 'pve1',
      type: 'qemu' as const,
      config: 'net0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1\n',
    },
  ],
};

/** Pulls, then edits both files; returns the edited texts. */
async function pulledAndEdited(h: SyncHarness): Promise<Map<string, string>> {
  await pull(h.ws, h.client);
  return new Map([
    [
      'firewall/cluster.fw',
      editFile(h, 'firewall/cluster.fw', (conf) => {
        conf.rules = [
          rule({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '8006', source: '+office' }),
          conf.rules![0]!,
        ];
        conf.ipset!['office'] = [
          { cidr: '10.1.0.0/16' },
          { cidr: '10.3.0.0/16', comment: 'new site' },
        ];
      }),
    ],
    [
      'firewall/100.fw',
      editFile(h, 'firewall/100.fw', (conf) => {
        conf.rules = [
          conf.rules![1]!,
          conf.rules![0]!,
          rule({ type: 'out', action: 'REJECT', proto: 'tcp', dport: '25' }),
        ];
      }),
    ],
  ]);
}

async function finishes(h: SyncHarness, edited: Map<string, string>): Promise<void> {
  const report = await pushWorkspace(h.ws, h.client, { force: true });
  assert.equal(
    report.outcome,
    'complete',
    report.reason ?? report.execution?.failed?.error.message,
  );
  await pull(h.ws, h.client, { force: true });
  for (const [path, text] of edited) assert.equal(h.read(path), text, path);
}

function assertPrecise(report: PushReport, appliedCount: number): void {
  const ops = report.planned.plan.operations;
  const execution = report.execution!;
  assert.equal(report.outcome, 'aborted');
  assert.deepEqual(execution.applied, ops.slice(0, appliedCount));
  assert.equal(execution.failed!.operation, ops[appliedCount]);
  assert.deepEqual(execution.notApplied, ops.slice(appliedCount + 1));
}

test('an HTTP 500 stops the push at that call; a new push completes it', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    const edited = await pulledAndEdited(h);
    h.sim.faults.add({
      when: nth(3, isWrite),
      fault: { kind: 'error', status: 500, message: 'got lost in /etc/pve\n' },
    });
    const report = await pushWorkspace(h.ws, h.client);
    assertPrecise(report, 2);
    assert.equal(report.execution!.failed!.error.kind, 'server');
    assert.equal(report.execution!.failed!.error.outcomeUnknown, false);
    assert.equal(h.writes(), 3);
    await finishes(h, edited);
  } finally {
    await h.close();
  }
});

test('a connection dropped after the server acted is reported as of unknown effect', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    const edited = await pulledAndEdited(h);
    h.sim.faults.add({ when: nth(2, isWrite), fault: { kind: 'drop-after' } });
    const report = await pushWorkspace(h.ws, h.client);
    assertPrecise(report, 1);
    assert.equal(report.execution!.failed!.error.kind, 'connection-lost');
    assert.equal(report.execution!.failed!.error.outcomeUnknown, true);
    // The call did take effect: the next plan no longer contains it.
    const next = await planWorkspace(h.ws, h.client);
    assert.equal(next.plan.operations.length < report.planned.plan.operations.length - 1, true);
    await finishes(h, edited);
  } finally {
    await h.close();
  }
});

test('a connection dropped before the server acted: nothing applied for that call', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    const edited = await pulledAndEdited(h);
    h.sim.faults.add({ when: nth(1, isWrite), fault: { kind: 'drop-before' } });
    const report = await pushWorkspace(h.ws, h.client);
    assertPrecise(report, 0);
    const next = await planWorkspace(h.ws, h.client);
    assert.equal(next.plan.operations.length, report.planned.plan.operations.length);
    await finishes(h, edited);
  } finally {
    await h.close();
  }
});

test('reads are retried after a dropped connection; a slow server is only slow', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    const edited = await pulledAndEdited(h);
    h.sim.faults.latencyMs = 20;
    h.sim.faults.add({
      when: nth(5, (r) => r.method === 'GET'),
      fault: { kind: 'drop-before' },
      times: 1,
    });
    await finishes(h, edited);
  } finally {
    await h.close();
  }
});

test('a timeout leaves the outcome unknown and says so', async () => {
  const h = await syncHarness(FIXTURE, { timeoutMs: 300 });
  // The write is answered only after the push has given up on it: no race between two clocks.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  try {
    await pulledAndEdited(h);
    h.sim.faults.add({ when: nth(1, isWrite), fault: { kind: 'hold', until: released } });
    const report = await pushWorkspace(h.ws, h.client);
    assertPrecise(report, 0);
    assert.equal(report.execution!.failed!.error.kind, 'timeout');
    assert.equal(report.execution!.failed!.error.outcomeUnknown, true);
  } finally {
    release();
    await h.close();
  }
});

test('another admin writing between our read and our write is caught, their change kept', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pulledAndEdited(h);
    const theirs = 'IN ACCEPT -p tcp -dport 9999 # theirs';
    h.sim.faults.add({
      when: nth(1, (r) => isWrite(r) && r.path === '/cluster/firewall/rules'),
      fault: {
        kind: 'concurrent-write',
        edit: (store) =>
          store.write(
            'firewall/cluster.fw',
            store.read('firewall/cluster.fw').replace('[RULES]\n\n', `[RULES]\n\n${theirs}\n`),
          ),
      },
    });
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'aborted');
    const failed = report.execution!.failed!;
    assert.equal(failed.error.kind, 'conflict');
    assert.equal(failed.operation.list, 'firewall/cluster.fw#rules');
    // Everything reported applied is on the cluster, their rule survived, ours is still disabled.
    const rules =
      await h.client.get<{ comment?: string; enable: number; dport?: string }[]>(
        '/cluster/firewall/rules',
      );
    assert.ok(rules.some((r) => r.comment === 'theirs'));
    assert.ok(rules.some((r) => r.dport === '8006' && r.enable === 0));
    // Now the cluster differs from the last pull: plan says so and push refuses without --force.
    const planned = await planWorkspace(h.ws, h.client);
    assert.ok(planned.remoteChanged.includes('firewall/cluster.fw#rules'));
    const refused = await pushWorkspace(h.ws, h.client);
    assert.equal(refused.outcome, 'refused');
    assert.match(refused.reason ?? '', /changed since the last pull/);
  } finally {
    await h.close();
  }
});

test('another admin writing just before our entry add is caught by the read after it', async () => {
  // Proxmox takes no digest for adding an ipset entry, so the call cannot notice their write; the
  // push reads the set's digest back before it touches another list, and must stop there.
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    editFile(
      h,
      'firewall/cluster.fw',
      (conf) => void conf.ipset!['office']!.push({ cidr: '10.3.0.0/16' }),
    );
    editFile(h, 'firewall/100.fw', (conf) => void conf.rules!.reverse());
    h.sim.faults.add({
      when: nth(1, (r) => r.method === 'POST' && r.path === '/cluster/firewall/ipset/office'),
      fault: {
        kind: 'concurrent-write',
        edit: (store) =>
          store.write(
            'firewall/cluster.fw',
            store
              .read('firewall/cluster.fw')
              .replace('10.2.0.0/16\n', '10.2.0.0/16\n10.9.0.0/16 # theirs\n'),
          ),
      },
    });
    const report = await pushWorkspace(h.ws, h.client);
    const ops = report.planned.plan.operations;
    assert.deepEqual(
      ops.map((op) => [op.list, op.request.method, op.digestChecked]),
      [
        ['firewall/cluster.fw#ipset:office', 'POST', false],
        ['firewall/100.fw#rules', 'PUT', true],
      ],
      'a call the digest does not guard, then a call on another list',
    );
    assert.equal(report.outcome, 'aborted');
    const execution = report.execution!;
    assert.equal(execution.failed!.stage, 'verify');
    assert.equal(execution.failed!.error.kind, 'conflict');
    assert.equal(execution.failed!.operation, ops[0]);
    assert.deepEqual(execution.applied, [ops[0]]);
    assert.deepEqual(execution.notApplied, [ops[1]]);
    assert.equal(h.writes(), 1, 'nothing was sent for the guest');
    const entries = await h.client.get<{ cidr: string }[]>('/cluster/firewall/ipset/office');
    assert.ok(
      entries.some((e) => e.cidr === '10.9.0.0/16'),
      'their entry is kept',
    );
  } finally {
    await h.close();
  }
});
