// A workspace's files all resolve against one cluster.fw: with a cache it is loaded once, and
// every file gets exactly the findings it gets without one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFile, type CheckOptions } from '../../server/src/core';

test('files checked with a shared cluster cache get the same findings, the cluster loaded once', () => {
  const cluster = {
    path: 'cluster.fw',
    text: '[OPTIONS]\nenable: 1\n[IPSET web]\n10.0.0.0/24\n[ALIASES]\ndns 10.0.0.53\n',
  };
  const guests = [
    '[RULES]\nIN ACCEPT -source +web -p tcp -dport 443\nIN ACCEPT -source +nope\n',
    '[RULES]\nIN ACCEPT -source dns -p udp -dport 53\nIN ACCEPT -dest missing\n',
  ];
  const clusterCache: NonNullable<CheckOptions['clusterCache']> = new Map();
  for (const [i, text] of guests.entries()) {
    const file = { path: `${100 + i}.fw`, text };
    const alone = checkFile(file, 'guest', { cluster });
    assert.ok(
      alone.some((f) => f.code.startsWith('undefined-')),
      'a reference is unresolved',
    );
    assert.deepEqual(checkFile(file, 'guest', { cluster, clusterCache }), alone);
  }
  assert.equal(clusterCache.size, 1);
  assert.equal(clusterCache.get(cluster.text)?.size, 1);
  const sdn = checkFile({ path: '100.fw', text: guests[0]! }, 'guest', {
    cluster,
    clusterCache,
    sdnIpSets: ['vnet1-all'],
  });
  assert.ok(sdn.length > 0);
  // Another SDN setup loads the cluster anew: its sets change what the cluster resolves.
  assert.equal(clusterCache.get(cluster.text)?.size, 2);
});
