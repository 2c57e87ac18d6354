// The planner's own model of `moveto` must agree with the simulator for every pos/moveto of a
// five-rule list (spec 14.1: inserted before the element that was at index `moveto`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FirewallState } from '../../server/src/core/plan/firewall-state';
import { RemoteModel } from '../../server/src/core/plan/remote-model';
import { simHarness, type SimHarness } from '../sim/harness';

const LETTERS = ['A', 'B', 'C', 'D', 'E'];
const file = (letters: string[]): string =>
  `[RULES]\n\n${letters.map((l, i) => `IN ACCEPT -p tcp -dport ${100 + i} # ${l}`).join('\n')}\n`;

let h: SimHarness;
before(async () => {
  h = await simHarness({});
});
after(() => h.close());

async function move(start: string[], pos: number, moveto: number): Promise<string[]> {
  h.sim.store.write('firewall/cluster.fw', file(start));
  await h.data('PUT', `/cluster/firewall/rules/${pos}`, { moveto });
  const list = await h.data<{ comment: string }[]>('GET', '/cluster/firewall/rules');
  return list.map((r) => r.comment);
}

test('the planner predicts every move of a five-rule list exactly', async () => {
  for (let pos = 0; pos < 5; pos++) {
    for (let moveto = 0; moveto <= 6; moveto++) {
      if (moveto === pos) continue;
      const actual = await move(LETTERS, pos, moveto);
      const state: FirewallState = {
        files: new Map([
          [
            'firewall/cluster.fw',
            {
              ref: { kind: 'cluster' },
              conf: {
                rules: LETTERS.map((l) => ({
                  type: 'in',
                  action: 'ACCEPT',
                  enable: 1,
                  comment: l,
                })),
              },
            },
          ],
        ]),
      };
      const model = new RemoteModel(state);
      model.apply(
        'firewall/cluster.fw',
        { kind: 'cluster' },
        { type: 'rule-move', in: { list: 'rules' }, pos, moveto },
      );
      const predicted = model
        .rules('firewall/cluster.fw', { list: 'rules' })
        .map((r) => r.rule.comment);
      assert.deepEqual(predicted, actual, `pos ${pos} moveto ${moveto}`);
    }
  }
});
