// Issue 15: what a push may delete, and what it records when it fails. Removing an ipset must
// never take an entry the plan did not see; a push that stopped half-way must leave a state that
// lets the next push go on; a read-back that fails must not lose the report of what was applied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { isWrite, nth } from '../sim/faults';
import type { SimStore } from '../sim/store';
import { editFile } from './edit';
import { syncHarness } from './harness';

const FIXTURE = {
  files: {
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\n\n[IPSET old]\n10.1.0.0/16\n10.2.0.0/16\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\n',
  },
};

/** Another admin adds 10.9.0.0/16 to the ipset `old` (just before a matching call). */
function theirEntry(store: SimStore): void {
  store.write(
    'firewall/cluster.fw',
    store.read('firewall/cluster.fw').replace('[IPSET old]\n', '[IPSET old]\n10.9.0.0/16\n'),
  );
}

for (const [when, matches] of [
  ['before the first call on the set', (n: number) => n === 1],
  ['before the call that deletes the set', (_n: number, last: boolean) => last],
] as const) {
  test(`removing an ipset never deletes an entry added ${when}`, async () => {
    const h = await syncHarness(FIXTURE);
    try {
      await pull(h.ws, h.client);
      editFile(h, 'firewall/cluster.fw', (conf) => {
        delete conf.ipset!['old'];
      });
      const planned = await planWorkspace(h.ws, h.client);
      const onSet = planned.plan.operations.filter((op) =>
        op.request.path.startsWith('/cluster/firewall/ipset/old'),
      );
      assert.ok(onSet.length > 0);
      for (const op of onSet) assert.deepEqual(op.request.params['force'], undefined);
      let seen = 0;
      h.sim.faults.add({
        when: (r) =>
          isWrite(r) &&
          r.path.startsWith('/cluster/firewall/ipset/old') &&
          matches(++seen, r.path === '/cluster/firewall/ipset/old'),
        fault: { kind: 'concurrent-write', edit: theirEntry },
      });
      const report = await pushWorkspace(h.ws, h.client);
      assert.equal(report.outcome, 'aborted', report.reason);
      const entries = await h.client.get<{ cidr: string }[]>('/cluster/firewall/ipset/old');
      assert.ok(
        entries.some((e) => e.cidr === '10.9.0.0/16'),
        'the entry the plan never saw is still there',
      );
    } finally {
      await h.close();
    }
  });
}

const EDITABLE = {
  files: {
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\n\n[IPSET office]\n10.1.0.0/16\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\nIN DROP -p tcp -dport 23\n',
  },
};

function edit(h: Awaited<ReturnType<typeof syncHarness>>): void {
  editFile(h, 'firewall/cluster.fw', (conf) => {
    conf.ipset!['office'] = [{ cidr: '10.1.0.0/16' }, { cidr: '10.3.0.0/16' }];
    conf.rules = [conf.rules![1]!, conf.rules![0]!];
    conf.options = { ...conf.options, policy_in: 'DROP' };
  });
}

test('after a push that failed half-way, a new push (without --force) finishes the job', async () => {
  const h = await syncHarness(EDITABLE);
  try {
    await pull(h.ws, h.client);
    edit(h);
    h.sim.faults.add({
      when: nth(2, isWrite),
      fault: { kind: 'error', status: 500, message: 'got lost\n' },
    });
    const first = await pushWorkspace(h.ws, h.client);
    assert.equal(first.outcome, 'aborted');
    assert.equal(first.execution!.applied.length, 1);
    const again = await pushWorkspace(h.ws, h.client);
    assert.equal(again.outcome, 'complete', again.reason);
  } finally {
    await h.close();
  }
});

test('when the read-back fails, the report still says every call that was applied', async () => {
  const h = await syncHarness(EDITABLE);
  try {
    await pull(h.ws, h.client);
    edit(h);
    const planned = await planWorkspace(h.ws, h.client);
    const total = planned.plan.operations.length;
    let writes = 0;
    h.sim.faults.add({
      when: (r) => (isWrite(r) ? (writes++, false) : writes === total),
      fault: { kind: 'error', status: 500, message: 'pmxcfs is busy\n' },
      times: 1000,
    });
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'unverified');
    assert.equal(report.execution?.applied.length, total);
    assert.match(report.reason ?? '', /reading the cluster back failed: .*pmxcfs is busy/);
    h.sim.faults.clear();
    // What was applied is recorded: the cluster did not "change since the last pull".
    const next = await planWorkspace(h.ws, h.client);
    assert.deepEqual(next.remoteChanged, []);
    assert.equal(next.plan.operations.length, 0);
  } finally {
    await h.close();
  }
});
