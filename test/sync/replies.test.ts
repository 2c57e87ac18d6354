// What the client makes of an answer that is not a plain 200: Proxmox refusing a call's
// parameters (400, each field's complaint named), an API that lacks a call (501), a 200 whose body
// is JSON but not the {"data": …} envelope, a 5xx on a read (tried again; never on a write), and a
// server that echoes somebody's API token back (never shown, whose ever it is). And one plain 200
// that is easy to refuse by mistake: a rule Proxmox's verify_rule flags comes with its `errors`.
// Then what never becomes an answer: a deadline, a size limit, a timeout (a read is tried again),
// a refused connection, a host that takes the connection and says nothing.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { PveClient } from '../../server/src/cluster/client';
import { ClusterError } from '../../server/src/cluster/errors';
import { pull } from '../../server/src/cluster/pull';
import { pushWorkspace } from '../../server/src/cluster/push-workspace';
import { isWrite, nth, type FaultKind } from '../sim/faults';
import { TOKEN, TOKEN_SECRET } from '../support/sim-fixture';
import { editFile } from './edit';
import { syncHarness, type SyncHarness } from './harness';

const FIXTURE = {
  files: {
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\n',
  },
};

/** A push of one rule change whose only call gets `fault`; the call's error. */
async function refusedCall(fault: FaultKind): Promise<{ error: ClusterError; h: SyncHarness }> {
  const h = await syncHarness(FIXTURE);
  await pull(h.ws, h.client);
  editFile(h, 'firewall/cluster.fw', (conf) => void (conf.rules![0]!.dport = '2222'));
  h.sim.faults.add({ when: nth(1, isWrite), fault });
  const report = await pushWorkspace(h.ws, h.client);
  assert.equal(report.outcome, 'aborted');
  const failed = report.execution!.failed!;
  assert.equal(failed.stage, 'call');
  assert.equal(report.execution!.cancelled, false);
  return { error: failed.error, h };
}

test("a 400 names each field Proxmox refused, else Proxmox's message", async () => {
  const fields = await refusedCall({
    kind: 'answer',
    status: 400,
    body: JSON.stringify({
      data: null,
      errors: { dport: 'invalid format - port out of range\n', digest: 'too late' },
    }),
  });
  try {
    assert.equal(fields.error.kind, 'invalid');
    assert.equal(fields.error.details.status, 400);
    assert.deepEqual(fields.error.details.errors, {
      dport: 'invalid format - port out of range',
      digest: 'too late',
    });
    assert.equal(
      fields.error.message,
      'Proxmox refused PUT /cluster/firewall/rules/0: dport: invalid format - port out of range; digest: too late',
    );
  } finally {
    await fields.h.close();
  }
  const plain = await refusedCall({
    kind: 'answer',
    status: 400,
    body: JSON.stringify({ data: null, errors: null, message: 'parameter verification failed\n' }),
  });
  try {
    assert.equal(plain.error.kind, 'invalid');
    assert.equal(
      plain.error.message,
      'Proxmox refused PUT /cluster/firewall/rules/0: parameter verification failed',
    );
  } finally {
    await plain.h.close();
  }
});

test("a 400 whose field errors echo the client's token shows neither the token nor its secret", async () => {
  const { error, h } = await refusedCall({
    kind: 'answer',
    status: 400,
    body: JSON.stringify({
      data: null,
      errors: { comment: `no such token '${TOKEN}'`, digest: `secret ${TOKEN_SECRET} expired` },
    }),
  });
  try {
    assert.deepEqual(error.details.errors, {
      comment: "no such token '[redacted]'",
      digest: 'secret [redacted] expired',
    });
    assert.ok(!error.message.includes(TOKEN_SECRET), error.message);
  } finally {
    await h.close();
  }
});

test('a 501 says the cluster does not offer the call', async () => {
  const { error, h } = await refusedCall({
    kind: 'answer',
    status: 501,
    body: JSON.stringify({ data: null, message: 'Method not implemented' }),
  });
  try {
    assert.equal(error.kind, 'not-implemented');
    assert.match(
      error.message,
      /does not offer PUT \/cluster\/firewall\/rules\/0 \(Method not implemented\)/,
    );
  } finally {
    await h.close();
  }
});

