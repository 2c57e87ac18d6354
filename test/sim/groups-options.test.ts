// Group rename rewrites GROUP rules everywhere (rewriting every host and guest file as it goes),
// options follow each kind's enable rules, aliases are case-insensitive, vnets check SDN access.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { simHarness, type SimHarness } from './harness';

let h: SimHarness;
before(async () => {
  h = await simHarness({
    files: {
      'firewall/cluster.fw':
        '[RULES]\nGROUP web\n\n[group web] # Web\nIN ACCEPT -p tcp -dport 443\n',
      'nodes/pve1/host.fw': '# kept until some write\n[RULES]\nGROUP web -i vmbr0\n',
      'firewall/100.fw': '[RULES]\nGROUP web -i net0\nIN ACCEPT -p tcp -dport 22\n',
    },
    guests: [
      {
        vmid: '100',
        node: 'pve1',
        type: 'qemu',
        config: 'net0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1\n',
      },
    ],
    vnets: { vnet1: { zone: 'zone1' } },
  });
});
after(() => h.close());

const read = (path: string): string => readFileSync(join(h.dir, path), 'utf8');

test('renaming a group rewrites references in cluster, host and guest files', async () => {
  const [{ digest }] = await h.data<[{ digest: string }]>('GET', '/cluster/firewall/groups');
  await h.data('POST', '/cluster/firewall/groups', { group: 'www', rename: 'web', digest });
  assert.deepEqual(
    await h
      .data<{ group: string; comment: string }[]>('GET', '/cluster/firewall/groups')
      .then((l) => l.map((g) => [g.group, g.comment])),
    [['www', 'Web']],
  );
  assert.match(read('firewall/cluster.fw'), /^GROUP www$/m);
  assert.equal(read('nodes/pve1/host.fw'), '[RULES]\n\nGROUP www -i vmbr0\n\n');
  assert.match(read('firewall/100.fw'), /^GROUP www -i net0$/m);
});

test('options: set, delete, digest, and enable as each kind stores it (cluster: time stamp)', async () => {
  await h.data('PUT', '/nodes/pve1/qemu/100/firewall/options', { enable: 1, policy_in: 'REJECT' });
  let options = await h.data<Record<string, unknown>>(
    'GET',
    '/nodes/pve1/qemu/100/firewall/options',
  );
  assert.deepEqual([options['enable'], options['policy_in']], [1, 'REJECT']);
  await h.data('PUT', '/nodes/pve1/qemu/100/firewall/options', {
    delete: 'policy_in',
    digest: String(options['digest']),
  });
  options = await h.data('GET', '/nodes/pve1/qemu/100/firewall/options');
  assert.equal(options['policy_in'], undefined);
  const unknown = await h.call('PUT', '/nodes/pve1/qemu/100/firewall/options', {
    delete: 'policy_forward',
  });
  assert.deepEqual(unknown.json?.errors, { delete: "no such option 'policy_forward'" });
  const before = Math.floor(Date.now() / 1000);
  await h.data('PUT', '/cluster/firewall/options', { enable: 2 });
  const cluster = await h.data<Record<string, number>>('GET', '/cluster/firewall/options');
  assert.ok(cluster['enable']! >= before, 'cluster enable > 1 becomes the current time');
  const proxied = await h.call('GET', '/nodes/nosuch/firewall/options');
  assert.equal(proxied.status, 500);
});

test('aliases are case-insensitive, keep the name as written and store the address as sent', async () => {
  await h.data('POST', '/cluster/firewall/aliases', {
    name: 'MyNet',
    cidr: '10.0.0.0/8',
    comment: 'lab',
  });
  const clash = await h.call('POST', '/cluster/firewall/aliases', {
    name: 'mynet',
    cidr: '10.0.0.1',
  });
  assert.deepEqual(clash.json?.errors, { name: "alias 'mynet' already exists" });
  const [alias] = await h.data<{ name: string; cidr: string; digest: string }[]>(
    'GET',
    '/cluster/firewall/aliases',
  );
  await h.data('PUT', '/cluster/firewall/aliases/MYNET', {
    cidr: '10.0.0.1/32',
    digest: alias!.digest,
  });
  const read = await h.data<{ name: string; cidr: string; comment?: string }>(
    'GET',
    '/cluster/firewall/aliases/mynet',
  );
  assert.deepEqual([read.name, read.cidr, read.comment], ['MYNET', '10.0.0.1', undefined]);
});

test('vnet firewall: forward rules only, unknown vnets refused', async () => {
  await h.data('POST', '/cluster/sdn/vnets/vnet1/firewall/rules', {
    type: 'forward',
    action: 'ACCEPT',
    proto: 'tcp',
    dport: '80',
    enable: 1,
  });
  const wrongType = await h.call('POST', '/cluster/sdn/vnets/vnet1/firewall/rules', {
    type: 'in',
    action: 'ACCEPT',
  });
  assert.deepEqual(wrongType.json?.errors, { type: "invalid rule type 'in' for rule_env 'vnet'" });
  assert.match(read('sdn/firewall/vnet1.fw'), /^FORWARD ACCEPT -p tcp -dport 80$/m);
  const unknown = await h.call('GET', '/cluster/sdn/vnets/other/firewall/rules');
  assert.deepEqual([unknown.status, unknown.json?.message], [500, 'invalid vnet specified\n']);
});

test('inventory endpoints in the real shapes', async () => {
  const qemu = await h.data<{ vmid: number }[]>('GET', '/nodes/pve1/qemu');
  assert.deepEqual(
    qemu.map((g) => g.vmid),
    [100],
  );
  const config = await h.data<Record<string, string>>('GET', '/nodes/pve1/qemu/100/config');
  assert.equal(config['net0'], 'virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1');
  const vnets = await h.data<{ vnet: string; zone: string }[]>('GET', '/cluster/sdn/vnets');
  assert.deepEqual(
    vnets.map((v) => [v.vnet, v.zone]),
    [['vnet1', 'zone1']],
  );
  const status = await h.data<{ type: string; name?: string; ip?: string }[]>(
    'GET',
    '/cluster/status',
  );
  assert.deepEqual(
    status.filter((s) => s.type === 'node').map((s) => [s.name, s.ip]),
    [['pve1', '192.0.2.11']],
  );
});
