// What the editor's dialogs say about real pushes, pulls and token checks against the simulator
// (issue 18): refusals lead with the reason (the lock-out's node, address, port, line and fix;
// the lists someone else changed), overrides come second and apply exactly the confirmed plan,
// a refused token always offers "Set API token", an untrusted certificate names host:port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PveClient } from '../../server/src/cluster/client';
import { ClusterError } from '../../server/src/cluster/errors';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace, type PushReport } from '../../server/src/cluster/push-workspace';
import { readCertificate } from '../../server/src/cluster/read-certificate';
import { pushText } from '../../server/src/cluster/report-text';
import { savedPlanOf } from '../../server/src/cluster/saved-plan';
import { readFwFiles } from '../../server/src/cluster/workspace';
import {
  clusterErrorNotice,
  REVIEW_CERTIFICATE,
  SET_TOKEN,
  TRUST_CERTIFICATE,
} from '../../client/src/sync/logic/cluster-notice';
import { pushNotice, remoteChangedAfterPush } from '../../client/src/sync/logic/push-outcome';
import { pushChoice } from '../../client/src/sync/logic/confirm-push';
import {
  overrideConfirmation,
  refusalOf,
  type Overrides,
} from '../../client/src/sync/logic/refusal';
import { TOKEN_CHECK_PATH, tokenVerdict } from '../../client/src/sync/logic/token-verdict';
import { isWrite, nth } from '../sim/faults';
import { TOKEN, TOKEN_ID } from '../support/sim-fixture';
import { syncHarness, type SyncHarness } from './harness';

const CLUSTER = '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 8006\n';
/** Line 7 closes the web interface to everyone, this machine too. */
const LOCKED_OUT = '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN DROP -p tcp -dport 8006\n';

async function pulled(): Promise<SyncHarness> {
  const h = await syncHarness({ files: { 'firewall/cluster.fw': CLUSTER } });
  await pull(h.ws, h.client);
  return h;
}

function refusal(h: SyncHarness, report: PushReport, overrides: Overrides = {}) {
  return refusalOf(report, {
    overrides,
    host: h.client.host,
    files: readFwFiles(h.ws),
  });
}

/** Another admin adds a rule through the API. */
async function theirChange(h: SyncHarness): Promise<void> {
  await h.client.call('POST', '/cluster/firewall/rules', {
    type: 'in',
    action: 'ACCEPT',
    proto: 'tcp',
    dport: '9999',
    enable: 1,
    comment: 'theirs',
  });
}

async function caught(work: Promise<unknown>): Promise<ClusterError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClusterError, `a ClusterError, not ${String(error)}`);
  return error;
}

test('a lock-out refusal leads with node, address and port, names the line and the fix', async () => {
  const h = await pulled();
  try {
    // The user's own spelling: more blanks than Proxmox writes, and a comment.
    h.write(
      'firewall/cluster.fw',
      LOCKED_OUT.replace(
        'IN DROP -p tcp -dport 8006',
        'IN  DROP -p tcp -dport 8006 # close the UI',
      ),
    );
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'refused');
    const seen = refusal(h, report)!;
    assert.equal(seen.kind, 'lockout');
    assert.equal(
      seen.message,
      'Push refused: this machine (127.0.0.1) would lose port 8006 of pve1 (192.0.2.11).',
    );
    assert.ok(
      seen.detail.startsWith(
        "pve1 (192.0.2.11), port 8006: cut off by the rule 'IN DROP -p tcp -dport 8006 # close the UI' in firewall/cluster.fw, at firewall/cluster.fw:7.",
      ),
      seen.detail,
    );
    assert.match(
      seen.detail,
      /Fix: accept this machine first, e\.g\. 'IN ACCEPT -source 127\.0\.0\.1 -p tcp -dport 8006' at the top of \[RULES\] in firewall\/cluster\.fw/,
    );
    assert.deepEqual(
      seen.actions.map((a) => a.id),
      ['show-plan', 'allow-lockout'],
      'the override is never the first button',
    );
    assert.equal(h.writes(), 0);

    // The second confirmation says what is lost and lists the calls; confirmed, exactly that
    // plan is pushed.
    const second = overrideConfirmation('allow-lockout', report);
    assert.equal(
      second.message,
      'Push although this machine loses port 8006 of pve1 (192.0.2.11)?',
    );
    assert.match(second.detail, /no longer answer 127\.0\.0\.1/);
    assert.match(second.detail, /The \d+ calls:\n1\. /);
    assert.equal(second.confirm, 'Push and lose access');
    const reviewed = savedPlanOf(h.client.host, report.planned);
    const pushed = await pushWorkspace(h.ws, h.client, { allowLockout: true, reviewed });
    assert.equal(pushed.outcome, 'complete');
    assert.deepEqual(remoteChangedAfterPush(pushed), []);
  } finally {
    await h.close();
  }
});

