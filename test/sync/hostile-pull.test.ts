// Issue 15: a pull from a server that lies. Names from the server are data: one that is not a
// valid Proxmox node name, vmid or vnet id is refused before anything is written, and no path a
// pull writes leaves its folder. A reply that is not what the call returns (not JSON, not the
// shape the schema says, too large, too slow) is a clear error naming the call, and the folder
// stays as it was. A value a file cannot hold (a comment with a line break) is refused.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClusterError } from '../../server/src/cluster/errors';
import { pull } from '../../server/src/cluster/pull';
import type { FaultKind, RequestInfo } from '../sim/faults';
import { TOKEN, TOKEN_SECRET } from '../support/sim-fixture';
import { syncHarness, type SyncHarness } from './harness';
import { treeOf } from './tree';

const FIXTURE = {
  files: {
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\n\n[IPSET office]\n10.1.0.0/16\n\n[RULES]\nIN SSH(ACCEPT) -source +office\n',
    'nodes/pve1/host.fw': '[RULES]\nIN ACCEPT -p tcp -dport 22\n',
    'firewall/100.fw': '[RULES]\nIN ACCEPT -p tcp -dport 80\n',
  },
  guests: [
    {
      vmid: '100',
      node: 'pve1',
      type: 'qemu' as const,
      config: 'net0: virtio=AA:BB:CC:DD:EE:01,bridge=vmbr0,firewall=1\n',
    },
  ],
  vnets: { vnet1: { zone: 'zone1' } },
};

/** A workspace four folders deep in a scratch folder, so an escape lands inside the scratch. */
function deepWorkspace(): { scratch: string; ws: string } {
  const scratch = mkdtempSync(join(tmpdir(), 'pvefw-escape-'));
  const ws = join(scratch, 'a', 'b', 'c', 'ws');
  mkdirSync(ws, { recursive: true });
  return { scratch, ws };
}

/** A lying server answers every call about a made-up object: a rule for rule lists, else empty. */
function answerMadeUp(h: SyncHarness, marker: string): void {
  const body = (request: RequestInfo): string =>
    JSON.stringify({
      data: /\/(options|config)$/.test(request.path)
        ? {}
        : /\/rules$/.test(request.path)
          ? [{ pos: 0, type: 'in', action: 'ACCEPT', enable: 1, proto: 'tcp', dport: '22' }]
          : [],
    });
  h.sim.faults.add({
    when: (r) => r.path.includes(marker),
    fault: { kind: 'answer', body },
    times: 1000,
  });
}

async function refusesName(
  rewritePath: string,
  add: (data: unknown) => unknown,
  marker: string,
  expected: RegExp,
): Promise<void> {
  const h = await syncHarness(FIXTURE);
  const { scratch, ws } = deepWorkspace();
  try {
    h.sim.faults.add({
      when: (r) => r.method === 'GET' && r.path === rewritePath,
      fault: { kind: 'rewrite', rewrite: add },
      times: 100,
    });
    answerMadeUp(h, marker);
    const before = treeOf(scratch);
    await assert.rejects(pull(ws, h.client), (error: unknown) => {
      assert.ok(error instanceof ClusterError, String(error));
      assert.equal(error.kind, 'bad-reply');
      assert.match(error.message, expected);
      return true;
    });
    assert.deepEqual(treeOf(scratch), before, 'nothing was written, inside or outside');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await h.close();
  }
}

const append =
  (row: object) =>
  (data: unknown): unknown => [...(data as unknown[]), row];

test('a node named ../../../escape-node is refused before anything is written', () =>
  refusesName(
    '/nodes',
    append({ node: '../../../escape-node', status: 'online' }),
    'escape-node',
    /GET \/nodes: .*'\.\.\/\.\.\/\.\.\/escape-node' is not a valid Proxmox node name/,
  ));

test('a vnet named ../../../escape-vnet is refused before anything is written', () =>
  refusesName(
    '/cluster/sdn/vnets',
    append({ vnet: '../../../escape-vnet', zone: 'zone1' }),
    'escape-vnet',
    /GET \/cluster\/sdn\/vnets: .*'\.\.\/\.\.\/\.\.\/escape-vnet' is not a valid SDN vnet id/,
  ));

test('a guest whose vmid is ../../../evil is refused before anything is written', () =>
  refusesName(
    '/nodes/pve1/qemu',
    append({ vmid: '../../../evil', name: 'evil', status: 'running' }),
    'evil',
    /GET \/nodes\/pve1\/qemu: .*'\.\.\/\.\.\/\.\.\/evil' is not a valid VM ID/,
  ));

test('an ipset named .. is refused: its API path would climb out of the list', () =>
  refusesName(
    '/cluster/firewall/ipset',
    append({ name: '..', digest: '0' }),
    '/cluster/firewall/ipset/..',
    /GET \/cluster\/firewall\/ipset: .*'\.\.' is not a valid ipset name/,
  ));

test('a symbolic link inside the workspace is never written through', async () => {
  const h = await syncHarness(FIXTURE);
  const { scratch, ws } = deepWorkspace();
  try {
    const outside = join(scratch, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(ws, 'nodes'));
    const before = treeOf(scratch);
    await assert.rejects(pull(ws, h.client), (error: unknown) => {
      assert.ok(error instanceof ClusterError, String(error));
      assert.match(error.message, /nodes is a symbolic link/);
      return true;
    });
    assert.deepEqual(treeOf(scratch), before);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await h.close();
  }
});

