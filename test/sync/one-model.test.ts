// The plan and the other doors answer from one model (issue 12): for each flow the plan's impact
// says changes verdict, `pvefw simulate` on the pulled folder — before the edit and after it —
// gives exactly that verdict change, for the node the plan names; and `pvefw check` reads the
// pulled folder with every node analysed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { readFwFiles } from '../../server/src/cluster/workspace';
import { parseJsonOutput, pvefw, writeTree } from '../cli/helpers';
import { syncHarness } from './harness';

const GUEST_CONFIG = 'name: web\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1\n';
const FIXTURE = {
  nodes: { pve1: { ip: '192.0.2.11' }, pve2: { ip: '192.0.2.12' } },
  files: {
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\n',
    'firewall/101.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\n',
  },
  guests: [{ vmid: '101', node: 'pve2', type: 'qemu' as const, config: GUEST_CONFIG }],
};

/** `IPv4 tcp 198.51.100.1:40000 → 192.0.2.2:22` as simulate's options. */
function packetOptions(example: string): string[] {
  const m = /^IPv4 (tcp|udp) ([\d.]+):(\d+) → ([\d.]+):(\d+)$/.exec(example);
  assert.ok(m, `a tcp/udp packet: ${example}`);
  return ['--proto', m[1]!, '--source', m[2]!, '--sport', m[3]!, '--dest', m[4]!, '--dport', m[5]!];
}

function endsOf(where: string, flow: string): { node: string; args: string[] } {
  const inbound = flow.startsWith('inbound ');
  const host = /^host (\S+)$/.exec(where);
  if (host)
    return {
      node: host[1]!,
      args: inbound ? ['--from', 'outside', '--to', 'host'] : ['--from', 'host', '--to', 'outside'],
    };
  const guest = /^guest (\d+)(?: \(.*\))? net(\d+)$/.exec(where);
  assert.ok(guest, `a host or guest NIC: ${where}`);
  const zone = `vm${guest[1]!}i${guest[2]!}`;
  return {
    node: '',
    args: inbound ? ['--from', 'outside', '--to', zone] : ['--from', zone, '--to', 'outside'],
  };
}

test("the plan's impact is what simulate says before and after the edit, node by node", async () => {
  const h = await syncHarness(FIXTURE);
  const before = mkdtempSync(join(tmpdir(), 'pvefw-before-'));
  try {
    await pull(h.ws, h.client);
    writeTree(before, Object.fromEntries(h.files()));
    // Restrict SSH in the cluster; open 8080 on the guest that runs on pve2 (no host.fw there).
    h.write(
      'firewall/cluster.fw',
      '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -p tcp -dport 22 -source 10.0.0.0/8\n',
    );
    h.write(
      'firewall/101.fw',
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\nIN ACCEPT -p tcp -dport 8080\n',
    );
    const planned = await planWorkspace(h.ws, h.client);
    const changes = planned.plan.impact?.changes ?? [];
    const wheres = [...new Set(changes.map((c) => c.where))].sort();
    assert.ok(wheres.includes('host pve1') && wheres.includes('host pve2'), wheres.join(', '));
    assert.ok(wheres.includes('guest 101 (web) net0'), wheres.join(', '));
    for (const change of changes) {
      if (!change.example || !/^IPv4 (tcp|udp) /.test(change.example)) continue;
      const { node, args } = endsOf(change.where, change.flow);
      const nodeArgs = node ? ['--node', node] : ['--node', 'pve2'];
      const verdict = (dir: string): string => {
        const run = pvefw(
          ['simulate', dir, ...nodeArgs, ...args, ...packetOptions(change.example!)],
          dir,
        );
        assert.equal(run.status, 0, run.stderr);
        return run.stdout.split(/\s/)[0]!;
      };
      assert.deepEqual(
        [verdict(before), verdict(h.ws)],
        [change.before, change.after],
        `${change.where}: ${change.flow} (${change.example})`,
      );
    }
  } finally {
    rmSync(before, { recursive: true, force: true });
    await h.close();
  }
});

test('check reads a pulled folder with every node of its topology', async () => {
  const h = await syncHarness({
    ...FIXTURE,
    files: {
      ...FIXTURE.files,
      'firewall/101.fw':
        '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\nIN DROP -p tcp -dport 443 -source 10.9.0.0/16\n',
    },
  });
  try {
    await pull(h.ws, h.client);
    assert.ok(readFwFiles(h.ws).has('firewall/101.fw'));
    const result = pvefw(['check', '--format', 'json', '.'], h.ws);
    const guest = parseJsonOutput(result.stdout).files.find((f) => f.path === 'firewall/101.fw');
    // Guest 101 runs on pve2, which has no host.fw: it is analysed all the same.
    // (The pull writes the file as Proxmox does, so lines move: the codes say enough.)
    assert.deepEqual(
      guest?.diagnostics.map((d) => d.code),
      ['shadowed-rule'],
    );
  } finally {
    await h.close();
  }
});
