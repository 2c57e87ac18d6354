// The guest config endpoints a NIC's firewall flag goes through: GET with the file's SHA-1 as
// digest, PUT net<N> with the digest checked, the value stored as qemu-server and
// pve-container print it, the privileges the API asks for.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AUDIT_TOKEN } from '../support/sim-fixture';
import { simHarness, type SimHarness } from './harness';

const VM =
  'name: web\nnet0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0\nnet1: bridge=vmbr1,e1000=AA:BB:CC:DD:EE:02,firewall=1\n';
const CT = 'hostname: db\nnet0: name=eth0,bridge=vmbr0,hwaddr=0E:18:24:41:2C:43,ip=10.0.200.1/24\n';

let h: SimHarness;
before(async () => {
  h = await simHarness({
    guests: [
      { vmid: '100', node: 'pve1', type: 'qemu', config: VM },
      { vmid: '200', node: 'pve1', type: 'lxc', config: CT },
    ],
  });
});
after(() => h.close());

const file = (path: string): string => readFileSync(join(h.dir, path), 'utf8');
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

test('GET config: the digest is the SHA-1 of the config file', async () => {
  const config = await h.data<Record<string, string>>('GET', '/nodes/pve1/qemu/100/config');
  assert.equal(config['digest'], sha1(VM));
  assert.equal(config['net1'], 'bridge=vmbr1,e1000=AA:BB:CC:DD:EE:02,firewall=1');
});

test('PUT net<N>: digest checked, the value stored as qemu-server prints it', async () => {
  const stale = await h.call('PUT', '/nodes/pve1/qemu/100/config', {
    net0: 'virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1',
    digest: '0'.repeat(40),
  });
  assert.deepEqual(
    [stale.status, stale.json?.message],
    [500, 'checksum mismatch (file change by other user?)\n'],
  );
  await h.data('PUT', '/nodes/pve1/qemu/100/config', {
    net1: 'bridge=vmbr1,e1000=AA:BB:CC:DD:EE:02,firewall=0',
    digest: sha1(VM),
  });
  assert.match(
    file('nodes/pve1/qemu-server/100.conf'),
    /^net1: e1000=AA:BB:CC:DD:EE:02,bridge=vmbr1,firewall=0$/m,
  );
  const bad = await h.call('PUT', '/nodes/pve1/qemu/100/config', {
    net0: 'virtio=x,bridge=vmbr0,colour=red',
  });
  assert.deepEqual(bad.json?.errors, {
    net0: 'invalid format - invalid key in comma-separated list property: colour\n',
  });
});

test('a container NIC comes back with name first and type=veth', async () => {
  const { digest } = await h.data<{ digest: string }>('GET', '/nodes/pve1/lxc/200/config');
  await h.data('PUT', '/nodes/pve1/lxc/200/config', {
    net0: 'name=eth0,bridge=vmbr0,hwaddr=0E:18:24:41:2C:43,ip=10.0.200.1/24,firewall=1',
    digest,
  });
  assert.match(
    file('nodes/pve1/lxc/200.conf'),
    /^net0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=0E:18:24:41:2C:43,ip=10\.0\.200\.1\/24,type=veth$/m,
  );
});

test('setting a NIC needs VM.Config.Network on the guest', async () => {
  const reply = await h.call(
    'PUT',
    '/nodes/pve1/qemu/100/config',
    { net0: 'virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1' },
    { headers: { Authorization: `PVEAPIToken=${AUDIT_TOKEN}` } },
  );
  assert.deepEqual(
    [reply.status, reply.json?.message],
    [403, 'Permission check failed (/vms/100, VM.Config.Network)\n'],
  );
});
