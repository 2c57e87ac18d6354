import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterCandidateKeys, fileKey, fileKindOf } from '../../server/src/lsp/uris';

const cases: { uri: string; kind: string | undefined; clusters: string[] }[] = [
  {
    uri: 'file:///etc/pve/firewall/100.fw',
    kind: 'guest',
    clusters: ['file:///etc/pve/firewall/cluster.fw', 'file:///etc/firewall/cluster.fw'],
  },
  {
    uri: 'file:///etc/pve/nodes/pve1/host.fw',
    kind: 'host',
    clusters: ['file:///etc/pve/nodes/pve1/cluster.fw', 'file:///etc/pve/firewall/cluster.fw'],
  },
  // sdn/firewall/cluster.fw would be a vnet named "cluster", never the cluster file.
  {
    uri: 'file:///etc/pve/sdn/firewall/vnet0.fw',
    kind: 'vnet',
    clusters: ['file:///etc/pve/firewall/cluster.fw'],
  },
  {
    uri: 'file:///etc/pve/firewall/cluster.fw',
    kind: 'cluster',
    clusters: ['file:///etc/firewall/cluster.fw'],
  },
  {
    uri: 'file:///a%20b/firewall/200.fw',
    kind: 'guest',
    clusters: ['file:///a%20b/firewall/cluster.fw', 'file:///firewall/cluster.fw'],
  },
  { uri: 'file:///tmp/notes.fw', kind: undefined, clusters: ['file:///tmp/cluster.fw'] },
  { uri: 'untitled:Untitled-1', kind: undefined, clusters: [] },
];

for (const { uri, kind, clusters } of cases) {
  test(`uris: ${uri}`, () => {
    assert.equal(fileKindOf(fileKey(uri)), kind);
    if (kind !== undefined) assert.deepEqual(clusterCandidateKeys(fileKey(uri)), clusters);
  });
}

test('uris: spellings of one file share a key', () => {
  assert.equal(fileKey('file:///tmp/a%20b/cluster.fw'), fileKey('file:///tmp/a b/cluster.fw'));
  assert.equal(fileKey('file:///tmp/x/../cluster.fw'), fileKey('file:///tmp/cluster.fw'));
  assert.equal(fileKey('not a uri'), 'not a uri');
});