test('a confirmed override pushes nothing when the cluster moved after the confirmation', async () => {
  const h = await pulled();
  try {
    h.write('firewall/cluster.fw', LOCKED_OUT);
    const report = await pushWorkspace(h.ws, h.client);
    const reviewed = savedPlanOf(h.client.host, report.planned);
    await theirChange(h);
    const writes = h.writes();
    const overrides = { allowLockout: true, force: true };
    const again = await pushWorkspace(h.ws, h.client, { ...overrides, reviewed });
    assert.equal(again.outcome, 'refused');
    assert.equal(h.writes(), writes);
    const seen = refusalOf(again, {
      overrides,
      reviewed,
      host: h.client.host,
      files: readFwFiles(h.ws),
    })!;
    assert.equal(seen.kind, 'reviewed-plan-moved');
    assert.match(
      seen.message,
      /^Push refused: the cluster changed since the plan was made \(the rules of|firewall\/cluster\.fw#rules/,
    );
    assert.deepEqual(
      seen.actions.map((a) => a.id),
      ['show-plan'],
    );
  } finally {
    await h.close();
  }
});

test('a concurrent-change refusal names the lists; force is second and confirmed again', async () => {
  const h = await pulled();
  try {
    h.write('firewall/cluster.fw', `${CLUSTER}IN ACCEPT -p tcp -dport 22\n`);
    await theirChange(h);
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'refused');
    const seen = refusal(h, report)!;
    assert.equal(seen.kind, 'remote-changed');
    assert.equal(
      seen.message,
      'Push refused: the cluster changed since your last pull: the rules of firewall/cluster.fw.',
    );
    assert.match(seen.detail, /would undo those changes\. Nothing was sent\./);
    assert.deepEqual(
      seen.actions.map((a) => a.id),
      ['show-plan', 'merge', 'force'],
    );
    assert.match(seen.detail, /A pull merges them with your edits/);
    assert.deepEqual(remoteChangedAfterPush(report), ['firewall/cluster.fw#rules']);

    const second = overrideConfirmation('force', report);
    assert.match(second.detail, /undoes the changes to the rules of firewall\/cluster\.fw/);
    assert.equal(second.confirm, 'Overwrite and push');
    const overrides = { force: true };
    const reviewed = savedPlanOf(h.client.host, report.planned);
    const pushed = await pushWorkspace(h.ws, h.client, { ...overrides, reviewed });
    assert.equal(pushed.outcome, 'complete', pushText('sim', pushed));
    const rules = await h.client.get<{ comment?: string }[]>('/cluster/firewall/rules');
    assert.ok(!rules.some((r) => r.comment === 'theirs'), 'force overwrote their rule');
  } finally {
    await h.close();
  }
});

