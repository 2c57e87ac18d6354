// Rules.pm as the simulator answers it: positions, moveto, enable defaults, digests, verify_rule
// in raising mode, and the writer dropping comments and unparsable lines on any API write.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { simHarness, type SimHarness } from './harness';

const CLUSTER = [
  '[OPTIONS]',
  'enable: 1',
  '# a comment line Proxmox forgets',
  '[RULES]',
  'IN ACCEPT -source 10.0.0.1 -p tcp -dport 22 # café',
  '|OUT DROP -p udp',
  'IN Ping(ACCEPT) -log info',
  'IN ACCEPT -p tcp -bogus 1',
  '',
].join('\n');

type Rule = {
  pos: number;
  digest: string;
  type: string;
  action: string;
  enable: number;
  comment?: string;
  dport?: string;
};

let h: SimHarness;
before(async () => {
  h = await simHarness({ files: { 'firewall/cluster.fw': CLUSTER } });
});
after(() => h.close());

const rules = (): Promise<Rule[]> => h.data<Rule[]>('GET', '/cluster/firewall/rules');

test('GET rules: file order, pos from 0, one digest on every element (Perl-computed value)', async () => {
  const list = await rules();
  assert.deepEqual(
    list.map((r) => r.pos),
    [0, 1, 2],
  );
  // The unparsable fourth rule is not in the list; the digest equals Perl's for this list.
  assert.ok(list.every((r) => r.digest === '407e597d2723f478572c9834152eb02f073a5794'));
});

test('POST inserts at position 0, disabled unless enable is given, and ignores digest', async () => {
  await h.data('POST', '/cluster/firewall/rules', {
    type: 'in',
    action: 'DROP',
    proto: 'tcp',
    dport: '23',
    digest: 'not-the-digest',
  });
  let list = await rules();
  assert.equal(list[0]!.dport, '23');
  assert.equal(list[0]!.enable, 0);
  await h.data('POST', '/cluster/firewall/rules', {
    type: 'in',
    action: 'DROP',
    proto: 'tcp',
    dport: '24',
    enable: 1,
  });
  list = await rules();
  assert.deepEqual([list[0]!.dport, list[0]!.enable, list[1]!.dport], ['24', 1, '23']);
});

test('the write dropped the comment line and the unparsable rule, kept the rule comment', () => {
  const text = readFileSync(join(h.dir, 'firewall/cluster.fw'), 'utf8');
  assert.doesNotMatch(text, /a comment line|bogus/);
  assert.match(text, /IN ACCEPT -source 10\.0\.0\.1 -p tcp -dport 22 # café\n/);
});

test('verify_rule raises: the first error is a 400 for its parameter', async () => {
  const reply = await h.call('POST', '/cluster/firewall/rules', {
    type: 'in',
    action: 'ACCEPT',
    dport: '22',
  });
  assert.equal(reply.status, 400);
  assert.equal(reply.reason, 'Parameter verification failed.');
  assert.deepEqual(reply.json, {
    data: null,
    message: 'Parameter verification failed.\n',
    errors: { proto: "missing property - 'dport' requires this property" },
  });
  const macro = await h.call('POST', '/cluster/firewall/rules', {
    type: 'in',
    action: 'ACCEPT',
    macro: 'Ping',
    proto: 'tcp',
  });
  assert.deepEqual(macro.json?.errors, {
    proto: "parameter 'proto' already define in macro (value = 'icmp')",
  });
});

test('PUT merges fields, "" / "-" and delete= remove them, type and action cannot be deleted', async () => {
  const [first] = await rules();
  await h.data('PUT', '/cluster/firewall/rules/0', {
    comment: 'new',
    dport: '',
    proto: 'udp',
    digest: first!.digest,
  });
  let [rule] = await rules();
  assert.equal(rule!.comment, 'new');
  assert.equal(rule!.dport, undefined);
  // "-" deletes too, but only where the field's format lets it through (a port list does not).
  const dash = await h.call('PUT', '/cluster/firewall/rules/0', { dport: '-' });
  assert.deepEqual(dash.json?.errors, { dport: "invalid format - invalid port '-'\n" });
  await h.data('PUT', '/cluster/firewall/rules/0', { comment: '-' });
  [rule] = await rules();
  assert.equal(rule!.comment, undefined);
  await h.data('PUT', '/cluster/firewall/rules/0', { comment: 'again' });
  await h.data('PUT', '/cluster/firewall/rules/0', { delete: 'comment' });
  [rule] = await rules();
  assert.equal(rule!.comment, undefined);
  const reply = await h.call('PUT', '/cluster/firewall/rules/0', { delete: 'action' });
  assert.deepEqual(reply.json?.errors, { delete: "unable to delete required property 'action'" });
});

test('a stale digest is refused with 500 and the file unchanged', async () => {
  const before = readFileSync(join(h.dir, 'firewall/cluster.fw'), 'utf8');
  const reply = await h.call('DELETE', '/cluster/firewall/rules/0', { digest: '0'.repeat(40) });
  assert.equal(reply.status, 500);
  assert.equal(
    reply.json?.message,
    'detected modified configuration - file changed by other user? Try again.\n',
  );
  assert.equal(readFileSync(join(h.dir, 'firewall/cluster.fw'), 'utf8'), before);
  const missing = await h.call('DELETE', '/cluster/firewall/rules/99');
  assert.deepEqual([missing.status, missing.json?.message], [500, 'no rule at position 99\n']);
});

test('security group rules live under /groups/{group}', async () => {
  await h.data('POST', '/cluster/firewall/groups', { group: 'web', comment: 'Web servers' });
  await h.data('POST', '/cluster/firewall/groups/web', {
    type: 'in',
    action: 'ACCEPT',
    proto: 'tcp',
    dport: '443',
    enable: 1,
  });
  const list = await h.data<Rule[]>('GET', '/cluster/firewall/groups/web');
  assert.equal(list[0]!.dport, '443');
  const nested = await h.call('POST', '/cluster/firewall/groups/web', {
    type: 'group',
    action: 'web',
  });
  assert.deepEqual(nested.json?.errors, { type: "invalid rule type 'group' for rule_env 'group'" });
  const notEmpty = await h.call('DELETE', '/cluster/firewall/groups/web');
  assert.deepEqual(
    [notEmpty.status, notEmpty.json?.message],
    [500, "Security group 'web' is not empty\n"],
  );
});
