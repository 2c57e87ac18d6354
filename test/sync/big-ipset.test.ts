// A 5,000-entry ipset with a few hundred changes is pushed entry by entry, as a few hundred
// calls: never as a whole-set replace and never as thousands of calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { editFile } from './edit';
import { syncHarness } from './harness';

const SIZE = 5000;
const address = (i: number): string => `10.${(i >> 8) & 255}.${i & 255}.0/24`;

test('a 5,000-entry ipset: 120 added, 120 removed, 10 re-commented in 250 calls', async () => {
  const entries = Array.from({ length: SIZE }, (_, i) => address(i)).join('\n');
  const h = await syncHarness({
    files: {
      'firewall/cluster.fw': `[OPTIONS]\nenable: 1\n\n[IPSET big]\n${entries}\n\n[RULES]\nIN DROP -source +big\n`,
    },
  });
  try {
    await pull(h.ws, h.client);
    const edited = editFile(h, 'firewall/cluster.fw', (conf) => {
      const set = conf.ipset!['big']!;
      const kept = set.filter((_, i) => i % 33 !== 0 || i >= 120 * 33);
      for (let i = 0; i < 10; i++) kept[i * 100]!.comment = `checked ${i}`;
      for (let i = 0; i < 120; i++) kept.push({ cidr: `172.16.${i}.0/24` });
      conf.ipset!['big'] = kept;
    });
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(
      report.outcome,
      'complete',
      report.reason ?? report.execution?.failed?.error.message,
    );
    const ops = report.planned.plan.operations;
    const count = (type: string): number => ops.filter((op) => op.action.type === type).length;
    assert.deepEqual(
      [count('entry-add'), count('entry-delete'), count('entry-update')],
      [120, 120, 10],
    );
    assert.equal(ops.length, 250);
    assert.equal(h.writes(), 250);
    await pull(h.ws, h.client);
    assert.equal(h.read('firewall/cluster.fw'), edited);
  } finally {
    await h.close();
  }
});
