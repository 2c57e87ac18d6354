// moveto (spec 14.1): the rule is inserted before the element that was at index `moveto`, so
// moving down lands one short and `moveto = pos + 1` changes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simHarness, type SimHarness } from './harness';

const file = (letters: string[]): string =>
  `[RULES]\n\n${letters.map((l, i) => `IN ACCEPT -p tcp -dport ${100 + i} # ${l}`).join('\n')}\n`;

let h: SimHarness;
before(async () => {
  h = await simHarness({});
});
after(() => h.close());

async function order(): Promise<string[]> {
  const list = await h.data<{ comment: string }[]>('GET', '/cluster/firewall/rules');
  return list.map((r) => r.comment);
}

async function move(start: string[], pos: number, moveto: number): Promise<string[]> {
  h.sim.store.write('firewall/cluster.fw', file(start));
  await h.data('PUT', `/cluster/firewall/rules/${pos}`, { moveto });
  return order();
}

test('the examples of spec 14.1', async () => {
  assert.deepEqual(await move(['A', 'B', 'C', 'D'], 0, 2), ['B', 'A', 'C', 'D']);
  assert.deepEqual(await move(['A', 'B', 'C', 'D'], 3, 1), ['A', 'D', 'B', 'C']);
  assert.deepEqual(await move(['A', 'B', 'C', 'D'], 1, 2), ['A', 'B', 'C', 'D']);
  assert.deepEqual(await move(['A', 'B', 'C', 'D'], 1, 9), ['A', 'C', 'D', 'B']);
});
