// The parts of commit-confirmed push that decide whether to revert: the probe of a node's API (a
// node whose firewall now drops this machine's packets accepts nothing and answers nothing, so
// only the probe's own timeout can call it down), the window as `pvefw push --confirm-within`
// takes it, and the record of a pending push as a later command reads it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDuration, readPending } from '../../server/src/cluster/confirm-record';
import { ClusterError } from '../../server/src/cluster/errors';
import { probeEndpoint, unreachableEndpoints } from '../../server/src/cluster/probe';
import { syncHarness } from './harness';

/** A TCP server on 127.0.0.1 that takes connections and never says a word. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

test('a node that takes the connection but never answers is down once the probe times out', async () => {
  const silent = await silentServer();
  const h = await syncHarness({});
  try {
    assert.deepEqual(await probeEndpoint({ node: 'pve2', url: silent.url }, 200), {
      ok: false,
      reason: 'no answer within 200 ms',
    });
    const down = await unreachableEndpoints(
      [
        { node: 'pve1', url: h.sim.url },
        { node: 'pve2', url: silent.url },
      ],
      200,
    );
    assert.deepEqual(
      down.map((d) => [d.endpoint.node, d.reason]),
      [['pve2', 'no answer within 200 ms']],
    );
  } finally {
    await silent.close();
    await h.close();
  }
});

test('the confirmation window: seconds by default, or s, m, h; nothing else', () => {
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  for (const bad of ['', '0', '0s', 'm', 'x90s', '90sx', '90 s', '1d', '1234567', '-5'])
    assert.equal(parseDuration(bad), undefined, bad);
});

test('a pending push is read only from a record this version wrote; a broken one says what to do', () => {
  const root = mkdtempSync(join(tmpdir(), 'pvefw-pending-'));
  try {
    assert.equal(readPending(root), undefined);
    mkdirSync(join(root, '.pvefw'));
    const record = { host: 'https://127.0.0.1:8006', pushedAt: 0, deadline: 1, before: {} };
    writeFileSync(join(root, '.pvefw/confirm.json'), JSON.stringify({ version: 2, ...record }));
    assert.equal(readPending(root), undefined);
    writeFileSync(join(root, '.pvefw/confirm.json'), JSON.stringify({ version: 1, ...record }));
    assert.equal(readPending(root)?.host, 'https://127.0.0.1:8006');
    writeFileSync(join(root, '.pvefw/confirm.json'), '{"version": 1,');
    assert.throws(
      () => readPending(root),
      (error: unknown) =>
        error instanceof ClusterError &&
        error.kind === 'config' &&
        /^\.pvefw\/confirm\.json is not valid JSON; delete it if no push is pending$/.test(
          error.message,
        ),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
