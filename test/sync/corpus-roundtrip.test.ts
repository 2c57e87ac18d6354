// Every upstream corpus folder as a live cluster: pull, pull again (no diff), push unchanged (no
// write), edit, plan, push, pull: the workspace must then hold exactly the edited files.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { planWorkspace } from '../../server/src/cluster/plan-workspace';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { CORPUS_GUESTS, CORPUS_NODES, corpusFiles } from '../support/sim-fixture';
import { listDirs, sharedCorpusDir } from '../support/corpus';
import { editFile, rule } from './edit';
import { syncHarness, type SyncHarness } from './harness';

const corpus = sharedCorpusDir();
const SKIP = corpus ? false : '../shared/corpus is not present in this checkout';
const folders = corpus ? listDirs(join(corpus, 'upstream')) : [];

/** A few edits of every kind the folder allows; returns the edited files' texts. */
function edit(h: SyncHarness): Map<string, string> {
  const edited = new Map<string, string>();
  const files = [...h.files().keys()].filter((p) => p.endsWith('.fw'));
  edited.set(
    'firewall/cluster.fw',
    editFile(h, 'firewall/cluster.fw', (conf) => {
      conf.rules = [
        rule({
          type: 'in',
          action: 'ACCEPT',
          source: '192.0.2.0/24',
          proto: 'tcp',
          dport: '8006',
          comment: 'admins',
        }),
        ...(conf.rules ?? []),
      ];
      conf.options = { ...conf.options, policy_out: 'ACCEPT' };
      const sets = Object.keys(conf.ipset ?? {});
      if (sets.length > 0) {
        const set = conf.ipset![sets[0]!]!;
        set.splice(0, set.length > 1 ? 1 : 0, { cidr: '198.51.100.0/24', comment: 'new' });
      } else conf.ipset = { newset: [{ cidr: '198.51.100.7' }] };
    }),
  );
  const guest = files.find((p) => /^firewall\/\d+\.fw$/.test(p));
  if (guest) {
    edited.set(
      guest,
      editFile(h, guest, (conf) => {
        const rules = conf.rules ?? [];
        if (rules.length > 1) rules.unshift(rules.pop()!);
        if (rules.length > 2) rules.splice(1, 1);
        if (rules[0]) rules[0].comment = 'moved to the top';
        conf.rules = [
          ...rules,
          rule({ type: 'out', action: 'DROP', proto: 'udp', dport: '53', enable: 0 }),
        ];
      }),
    );
  }
  const host = files.find((p) => p.startsWith('nodes/'));
  if (host)
    edited.set(
      host,
      editFile(
        h,
        host,
        (conf) =>
          void (conf.rules = [
            ...(conf.rules ?? []),
            rule({ type: 'in', action: 'REJECT', proto: 'tcp', dport: '3128' }),
          ]),
      ),
    );
  return edited;
}

// Without the corpus there is no folder to name a test after: one skipped test says why, so the
// file still shows in the report (the other corpus tests skip the same way).
if (!corpus) test('round trip of every upstream corpus folder', { skip: SKIP }, () => undefined);

for (const folder of folders) {
  test(`round trip of upstream/${folder}`, async () => {
    const h = await syncHarness({
      files: corpusFiles(join(corpus!, 'upstream', folder)),
      nodes: CORPUS_NODES,
      guests: CORPUS_GUESTS,
    });
    try {
      await pull(h.ws, h.client);
      const first = h.files();
      const again = await pull(h.ws, h.client);
      assert.deepEqual(again.written, [], 'a second pull writes nothing');
      assert.deepEqual(h.files(), first, 'pulling twice gives the same files');

      const unchanged = await pushWorkspace(h.ws, h.client);
      assert.equal(unchanged.outcome, 'nothing-to-do');
      assert.equal(h.writes(), 0, 'an unchanged push sends no write');

      const edited = edit(h);
      const planned = await planWorkspace(h.ws, h.client);
      assert.deepEqual([...planned.local.problems, ...planned.plan.problems], []);
      assert.ok(planned.plan.operations.length > 0);
      const report = await pushWorkspace(h.ws, h.client);
      assert.equal(
        report.outcome,
        'complete',
        report.reason ?? report.execution?.failed?.error.message,
      );
      assert.equal(h.writes(), planned.plan.operations.length, 'one write per planned call');

      await pull(h.ws, h.client);
      for (const [path, text] of edited) assert.equal(h.read(path), text, path);
      assert.equal((await planWorkspace(h.ws, h.client)).plan.operations.length, 0);
    } finally {
      await h.close();
    }
  });
}
