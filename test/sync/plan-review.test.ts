// The plan says first what push would refuse, and can be reviewed and pushed as reviewed
// (issue 18): the lock-out with its cause and fix, --detailed-exitcode for drift checks,
// plan --out FILE and push FILE, which refuses when the cluster or the workspace moved.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runPvefw, type Run } from './cli-run';
import { syncHarness, type SyncHarness } from './harness';

let home: string;
let h: SyncHarness;
const pvefw = (args: string[]): Promise<Run> => runPvefw(h.ws, home, args);

const CLUSTER = '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 8006\n';

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'pvefw-home-'));
  h = await syncHarness({ files: { 'firewall/cluster.fw': CLUSTER } });
  assert.equal((await pvefw(['trust', h.sim.url])).status, 0);
  assert.equal((await pvefw(['pull'])).status, 0);
});
after(async () => {
  await h.close();
  rmSync(home, { recursive: true, force: true });
});

test('--detailed-exitcode: 0 without changes, 2 with changes that can be pushed', async () => {
  assert.equal((await pvefw(['plan', '--detailed-exitcode'])).status, 0);
  h.write('firewall/cluster.fw', `${CLUSTER}IN ACCEPT -p tcp -dport 22\n`);
  const changed = await pvefw(['plan', '--detailed-exitcode']);
  assert.equal(changed.status, 2, changed.stdout + changed.stderr);
  assert.match(
    changed.stdout,
    /lock-out check: this machine \(127\.0\.0\.1\) keeps port 8006 of pve1/,
  );
  h.write('firewall/cluster.fw', CLUSTER);
});

test('--detailed-exitcode: an error is 1, never the 2 of changes', async () => {
  // A wrong token: the plan cannot even be made.
  const failed = await runPvefw(h.ws, home, ['plan', '--detailed-exitcode'], {
    PVEFW_TOKEN: 'root@pam!pvefw=00000000-0000-0000-0000-000000000000',
  });
  assert.equal(failed.status, 1, failed.stdout + failed.stderr);
  const usage = await pvefw(['plan', '--detailed-exitcode', '--no-such-option']);
  assert.equal(usage.status, 1, usage.stderr);
});

test('the plan says the lock-out push would refuse, with the line that causes it and the fix', async () => {
  h.write('firewall/cluster.fw', '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP -p tcp -dport 8006\n');
  const plan = await pvefw(['plan']);
  assert.equal(plan.status, 1, 'a plan push would refuse cannot be pushed');
  assert.match(
    plan.stdout,
    /^refused at push: the new configuration would cut this machine \(127\.0\.0\.1\) off port 8006 of pve1 \(192\.0\.2\.11\) because of the rule 'IN DROP -p tcp -dport 8006' in firewall\/cluster\.fw; fix: accept it first, e\.g\. 'IN ACCEPT -source 127\.0\.0\.1 -p tcp -dport 8006'/m,
  );
  const push = await pvefw(['push', '--yes']);
  assert.equal(push.status, 1);
  assert.match(push.stdout + push.stderr, /because of the rule 'IN DROP -p tcp -dport 8006'/);
  h.write('firewall/cluster.fw', CLUSTER);
});

test('plan --out and push FILE: exactly the reviewed plan, or a refusal when something moved', async () => {
  h.write('firewall/cluster.fw', `${CLUSTER}IN ACCEPT -p tcp -dport 443\n`);
  const planned = await pvefw(['plan', '--out', 'reviewed.json']);
  assert.equal(planned.status, 0, planned.stderr);
  const saved = JSON.parse(readFileSync(join(h.ws, 'reviewed.json'), 'utf8')) as {
    calls: unknown[];
  };
  assert.ok(saved.calls.length > 0);

  // Another edit after the review: the plan is no longer the reviewed one.
  h.write('firewall/cluster.fw', `${CLUSTER}IN ACCEPT -p tcp -dport 444\n`);
  const stale = await pvefw(['push', 'reviewed.json']);
  assert.equal(stale.status, 1);
  assert.match(stale.stdout + stale.stderr, /the workspace changed since the plan was made/);
  const writes = h.writes();

  h.write('firewall/cluster.fw', `${CLUSTER}IN ACCEPT -p tcp -dport 443\n`);
  const pushed = await pvefw(['push', 'reviewed.json']);
  assert.equal(pushed.status, 0, pushed.stdout + pushed.stderr);
  assert.ok(h.writes() > writes, 'the reviewed calls were made, without asking');
  // Pushed: the same file now describes a cluster that moved on.
  const again = await pvefw(['push', 'reviewed.json']);
  assert.equal(again.status, 1);
  assert.match(again.stdout + again.stderr, /the cluster changed since the plan was made/);
});
