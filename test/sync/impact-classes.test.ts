// The plan's impact lists the biggest changes too (issue 18): a firewall switched on or off, a
// default policy, a rule added to a group, a group added to a guest. And it reads as classes of
// flows with the node's and guest's real addresses, one concrete packet per class as proof.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { planText } from '../../server/src/cluster/report-text';
import { syncHarness } from './harness';

const GUEST = 'name: web\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1\n';

/** The plan's impact lines after writing `edits` over a pulled cluster of `files`. */
async function impactOf(
  files: Record<string, string>,
  edits: Record<string, string>,
): Promise<string[]> {
  const h = await syncHarness({
    nodes: { pve1: { ip: '192.0.2.11' } },
    files,
    guests: [{ vmid: '101', node: 'pve1', type: 'qemu', config: GUEST }],
  });
  try {
    await pull(h.ws, h.client);
    for (const [path, text] of Object.entries(edits)) h.write(path, text);
    const planned = await planWorkspace(h.ws, h.client);
    return planText('https://pve1:8006', planned)
      .split('\n')
      .filter((l) => l.startsWith('impact: ') || l.startsWith('        e.g. '));
  } finally {
    await h.close();
  }
}

function has(lines: readonly string[], pattern: RegExp): void {
  assert.ok(
    lines.some((l) => pattern.test(l)),
    `no impact line matches ${pattern}:\n${lines.join('\n')}`,
  );
}

test('switching the cluster firewall on with policy_in DROP closes the hosts and guests', async () => {
  const lines = await impactOf(
    {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 0\npolicy_in: DROP\n',
      'firewall/101.fw': '[OPTIONS]\nenable: 1\n',
    },
    { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\npolicy_in: DROP\n' },
  );
  has(lines, /^impact: host pve1: inbound .*to pve1 from .*: ACCEPT → DROP$/);
  has(lines, /^impact: guest 101 \(web\) net0: inbound .*: ACCEPT → DROP$/);
  // The example is a packet to the node's own address from the topology.
  has(lines, /^ {8}e\.g\. IPv4 \S+ .*→ 192\.0\.2\.11\b/);
});

test('switching the cluster firewall off opens what it closed', async () => {
  const lines = await impactOf(
    { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\npolicy_in: DROP\n' },
    { 'firewall/cluster.fw': '[OPTIONS]\nenable: 0\npolicy_in: DROP\n' },
  );
  has(lines, /^impact: host pve1: inbound .*: DROP → ACCEPT$/);
});

test("a guest's enable: 1 puts its default policy in force", async () => {
  const lines = await impactOf(
    {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
      'firewall/101.fw': '[OPTIONS]\nenable: 0\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\n',
    },
    { 'firewall/101.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\n' },
  );
  has(
    lines,
    /^impact: guest 101 \(web\) net0: inbound all but tcp .*: ACCEPT → DROP$|^impact: guest 101 \(web\) net0: inbound .*: ACCEPT → DROP$/,
  );
  assert.ok(!lines.some((l) => /tcp port 443 .*ACCEPT → DROP/.test(l)), lines.join('\n'));
});

test('a default policy change is one class, not one line per address type', async () => {
  const lines = await impactOf(
    { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\npolicy_in: DROP\n' },
    { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\npolicy_in: ACCEPT\n' },
  );
  has(lines, /^impact: host pve1: inbound .* to pve1 from .*: DROP → ACCEPT$/);
  const host = lines.filter((l) => l.startsWith('impact: host pve1: inbound'));
  assert.ok(host.length <= 4, host.join('\n'));
  assert.ok(!lines.some((l) => /\(anycast\)|224\.0\.0\.1/.test(l)), lines.join('\n'));
});

test('a rule added to a group changes every guest that uses the group', async () => {
  const lines = await impactOf(
    {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[group web]\nIN ACCEPT -p tcp -dport 443\n',
      'firewall/101.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nGROUP web\n',
    },
    {
      'firewall/cluster.fw':
        '[OPTIONS]\nenable: 1\n\n[group web]\nIN ACCEPT -p tcp -dport 443\nIN ACCEPT -p tcp -dport 8443\n',
    },
  );
  has(
    lines,
    /^impact: guest 101 \(web\) net0: inbound tcp port 8443 to guest 101 from anywhere: DROP → ACCEPT$/,
  );
});

test('a GROUP added to a guest shows its rules taking effect there', async () => {
  const lines = await impactOf(
    {
      'firewall/cluster.fw':
        '[OPTIONS]\nenable: 1\n\n[IPSET office]\n198.51.100.0/24\n\n[group ssh]\nIN ACCEPT -p tcp -dport 22 -source +office\n',
      'firewall/101.fw': '[OPTIONS]\nenable: 1\n',
    },
    { 'firewall/101.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nGROUP ssh\n' },
  );
  has(
    lines,
    /^impact: guest 101 \(web\) net0: inbound tcp port 22 to guest 101 from \+office: DROP → ACCEPT$/,
  );
});

test('a restricted rule reads as "anywhere except" the ipset it spares', async () => {
  const lines = await impactOf(
    {
      'firewall/cluster.fw':
        '[OPTIONS]\nenable: 1\n\n[IPSET mgmt_net]\n198.51.100.0/24\n\n[RULES]\nIN ACCEPT -p tcp -dport 8006\n',
    },
    {
      'firewall/cluster.fw':
        '[OPTIONS]\nenable: 1\n\n[IPSET mgmt_net]\n198.51.100.0/24\n\n[RULES]\nIN ACCEPT -p tcp -dport 8006 -source +mgmt_net\nIN DROP -p tcp -dport 8006\n',
    },
  );
  has(
    lines,
    /^impact: host pve1: inbound tcp port 8006 to pve1 from anywhere except \+mgmt_net: ACCEPT → DROP$/,
  );
});