test('a 200 whose JSON is not the {"data": …} envelope is a bad reply naming the call', async () => {
  for (const body of ['null', '"data"', '[{"data":[]}]', '42']) {
    const h = await syncHarness(FIXTURE);
    try {
      h.sim.faults.add({
        when: (r) => r.method === 'GET' && r.path === '/nodes',
        fault: { kind: 'answer', body },
        times: 10,
      });
      await assert.rejects(pull(h.ws, h.client), (error: unknown) => {
        assert.ok(error instanceof ClusterError, `${body}: not a ClusterError: ${String(error)}`);
        assert.equal(error.kind, 'bad-reply', body);
        assert.equal(error.details.call, 'GET /nodes', body);
        assert.match(error.message, /^GET \/nodes: the reply is not JSON in the API's/, body);
        return true;
      });
    } finally {
      await h.close();
    }
  }
});

test('a read answered with a 5xx is tried again; a write, a 4xx and a third 5xx are not', async () => {
  // The default number of retries: connect() sets none.
  const h = await syncHarness(FIXTURE);
  const calls = (method: string, path: string): number =>
    h.sim.requests.filter((r) => r.method === method && r.path === path).length;
  try {
    h.sim.faults.add({
      when: (r) => r.path === '/cluster/firewall/options',
      fault: { kind: 'error', status: 503, message: 'pveproxy is restarting\n' },
      times: 2,
    });
    await pull(h.ws, h.client);
    assert.equal(calls('GET', '/cluster/firewall/options'), 3, 'two failures, then the answer');

    h.sim.faults.add({
      when: (r) => r.path === '/cluster/firewall/options',
      fault: { kind: 'error', status: 500, message: 'still restarting\n' },
      times: 3,
    });
    await assert.rejects(pull(h.ws, h.client, { force: true }), (error: unknown) => {
      assert.ok(error instanceof ClusterError);
      assert.equal(error.kind, 'server');
      assert.equal(error.details.status, 500);
      assert.match(error.message, /still restarting/);
      return true;
    });
    assert.equal(calls('GET', '/cluster/firewall/options'), 6, 'three more tries, no fourth');

    h.sim.faults.add({
      when: (r) => r.path === '/cluster/firewall/options',
      fault: { kind: 'error', status: 403, message: 'Permission check failed\n' },
    });
    await assert.rejects(pull(h.ws, h.client, { force: true }), { kind: 'permission' });
    assert.equal(calls('GET', '/cluster/firewall/options'), 7, 'a refusal is not tried again');

    editFile(h, 'firewall/cluster.fw', (conf) => void (conf.rules![0]!.dport = '2222'));
    h.sim.faults.add({
      when: nth(1, isWrite),
      fault: { kind: 'error', status: 500, message: 'got lost\n' },
    });
    const report = await pushWorkspace(h.ws, h.client, { force: true });
    assert.equal(report.execution?.failed?.error.kind, 'server');
    assert.equal(h.writes(), 1, 'a write is sent once');
  } finally {
    await h.close();
  }
});

test("a server that echoes another API token back does not get that token's secret printed", async () => {
  const other = 'backup@pve!nightly=5f0c1b2a-9e8d-4c7b-a6f5-e4d3c2b1a090';
  const h = await syncHarness(FIXTURE);
  try {
    h.sim.faults.add({
      when: (r) => r.path === '/nodes',
      fault: {
        kind: 'error',
        status: 403,
        message: `token PVEAPIToken=${other} lacks Sys.Audit\n`,
      },
    });
    const error = await pull(h.ws, h.client).then(
      () => assert.fail('the pull succeeded'),
      (e: unknown) => e as ClusterError,
    );
    assert.ok(error instanceof ClusterError, String(error));
    assert.ok(!error.message.includes('5f0c1b2a'), error.message);
    assert.ok(!error.message.includes('a090'), error.message);
    assert.match(error.message, /token PVEAPIToken=\[redacted\] lacks Sys\.Audit/);
  } finally {
    await h.close();
  }
});

test('a rule that Proxmox flags comes with its errors, and is pulled all the same', async () => {
  const h = await syncHarness(FIXTURE);
  try {
    h.sim.faults.add({
      when: (r) => r.method === 'GET' && r.path === '/cluster/firewall/rules',
      fault: {
        kind: 'rewrite',
        rewrite: (data) =>
          (data as Record<string, unknown>[]).map((row) => ({
            ...row,
            errors: { source: "no such alias 'gone'" },
          })),
      },
    });
    await pull(h.ws, h.client);
    assert.match(h.read('firewall/cluster.fw'), /^IN ACCEPT -p tcp -dport 22$/m);
  } finally {
    await h.close();
  }
});

test('a write cut off by its deadline is a timeout whose effect is unknown, and says so', async () => {
  const h = await syncHarness(FIXTURE, { timeoutMs: 30_000, deadlineMs: 500 });
  try {
    await pull(h.ws, h.client);
    editFile(h, 'firewall/cluster.fw', (conf) => void (conf.rules![0]!.dport = '2222'));
    h.sim.faults.add({
      when: nth(1, isWrite),
      fault: { kind: 'trickle', intervalMs: 50, maxBytes: 1200 },
    });
    const report = await pushWorkspace(h.ws, h.client);
    const error = report.execution!.failed!.error;
    assert.equal(error.kind, 'timeout');
    assert.equal(error.outcomeUnknown, true);
    assert.equal(error.details.call, 'PUT /cluster/firewall/rules/0');
    assert.match(
      error.message,
      /did not answer PUT \/cluster\/firewall\/rules\/0 within 0\.5 s; it is unknown whether the call took effect$/,
    );
  } finally {
    await h.close();
  }
});

test('a reply over the size limit is a bad reply naming the call, and a read is not sent again', async () => {
  const h = await syncHarness(FIXTURE, { maxReplyBytes: 1024 * 1024 });
  try {
    h.sim.faults.add({
      when: (r) => r.path === '/nodes',
      fault: { kind: 'flood', bytes: 4 * 1024 * 1024, declareLength: false },
      times: 10,
    });
    await assert.rejects(pull(h.ws, h.client), (error: unknown) => {
      assert.ok(error instanceof ClusterError, String(error));
      assert.equal(error.kind, 'bad-reply');
      assert.equal(error.details.call, 'GET /nodes');
      assert.match(error.message, /^GET \/nodes: the reply is larger than 1 MiB/);
      assert.doesNotMatch(error.message, /unknown whether/, 'a read has no effect to doubt');
      return true;
    });
    assert.equal(h.sim.requests.filter((r) => r.path === '/nodes').length, 1);
  } finally {
    await h.close();
  }
});

test('a read that times out is tried again', async () => {
  const h = await syncHarness(FIXTURE, { timeoutMs: 300 });
  // The first answer comes only after the client has given up on it: no race between clocks.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  try {
    h.sim.faults.add({
      when: (r) => r.path === '/cluster/firewall/options',
      fault: { kind: 'hold', until: released },
    });
    await pull(h.ws, h.client);
    assert.match(h.read('firewall/cluster.fw'), /^enable: 1$/m);
  } finally {
    release();
    await h.close();
  }
});

test('a host that refuses the connection, or takes it and never answers, is named with why', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = new PveClient({ baseUrl: `https://127.0.0.1:${closedPort}`, readRetries: 0 });
  try {
    await assert.rejects(refused.get('/nodes'), (error: unknown) => {
      assert.ok(error instanceof ClusterError, String(error));
      assert.equal(error.kind, 'unreachable');
      assert.equal(error.outcomeUnknown, false);
      assert.match(error.message, /^cannot reach 127\.0\.0\.1:\d+: the connection was refused\./);
      return true;
    });
  } finally {
    refused.close();
  }

  const sockets: Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as { port: number }).port;
  const waiting = new PveClient({
    baseUrl: `https://127.0.0.1:${silentPort}`,
    timeoutMs: 200,
    readRetries: 0,
  });
  try {
    await assert.rejects(waiting.get('/nodes'), (error: unknown) => {
      assert.ok(error instanceof ClusterError, String(error));
      assert.equal(error.kind, 'timeout');
      assert.match(error.message, /^127\.0\.0\.1:\d+ did not answer in time \(GET \/nodes\)/);
      return true;
    });
  } finally {
    waiting.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