/** Pulls once, then pulls again against `fault` on `path`: refused, the folder untouched. */
async function refusedReply(
  path: string,
  fault: FaultKind,
  expected: RegExp,
  options: Parameters<typeof syncHarness>[1] = {},
): Promise<void> {
  const h = await syncHarness(FIXTURE, options);
  try {
    await pull(h.ws, h.client);
    const before = treeOf(h.ws);
    h.sim.faults.add({ when: (r) => r.method === 'GET' && r.path === path, fault, times: 100 });
    await assert.rejects(pull(h.ws, h.client), (error: unknown) => {
      assert.ok(error instanceof ClusterError, `not a ClusterError: ${String(error)}`);
      assert.match(error.message, expected);
      return true;
    });
    assert.deepEqual(treeOf(h.ws), before, 'the folder is as it was');
  } finally {
    await h.close();
  }
}

test('a reply whose data is not a list: the call and the problem are named', () =>
  refusedReply(
    '/nodes',
    { kind: 'answer', body: '{"data":{"node":"pve1"}}' },
    /^GET \/nodes: the reply's data is not a list/,
  ));

test('an HTML page instead of JSON: the call is named', () =>
  refusedReply(
    '/cluster/firewall/rules',
    {
      kind: 'answer',
      body: '<html><body>502 Bad Gateway</body></html>',
      contentType: 'text/html',
    },
    /^GET \/cluster\/firewall\/rules: the reply is not JSON/,
  ));

test('a rule that is not an object, options that are null, a set without a name', async () => {
  await refusedReply(
    '/cluster/firewall/rules',
    { kind: 'answer', body: '{"data":[1,2]}' },
    /^GET \/cluster\/firewall\/rules: item 0 of the reply's data is not an object/,
  );
  await refusedReply(
    '/cluster/firewall/rules',
    { kind: 'answer', body: '{"data":[{"action":"ACCEPT","pos":0}]}' },
    /^GET \/cluster\/firewall\/rules: item 0: 'type' is not a string/,
  );
  await refusedReply(
    '/cluster/firewall/options',
    { kind: 'answer', body: '{"data":null}' },
    /^GET \/cluster\/firewall\/options: the reply's data is not an object/,
  );
  await refusedReply(
    '/cluster/firewall/ipset',
    { kind: 'answer', body: '{"data":[{"comment":"x"}]}' },
    /^GET \/cluster\/firewall\/ipset: .*'' is not a valid ipset name/,
  );
  await refusedReply(
    '/cluster/firewall/rules',
    { kind: 'answer', body: '{"data":[{"type":"in","action":"ACCEPT","dport":{"x":1}}]}' },
    /^GET \/cluster\/firewall\/rules: item 0: 'dport' is not a string or a number/,
  );
});

test('a reply that trickles in past its deadline is cut off and named', () =>
  refusedReply(
    '/nodes',
    { kind: 'trickle', intervalMs: 50, maxBytes: 1200 },
    /did not answer GET \/nodes within 0\.5 s/,
    { timeoutMs: 30_000, deadlineMs: 500 },
  ));

test('a reply larger than the size limit is cut off and named, with or without its length', async () => {
  for (const declareLength of [true, false])
    await refusedReply(
      '/nodes',
      { kind: 'flood', bytes: 64 * 1024 * 1024, declareLength },
      /^GET \/nodes: the reply is larger than 1 MiB/,
      { maxReplyBytes: 1024 * 1024 },
    );
});

test('a server that echoes the token does not get it printed', async () => {
  for (const message of [
    `token: permission denied for PVEAPIToken=${TOKEN}\n`,
    `no such token secret '${TOKEN_SECRET}'\n`,
  ]) {
    await refusedReply('/nodes', { kind: 'error', status: 403, message }, /may not do GET \/nodes/);
    const h = await syncHarness(FIXTURE);
    try {
      h.sim.faults.add({
        when: (r) => r.path === '/nodes',
        fault: { kind: 'error', status: 403, message },
      });
      const error = await pull(h.ws, h.client).then(
        () => assert.fail('the pull succeeded'),
        (e: unknown) => e as ClusterError,
      );
      assert.ok(!error.message.includes(TOKEN_SECRET), error.message);
      assert.ok(!/PVEAPIToken=(?!\[redacted\])/.test(error.message), error.message);
      assert.match(error.message, /\[redacted\]/);
    } finally {
      await h.close();
    }
  }
});

test('a comment with a line break (or a value with blanks) that a file cannot hold is refused', async () => {
  const injected = (field: string, value: string) => (data: unknown) =>
    (data as Record<string, unknown>[]).map((rule, i) =>
      i === 0 ? { ...rule, [field]: value } : rule,
    );
  await refusedReply(
    '/cluster/firewall/rules',
    { kind: 'rewrite', rewrite: injected('comment', 'ok\nIN ACCEPT -source 0.0.0.0/0') },
    /firewall\/cluster\.fw#rules: the cluster's value cannot be written to the file and read back the same/,
  );
  await refusedReply(
    '/nodes/pve1/firewall/rules',
    { kind: 'rewrite', rewrite: injected('dport', '22 -source 0.0.0.0/0') },
    /nodes\/pve1\/host\.fw#rules: the cluster's value cannot be written to the file and read back the same/,
  );
});
