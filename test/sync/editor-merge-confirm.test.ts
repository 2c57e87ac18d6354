// The editor's Pull and commit-confirmed push, decided without VS Code (client/src/sync/logic)
// over real pulls and pushes against the simulator (issue 18): a pull with local edits merges
// and says what it merged and where conflicts are marked, never offering to overwrite; the
// push question's second button arms a confirmation window, the first does not; the status bar
// counts down; "Confirm" keeps the push; a revert by the watcher is reported from the log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PveClient } from '../../server/src/cluster/client';
import {
  confirmPending,
  lastConfirmOutcome,
  pushConfirmed,
  readPending,
  watchPending,
  type ClientFor,
} from '../../server/src/cluster/confirm';
import { pull } from '../../server/src/cluster/pull';
import {
  awaitingNotice,
  CONFIRM,
  confirmOutcomeNotice,
  confirmWindow,
  pendingStatus,
  pushChoice,
  settledNotice,
  timeLeft,
  type PushChoiceId,
} from '../../client/src/sync/logic/confirm-push';
import { firstConflictLine, OPEN_CONFLICT, pullNotice } from '../../client/src/sync/logic/merge';
import { TOKEN } from '../support/sim-fixture';
import { syncHarness, type SyncHarness } from './harness';

const CLUSTER = (...rules: string[]): string =>
  `[OPTIONS]\n\nenable: 1\n\n[RULES]\n\n${rules.map((r) => `${r}\n`).join('')}\n`;
const R8006 = 'IN ACCEPT -p tcp -dport 8006';
const R22 = 'IN ACCEPT -p tcp -dport 22';
const MINE = 'IN ACCEPT -p tcp -dport 443 # mine';
const THEIRS = 'IN ACCEPT -p tcp -dport 9999 # theirs';

function theirRuleOnTop(h: SyncHarness, rule = THEIRS): void {
  h.sim.store.write(
    'firewall/cluster.fw',
    h.sim.store.read('firewall/cluster.fw').replace('[RULES]\n\n', `[RULES]\n\n${rule}\n`),
  );
}

test('Pull with local edits merges; the notice says what it merged and keeps no Overwrite', async () => {
  const h = await syncHarness({ files: { 'firewall/cluster.fw': CLUSTER(R8006, R22) } });
  try {
    await pull(h.ws, h.client);
    h.write('firewall/cluster.fw', CLUSTER(R8006, R22, MINE));
    theirRuleOnTop(h);
    const report = await pull(h.ws, h.client);
    assert.equal(h.read('firewall/cluster.fw'), CLUSTER(THEIRS, R8006, R22, MINE));
    const notice = pullNotice(report);
    assert.equal(notice.level, 'info');
    assert.equal(
      notice.message,
      "Pulled: 1 files written, 0 deleted, 0 unchanged; merged the cluster's changes with your edits in firewall/cluster.fw.",
    );
    assert.deepEqual(notice.actions, []);
  } finally {
    await h.close();
  }
});

test('Pull where both changed the same place: the conflict is marked and the notice leads to it', async () => {
  const h = await syncHarness({ files: { 'firewall/cluster.fw': CLUSTER(R8006, R22) } });
  try {
    await pull(h.ws, h.client);
    h.write('firewall/cluster.fw', CLUSTER(MINE, R8006, R22));
    theirRuleOnTop(h);
    const report = await pull(h.ws, h.client);
    const notice = pullNotice(report);
    assert.equal(notice.level, 'warning');
    assert.match(
      notice.message,
      /^Pulled: 1 files written, 0 deleted, 0 unchanged\. 1 merge conflict in firewall\/cluster\.fw: you and the cluster changed the same thing differently.*\(merge-conflict\)/,
    );
    assert.deepEqual(notice.actions, [OPEN_CONFLICT]);
    const text = h.read('firewall/cluster.fw');
    assert.equal(text.split('\n')[firstConflictLine(text)], '<<<<<<< local');
  } finally {
    await h.close();
  }
});

async function pulledWithNodes(): Promise<{ h: SyncHarness; clientFor: ClientFor }> {
  const h = await syncHarness(
    {
      nodes: { pve1: { ip: '192.0.2.11' }, pve2: { ip: '192.0.2.12' } },
      files: { 'firewall/cluster.fw': CLUSTER(R8006) },
    },
    {},
    { nodeEndpoints: true },
  );
  const clientFor: ClientFor = (url) =>
    new PveClient({
      baseUrl: url,
      fingerprint: h.sim.fingerprint,
      credentials: { kind: 'token', token: TOKEN },
    });
  await pull(h.ws, h.client);
  h.write('firewall/cluster.fw', CLUSTER(R8006, MINE));
  return { h, clientFor };
}

