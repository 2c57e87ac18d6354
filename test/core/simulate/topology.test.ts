// topology.json is read strictly: what `pvefw pull` writes comes back unchanged, mistakes are named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PROXMOX_TEST_TOPOLOGY,
  readTopology,
  zoneOfAddress,
} from '../../../server/src/core/simulate';

test('the default topology survives a JSON round trip', () => {
  assert.deepEqual(
    readTopology(JSON.parse(JSON.stringify(PROXMOX_TEST_TOPOLOGY))),
    PROXMOX_TEST_TOPOLOGY,
  );
});

test('a wrong shape is reported with where it is', () => {
  const bad: [unknown, RegExp][] = [
    [[], /topology must be an object/],
    [{}, /localNode must be a non-empty string/],
    [
      { localNode: 'a', guests: [{ vmid: 0, kind: 'vm', node: 'a', nics: [] }] },
      /guests\[0\]\.vmid/,
    ],
    [{ localNode: 'a', guests: [{ vmid: 1, kind: 'qemu', node: 'a', nics: [] }] }, /kind/],
    [
      { localNode: 'a', guests: [{ vmid: 1, kind: 'vm', node: 'a', nics: [{ name: 'eth0' }] }] },
      /nics\[0\]\.name must be netN/,
    ],
    [
      { localNode: 'a', nodes: [{ name: 'a', ringAddresses: '10.0.0.1' }] },
      /ringAddresses must be an array/,
    ],
  ];
  for (const [json, message] of bad) assert.throws(() => readTopology(json), message);
});

test('an address names its zone: the node, a container, or outside', () => {
  assert.equal(zoneOfAddress('172.16.1.2', PROXMOX_TEST_TOPOLOGY), 'host');
  assert.equal(zoneOfAddress('10.0.200.2', PROXMOX_TEST_TOPOLOGY), 'ct201');
  assert.equal(zoneOfAddress('8.8.8.8', PROXMOX_TEST_TOPOLOGY), 'outside');
  assert.equal(zoneOfAddress('vm100', PROXMOX_TEST_TOPOLOGY), undefined);
});
