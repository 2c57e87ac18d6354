// Response shapes of failures (spec 14.3, 14.4) and authentication: tokens, tickets with the
// CSRF header on writes, privileges checked per ACL path with the missing one named.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AUDIT_TOKEN, USER } from '../support/sim-fixture';
import { simHarness, type SimHarness } from './harness';
import { raw } from './raw-client';

let h: SimHarness;
before(async () => {
  h = await simHarness({
    guests: [
      {
        vmid: '100',
        node: 'pve1',
        type: 'qemu',
        config: 'net0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1\n',
      },
    ],
  });
});
after(() => h.close());

test('schema errors: every bad parameter in one 400', async () => {
  const reply = await h.call('POST', '/cluster/firewall/rules', {
    type: 'sideways',
    action: 'ACCEPT',
    pos: -1,
    extra: 'x',
  });
  assert.equal(reply.status, 400);
  assert.deepEqual(reply.json, {
    data: null,
    message: 'Parameter verification failed.\n',
    errors: {
      type: "value 'sideways' does not have a value in the enumeration 'in, out, forward, group'",
      pos: 'value must have a minimum value of 0',
      extra:
        'property is not defined in schema and the schema does not allow additional properties',
    },
  });
  const json = await h.call(
    'POST',
    '/cluster/firewall/aliases',
    { name: 'x', cidr: '10.0.0.1' },
    { asJson: true },
  );
  // The pattern is checked before the length, so a one-letter name fails on the pattern.
  assert.deepEqual(json.json?.errors, { name: 'value does not match the regex pattern' });
});

test("unknown paths and methods are 501 with Proxmox's message", async () => {
  const reply = await h.call('GET', '/cluster/firewall/nothing');
  assert.deepEqual(
    [reply.status, reply.json?.message],
    [501, "Method 'GET /cluster/firewall/nothing' not implemented"],
  );
  const method = await h.call('DELETE', '/cluster/firewall/options');
  assert.equal(method.status, 501);
});

test('401 has only a status line: no credentials, or a wrong token', async () => {
  const none = await raw(h.sim, 'GET', '/cluster/firewall/rules');
  assert.deepEqual([none.status, none.reason, none.text], [401, 'No ticket', '']);
  const wrong = await raw(h.sim, 'GET', '/cluster/firewall/rules', {
    headers: { Authorization: 'PVEAPIToken=root@pam!pvefw=wrong' },
  });
  assert.deepEqual([wrong.status, wrong.reason], [401, 'Authentication failed!']);
});

test('a token without a privilege gets 403 naming the check', async () => {
  const headers = { Authorization: `PVEAPIToken=${AUDIT_TOKEN}` };
  const read = await raw(h.sim, 'GET', '/cluster/firewall/rules', { headers });
  assert.equal(read.status, 200);
  const write = await raw(h.sim, 'POST', '/cluster/firewall/rules', {
    headers,
    params: { type: 'in', action: 'DROP' },
  });
  assert.deepEqual(
    [write.status, write.reason, write.json?.message],
    [403, 'Permission check failed (/, Sys.Modify)', 'Permission check failed (/, Sys.Modify)\n'],
  );
  const guest = await raw(h.sim, 'PUT', '/nodes/pve1/qemu/100/firewall/options', {
    headers,
    params: { enable: 1 },
  });
  assert.equal(guest.json?.message, 'Permission check failed (/vms/100, VM.Config.Network)\n');
});

test('tickets: POST /access/ticket, cookie on reads, CSRFPreventionToken required on writes', async () => {
  const login = await raw(h.sim, 'POST', '/access/ticket', {
    params: { username: USER.name, password: USER.password },
  });
  const { ticket, CSRFPreventionToken } = login.json?.data as {
    ticket: string;
    CSRFPreventionToken: string;
  };
  const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` };
  assert.equal(
    (await raw(h.sim, 'GET', '/cluster/firewall/options', { headers: cookie })).status,
    200,
  );
  const noCsrf = await raw(h.sim, 'PUT', '/cluster/firewall/options', {
    headers: cookie,
    params: { policy_in: 'DROP' },
  });
  assert.deepEqual([noCsrf.status, noCsrf.reason], [401, 'Permission denied - invalid csrf token']);
  const ok = await raw(h.sim, 'PUT', '/cluster/firewall/options', {
    headers: { ...cookie, CSRFPreventionToken },
    params: { policy_in: 'DROP' },
  });
  assert.equal(ok.status, 200);
  const badLogin = await raw(h.sim, 'POST', '/access/ticket', {
    params: { username: USER.name, password: 'nope' },
  });
  assert.equal(badLogin.status, 401);
});

test('URI parameters may not be contradicted by the body', async () => {
  const reply = await h.call('GET', '/cluster/firewall/groups/abc', { group: 'other' });
  assert.deepEqual(reply.json?.errors, {
    group: 'duplicate parameter (already defined in URI) with conflicting values!',
  });
});
