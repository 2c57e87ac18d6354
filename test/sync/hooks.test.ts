// The two places the packet evaluator plugs in: the lock-out check before a push and the impact
// summary of a plan. Stand-ins prove the wiring; the real lock-out check is tested end to end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { planText } from '../../server/src/cluster/report-text';
import type { LockoutCheck } from '../../server/src/core/plan/impact';
import { syncHarness } from './harness';

const FIXTURE = {
  files: {
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 8006\n',
  },
};

test('the lock-out call site: asked with our address and the nodes, obeyed, overridable', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    h.write(
      'firewall/cluster.fw',
      '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN DROP -p tcp -dport 8006\n\n',
    );
    const asked: Parameters<LockoutCheck>[1][] = [];
    const lockoutCheck: LockoutCheck = (_after, question) => {
      asked.push(question);
      return { checked: true, lockedOut: [{ node: 'pve1', address: '192.0.2.11' }] };
    };
    const refused = await pushWorkspace(h.ws, h.client, { lockoutCheck });
    assert.equal(refused.outcome, 'refused');
    assert.match(
      refused.reason ?? '',
      /cut this machine \(127\.0\.0\.1\) off port 8006 of pve1 \(192\.0\.2\.11\)/,
    );
    assert.equal(h.writes(), 0);
    assert.equal(asked[0]!.clientAddress, '127.0.0.1');
    assert.deepEqual(asked[0]!.nodeAddresses, [{ node: 'pve1', address: '192.0.2.11' }]);
    const allowed = await pushWorkspace(h.ws, h.client, { lockoutCheck, allowLockout: true });
    assert.equal(allowed.outcome, 'complete');
  } finally {
    await h.close();
  }
});

test('the real check compiles each node and refuses a push that drops our web UI access', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    h.write(
      'firewall/cluster.fw',
      '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN DROP -p tcp -dport 8006\n\n',
    );
    const refused = await pushWorkspace(h.ws, h.client);
    assert.equal(refused.outcome, 'refused');
    // The verdict names what decides: the rule that drops 8006, by its line.
    assert.deepEqual(refused.lockout, {
      checked: true,
      lockedOut: [
        {
          node: 'pve1',
          address: '192.0.2.11',
          cause: "the rule 'IN DROP -p tcp -dport 8006' in firewall/cluster.fw",
        },
      ],
    });
    assert.equal(h.writes(), 0);
  } finally {
    await h.close();
  }
});

test('the real check lets a push through when 8006 stays open to us', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    h.write(
      'firewall/cluster.fw',
      '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 8006\nIN ACCEPT -p tcp -dport 22\n\n',
    );
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'complete');
    assert.deepEqual(report.lockout, { checked: true, lockedOut: [] });
  } finally {
    await h.close();
  }
});

test('the real impact summary names the flows whose verdict changes', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    h.write(
      'firewall/cluster.fw',
      '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 8006\nIN ACCEPT -p tcp -dport 22 -source 198.51.100.0/24\n\n',
    );
    const planned = await planWorkspace(h.ws, h.client);
    const text = planText('https://pve1:8006', planned);
    assert.match(
      text,
      /^impact: host pve1: inbound tcp port 22 to pve1 from 198\.51\.100\.0\/24: DROP → ACCEPT\n {8}e\.g\. IPv4 tcp 198\.51\.100\.\d+:\d+ → [\d.]+:22$/m,
    );
    assert.doesNotMatch(text, /:8006: /);
  } finally {
    await h.close();
  }
});

test('the impact summary is one call, and the plan shows its verdict changes', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    await pull(h.ws, h.client);
    h.write(
      'firewall/cluster.fw',
      '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN DROP -p tcp -dport 8006\n\n',
    );
    const planned = await planWorkspace(h.ws, h.client, {
      impact: (before, after) => {
        assert.ok(
          before.files.has('firewall/cluster.fw') && after.files.has('firewall/cluster.fw'),
        );
        return {
          changes: [
            { where: 'host pve1', flow: 'IN tcp to port 8006', before: 'ACCEPT', after: 'DROP' },
          ],
        };
      },
    });
    assert.match(
      planText('https://pve1:8006', planned),
      /^impact: host pve1: IN tcp to port 8006: ACCEPT → DROP$/m,
    );
  } finally {
    await h.close();
  }
});

test('the impact summary compiles guests with their real NICs from the topology', async () => {
  const h = await syncHarness({
    files: {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
      'firewall/100.fw':
        '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP -p tcp -dport 80 -i net1\nIN ACCEPT -p tcp -dport 22\n',
    },
    guests: [
      {
        vmid: '100',
        node: 'pve1',
        type: 'qemu',
        config:
          'net0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1\n' +
          'net1: virtio=AA:BB:CC:DD:EE:02,bridge=vmbr1\n',
      },
    ],
  });
  try {
    await pull(h.ws, h.client);
    // net1 has no firewall=1: Proxmox builds no chain for it, so this rule changes nothing.
    h.write(
      'firewall/100.fw',
      '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 80 -i net1\nIN ACCEPT -p tcp -dport 22\nIN ACCEPT -p tcp -dport 443 -i net0\n\n',
    );
    const text = planText('https://pve1:8006', await planWorkspace(h.ws, h.client));
    assert.match(
      text,
      /^impact: guest 100 \(qemu100\) net0: inbound tcp port 443 to guest 100 from anywhere: DROP → ACCEPT$/m,
    );
    assert.doesNotMatch(text, /guest 100 net1/);
  } finally {
    await h.close();
  }
});