test('a push stopped by another admin: the reason first, and their list counts as changed', async () => {
  const h = await pulled();
  try {
    h.write(
      'firewall/cluster.fw',
      `${CLUSTER}IN ACCEPT -p tcp -dport 22\nIN ACCEPT -p tcp -dport 23\n`,
    );
    h.sim.faults.add({
      when: nth(1, isWrite),
      fault: {
        kind: 'error',
        status: 500,
        message: 'detected modified configuration - file changed by other user? Try again.\n',
      },
    });
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'aborted');
    assert.deepEqual(remoteChangedAfterPush(report), ['firewall/cluster.fw#rules']);
    const notice = pushNotice(report, pushText('the cluster', report))!;
    assert.equal(notice.level, 'error');
    assert.match(
      notice.message,
      /^Push stopped after 0 of \d+ calls: someone else changed this list/,
    );
    assert.deepEqual(notice.actions, ['Show plan']);
  } finally {
    await h.close();
  }
});

test('a refused token offers "Set API token", on pull and in the middle of a push', async () => {
  const h = await pulled();
  const wrong = new PveClient({
    baseUrl: h.sim.url,
    fingerprint: h.sim.fingerprint,
    credentials: { kind: 'token', token: `${TOKEN_ID}=00000000-0000-4000-8000-000000000000` },
  });
  try {
    const error = await caught(pull(h.ws, wrong, { force: true }));
    assert.equal(error.kind, 'auth');
    const notice = clusterErrorNotice('Pull', error, h.sim.url)!;
    assert.match(
      notice.message,
      /^Pull: wrong API token\. 127\.0\.0\.1:\d+ refused the credentials/,
    );
    assert.deepEqual(notice.actions, [SET_TOKEN]);

    h.write('firewall/cluster.fw', `${CLUSTER}IN ACCEPT -p tcp -dport 22\n`);
    h.sim.faults.add({ when: nth(1, isWrite), fault: { kind: 'error', status: 401, message: '' } });
    const report = await pushWorkspace(h.ws, h.client);
    assert.equal(report.outcome, 'aborted');
    assert.deepEqual(pushNotice(report, pushText('the cluster', report))!.actions, [
      SET_TOKEN,
      'Show plan',
    ]);
  } finally {
    wrong.close();
    await h.close();
  }
});

test('an untrusted or changed certificate: host:port first, and the trust command as the way on', async () => {
  const h = await pulled();
  const unpinned = new PveClient({
    baseUrl: h.sim.url,
    credentials: { kind: 'token', token: TOKEN },
  });
  const otherPin = new PveClient({
    baseUrl: h.sim.url,
    fingerprint: '00:'.repeat(31) + '00',
    credentials: { kind: 'token', token: TOKEN },
  });
  try {
    const host = `127.0.0.1:${h.sim.port}`;
    const before = h.sim.requests.length;
    const untrusted = clusterErrorNotice('Pull', await caught(pull(h.ws, unpinned)), h.sim.url)!;
    assert.equal(
      untrusted.message,
      `Pull: the certificate of ${host} is not trusted: it is self-signed.`,
    );
    assert.deepEqual(untrusted.actions, [TRUST_CERTIFICATE]);
    assert.match(
      untrusted.detail!,
      new RegExp(`^Nothing was sent to ${host.replace(/\./g, '\\.')}\\.`),
    );
    const changed = clusterErrorNotice('Show plan', await caught(pull(h.ws, otherPin)), h.sim.url)!;
    assert.match(
      changed.message,
      new RegExp(
        `^Show plan: the certificate of ${host.replace(/\./g, '\\.')} is not the trusted one \\(expected 00:00:`,
      ),
    );
    assert.deepEqual(changed.actions, [REVIEW_CERTIFICATE]);
    assert.equal(h.sim.requests.length, before, 'no request reached the host');
  } finally {
    unpinned.close();
    otherPin.close();
    await h.close();
  }
});

