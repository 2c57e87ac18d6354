// Predicted digests must match what the server computes at each step, also where a list's digest
// changes without that list being written: a cluster alias changing family changes the
// ipversion of a guest's rules that use it, and the guest's next call must know.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { syncHarness } from './harness';

test('an alias changing family: the guest list digest follows, the push goes through', async () => {
  const h = await syncHarness({
    files: {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[ALIASES]\nlab 10.0.0.0/8\n',
      'firewall/100.fw':
        '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -source lab -p tcp -dport 22\nIN ACCEPT -p tcp -dport 80\n',
    },
    guests: [
      {
        vmid: '100',
        node: 'pve1',
        type: 'qemu',
        config: 'net0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1\n',
      },
    ],
  });
  try {
    await pull(h.ws, h.client);
    h.write('firewall/cluster.fw', '[OPTIONS]\n\nenable: 1\n\n[ALIASES]\n\nlab fd00::/8\n\n');
    h.write(
      'firewall/100.fw',
      '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 80\nIN ACCEPT -source lab -p tcp -dport 22\n\n',
    );
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(
      report.outcome,
      'complete',
      report.reason ?? report.execution?.failed?.error.message,
    );
    const ops = report.planned.plan.operations.map((op) => op.summary);
    assert.deepEqual(ops, [
      'firewall/cluster.fw: update alias lab fd00::/8',
      'firewall/100.fw: move rule 1 before position 0: IN ACCEPT -p tcp -dport 80',
    ]);
    const rules = await h.client.get<{ ipversion?: number; source?: string }[]>(
      '/nodes/pve1/qemu/100/firewall/rules',
    );
    assert.equal(rules.find((r) => r.source === 'lab')!.ipversion, 6);
  } finally {
    await h.close();
  }
});
