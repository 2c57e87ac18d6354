// The calls Proxmox does not check a digest on (creating rules, sets, groups and aliases, adding
// entries, deleting a set or group) are followed by a read of that list's digest before the push
// moves on, and after the last call too: each kind of list is read at its own path, and another
// admin's write just before the push's last call stops it there. A push can be cancelled between
// calls or during one; the report says which calls went and which did not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { isWrite, nth } from '../sim/faults';
import { editFile, rule } from './edit';
import { syncHarness } from './harness';

const FIXTURE = {
  files: {
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\n\n[IPSET office]\n10.1.0.0/16\n\n[IPSET old]\n10.8.0.0/16\n\n[group gone]\nIN ACCEPT -p tcp -dport 25\n\n[RULES]\nIN SSH(ACCEPT) -source +office\n',
    'nodes/pve1/host.fw': '[RULES]\nIN ACCEPT -p tcp -dport 22\n',
    'firewall/100.fw': '[RULES]\nIN ACCEPT -p tcp -dport 80\n',
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

test('each list a call without a digest check changed is read back at its own path', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    // Disabled rules at the top: Proxmox creates a rule there, so no move (a checked call) and no
    // enable follows on their list.
    const off = (dport: string) =>
      rule({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport, enable: 0 });
    editFile(h, 'firewall/cluster.fw', (conf) => {
      conf.aliases = { lab: { name: 'lab', cidr: '10.5.0.0/16' } };
      delete conf.ipset!['old'];
      conf.ipset!['fresh'] = [];
      delete conf.groups!['gone'];
      conf.groups!['web'] = [off('443')];
      conf.rules!.unshift(off('8080'));
    });
    editFile(h, 'nodes/pve1/host.fw', (conf) => void conf.rules!.unshift(off('9100')));
    editFile(h, 'firewall/100.fw', (conf) => void conf.rules!.unshift(off('8443')));
    const report = await pushWorkspace(h.ws, h.client);
    const ops = report.planned.plan.operations;
    // The lists whose last call has no digest check: those the push must read back.
    const unchecked = new Set(
      ops.filter((op, i) => !op.digestChecked && ops[i + 1]?.list !== op.list).map((op) => op.list),
    );
    for (const list of [
      'firewall/cluster.fw#aliases',
      'firewall/cluster.fw#ipsets',
      'firewall/cluster.fw#groups',
      'firewall/cluster.fw#group:web',
      'firewall/cluster.fw#rules',
      'nodes/pve1/host.fw#rules',
      'firewall/100.fw#rules',
    ])
      assert.ok(unchecked.has(list), `${list} ends with a call without a digest check`);
    assert.equal(ops.at(-1)!.digestChecked, false, 'the last call is one without a digest check');
    assert.equal(
      report.outcome,
      'complete',
      report.reason ?? report.execution?.failed?.error.message,
    );
    assert.deepEqual(report.execution!.applied, ops);
    assert.deepEqual(report.execution!.notApplied, []);
  } finally {
    await h.close();
  }
});

test("another admin's write just before the push's last call is caught by the read after it", async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    editFile(
      h,
      'firewall/cluster.fw',
      (conf) => void conf.ipset!['office']!.push({ cidr: '10.3.0.0/16' }),
    );
    h.sim.faults.add({
      when: nth(1, isWrite),
      fault: {
        kind: 'concurrent-write',
        edit: (store) =>
          store.write(
            'firewall/cluster.fw',
            store
              .read('firewall/cluster.fw')
              .replace('10.1.0.0/16\n', '10.1.0.0/16\n10.9.0.0/16 # theirs\n'),
          ),
      },
    });
    const report = await pushWorkspace(h.ws, h.client);
    const ops = report.planned.plan.operations;
    assert.deepEqual(
      ops.map((op) => [op.request.method, op.request.path, op.digestChecked]),
      [['POST', '/cluster/firewall/ipset/office', false]],
    );
    assert.equal(report.outcome, 'aborted');
    const execution = report.execution!;
    assert.deepEqual(execution.applied, ops, 'the call itself went through');
    assert.equal(execution.cancelled, false);
    const failed = execution.failed!;
    assert.equal(failed.stage, 'verify');
    assert.equal(failed.operation, ops[0]);
    assert.equal(failed.error.kind, 'conflict');
    assert.equal(failed.error.details.call, 'GET /cluster/firewall/ipset/office');
    assert.match(failed.error.message, /firewall\/cluster\.fw#ipset:office/);
  } finally {
    await h.close();
  }
});

/** Pulls and edits the guest's rules so that the push makes three calls. */
async function threeCalls(h: Awaited<ReturnType<typeof syncHarness>>): Promise<void> {
  await pull(h.ws, h.client);
  editFile(h, 'firewall/100.fw', (conf) => {
    conf.rules![0]!.dport = '81';
    conf.rules!.push(rule({ type: 'in', action: 'DROP', proto: 'tcp', dport: '23' }));
  });
}

test('cancelled between calls: the next call is not sent, and the report says so', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await threeCalls(h);
    const cancel = new AbortController();
    const report = await pushWorkspace(h.ws, h.client, {
      signal: cancel.signal,
      onApplied: () => cancel.abort(),
    });
    const ops = report.planned.plan.operations;
    assert.ok(ops.length >= 2, 'more than one call');
    assert.equal(report.outcome, 'cancelled');
    assert.deepEqual(report.execution!.applied, ops.slice(0, 1));
    assert.deepEqual(report.execution!.notApplied, ops.slice(1));
    assert.equal(report.execution!.failed, undefined);
    assert.equal(report.execution!.cancelled, true);
    assert.equal(h.writes(), 1);
  } finally {
    await h.close();
  }
});

test('cancelled while a call is under way: that call is reported as the cancelled one', async () => {
  const h = await syncHarness(FIXTURE);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  try {
    await threeCalls(h);
    const cancel = new AbortController();
    // The call is held by the server, and cancelled once the server has it.
    h.sim.faults.add({
      when: (r) => {
        const second = isWrite(r) && h.writes() === 1;
        if (second) cancel.abort();
        return second;
      },
      fault: { kind: 'hold', until: released },
    });
    const report = await pushWorkspace(h.ws, h.client, { signal: cancel.signal });
    const ops = report.planned.plan.operations;
    assert.equal(report.outcome, 'aborted');
    const execution = report.execution!;
    assert.deepEqual(execution.applied, ops.slice(0, 1));
    assert.equal(execution.cancelled, true);
    assert.equal(execution.failed!.operation, ops[1]);
    assert.equal(execution.failed!.stage, 'call');
    assert.equal(execution.failed!.error.kind, 'cancelled');
    assert.deepEqual(execution.notApplied, ops.slice(2));
  } finally {
    release();
    await h.close();
  }
});