test('the token check: saved only when the cluster accepts it', async () => {
  const h = await syncHarness({ files: { 'firewall/cluster.fw': CLUSTER } });
  const check = async (client: PveClient) => {
    try {
      await client.get(TOKEN_CHECK_PATH);
      return tokenVerdict(h.sim.url, undefined);
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error;
      return tokenVerdict(h.sim.url, error);
    } finally {
      client.close();
    }
  };
  const withToken = (token: string, pinned = true) =>
    new PveClient({
      baseUrl: h.sim.url,
      ...(pinned ? { fingerprint: h.sim.fingerprint } : {}),
      credentials: { kind: 'token', token },
      readRetries: 0,
    });
  try {
    const host = `127.0.0.1:${h.sim.port}`;
    assert.deepEqual(await check(withToken(TOKEN)), {
      kind: 'saved',
      level: 'info',
      message: `API token for ${host} saved: the cluster accepted it (GET /cluster/firewall/options).`,
    });
    const wrong = await check(withToken(`${TOKEN_ID}=00000000-0000-4000-8000-000000000000`));
    assert.equal(wrong.kind, 'refused');
    if (wrong.kind === 'refused') {
      assert.match(
        wrong.message,
        new RegExp(
          `^Wrong API token: ${host.replace(/\./g, '\\.')} refused it, so it was not saved\\.`,
        ),
      );
      assert.doesNotMatch(wrong.message, /saved:/);
      assert.equal(wrong.retry, SET_TOKEN);
    }
    h.sim.faults.add({
      when: (r) => r.path === TOKEN_CHECK_PATH,
      fault: { kind: 'error', status: 403, message: 'Permission check failed (/, Sys.Audit)' },
    });
    const limited = await check(withToken(TOKEN));
    assert.equal(limited.kind, 'saved');
    assert.equal(limited.kind === 'saved' && limited.level, 'warning');
    assert.equal((await check(withToken(TOKEN, false))).kind, 'certificate');
    const closed = new PveClient({
      baseUrl: 'https://127.0.0.1:1',
      credentials: { kind: 'token', token: TOKEN },
      readRetries: 0,
    });
    const unchecked = await check(closed);
    assert.equal(unchecked.kind, 'unchecked');
    if (unchecked.kind === 'unchecked') {
      assert.match(unchecked.message, /could not be checked, and is not saved yet/);
      assert.equal(unchecked.saveAnyway, 'Save without checking');
    }
  } finally {
    await h.close();
  }
});

test('the certificate is read before anything is trusted or sent; a closed port says host:port', async () => {
  const h = await syncHarness({ files: { 'firewall/cluster.fw': CLUSTER } });
  try {
    const seen = await readCertificate(h.sim.url.replace('https://', ''));
    assert.equal(seen.fingerprint, h.sim.fingerprint);
    assert.equal(seen.subject, 'pvefw-simulator');
    assert.match(seen.validTo, /GMT$/);
    assert.equal(h.sim.requests.length, 0, 'reading the certificate sends no request');
    const error = await caught(readCertificate('https://127.0.0.1:1'));
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, /^cannot read the certificate of 127\.0\.0\.1:1: /);
  } finally {
    await h.close();
  }
});

test('the push question lists the calls; the plain push is first, the confirmed one second', async () => {
  const h = await pulled();
  try {
    h.write('firewall/cluster.fw', `${CLUSTER}IN ACCEPT -p tcp -dport 22\n`);
    let asked: ReturnType<typeof pushChoice> | undefined;
    const report = await pushWorkspace(h.ws, h.client, {
      confirm: (planned) => {
        const calls = planned.plan.operations.map((op) => op.summary);
        asked = pushChoice(calls, h.client.host, '5m');
        return Promise.resolve(false);
      },
    });
    assert.equal(report.outcome, 'cancelled');
    assert.match(asked!.message, /^Push \d+ calls to 127\.0\.0\.1:\d+\?$/);
    assert.match(asked!.detail, /^1\. /);
    assert.match(asked!.detail, /reverts the push unless you confirm it within 5m/);
    assert.deepEqual(
      asked!.buttons.map((b) => b.title),
      ['Push', 'Push with confirmation (5m)'],
    );
    assert.equal(h.writes(), 0);
  } finally {
    await h.close();
  }
});