/** A push as the editor makes it: the question answered with `answer`. */
function editorPush(h: SyncHarness, answer: PushChoiceId, windowSetting: unknown = '5m') {
  const within = confirmWindow(windowSetting);
  let choice: PushChoiceId | undefined;
  return pushConfirmed(h.ws, h.client, {
    confirm: (planned) => {
      const question = pushChoice(
        planned.plan.operations.map((op) => op.summary),
        h.client.host,
        within.text,
      );
      choice = question.buttons.find((b) => b.id === answer)?.id;
      return Promise.resolve(choice !== undefined);
    },
    confirmWithinMs: () => (choice === 'confirmed' ? within.ms : undefined),
    endpoints: Object.entries(h.sim.nodeUrls).map(([node, url]) => ({ node, url })),
  });
}

test('the plain push arms nothing; the confirmed one awaits "Confirm", which keeps it', async () => {
  const { h, clientFor } = await pulledWithNodes();
  try {
    const plain = await editorPush(h, 'push');
    assert.equal(plain.outcome, 'complete');
    assert.equal(plain.awaitingConfirmation, false);
    assert.equal(readPending(h.ws), undefined);

    h.write('firewall/cluster.fw', CLUSTER(R8006, MINE, R22));
    const before = Date.now();
    const confirmed = await editorPush(h, 'confirmed', '2m');
    assert.equal(confirmed.outcome, 'complete');
    assert.equal(confirmed.awaitingConfirmation, true);
    const pending = readPending(h.ws)!;
    assert.ok(pending.deadline - before >= 120_000 && pending.deadline - before < 130_000);
    assert.equal(
      pendingStatus(pending, pending.deadline - 65_000).text,
      '$(watch) PVE: confirm push (1:05)',
    );
    const notice = awaitingNotice(pending, pending.deadline - 120_000, 1);
    assert.equal(
      notice.message,
      'Pushed 1 calls; confirm within 2:00, or the push is reverted. Every node answers (pve1, pve2); a watcher reverts at once if one stops answering.',
    );
    assert.deepEqual(notice.actions, [CONFIRM]);

    const outcome = await confirmPending(h.ws, { clientFor });
    assert.deepEqual(confirmOutcomeNotice(outcome), {
      level: 'info',
      message: 'Push confirmed: it stays.',
      actions: [],
    });
    assert.equal(readPending(h.ws), undefined);
    assert.equal(h.sim.store.read('firewall/cluster.fw'), CLUSTER(R8006, MINE, R22));
  } finally {
    await h.close();
  }
});

test('not confirmed: the watcher reverts, and the editor reports it from the log', async () => {
  const { h, clientFor } = await pulledWithNodes();
  try {
    const pushed = await editorPush(h, 'confirmed');
    assert.equal(pushed.awaitingConfirmation, true);
    await h.sim.refuseConnections('pve1');
    const watched = await watchPending(h.ws, { clientFor, intervalMs: 20, probeTimeoutMs: 5000 });
    assert.equal(watched.outcome, 'reverted');
    assert.equal(h.sim.store.read('firewall/cluster.fw'), CLUSTER(R8006));
    const notice = settledNotice(lastConfirmOutcome(h.ws))!;
    assert.equal(notice.level, 'warning');
    assert.match(
      notice.message,
      /^The push was not confirmed and has been reverted: the push of .* through https:\/\/127\.0\.0\.1:\d+: pve1 .* stopped answering\. Your edits are still in the workspace, not pushed\.$/,
    );
    const late = await confirmPending(h.ws, { clientFor });
    assert.match(
      confirmOutcomeNotice(late, lastConfirmOutcome(h.ws)).message,
      /^No push awaits confirmation\. Last: .*reverted the push/,
    );
  } finally {
    await h.close();
  }
});

test('the confirmation window: the setting when it is a duration, else 5m; time left as m:ss', () => {
  assert.deepEqual(confirmWindow('90s'), { ms: 90_000, text: '90s' });
  assert.deepEqual(confirmWindow(' 1h '), { ms: 3_600_000, text: '1h' });
  for (const bad of ['', 'soon', '0m', 5, undefined, '5 m'])
    assert.deepEqual(confirmWindow(bad), { ms: 300_000, text: '5m' }, String(bad));
  assert.equal(timeLeft(0), '0:00');
  assert.equal(timeLeft(-5000), '0:00');
  assert.equal(timeLeft(59_001), '1:00');
  assert.equal(timeLeft(3_723_000), '1:02:03');
  // No pull yet: only the plain push is offered.
  assert.deepEqual(
    pushChoice(['a'], 'h:8006', undefined).buttons.map((b) => b.id),
    ['push'],
  );
});
