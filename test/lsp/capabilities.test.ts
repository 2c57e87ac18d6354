import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withServer } from './lsp-client';

test('a pulling client gets a diagnostic provider with inter-file dependencies', async () => {
  await withServer({ pull: true }, (client) => {
    const capabilities = client.initializeResult?.capabilities;
    assert.deepEqual(capabilities?.diagnosticProvider, {
      identifier: 'pvefw',
      interFileDependencies: true,
      workspaceDiagnostics: true,
    });
    assert.deepEqual(capabilities?.textDocumentSync, {
      openClose: true,
      change: 2,
      save: { includeText: false },
    });
  });
});

test('a client without pull support gets no diagnostic provider (the server pushes)', async () => {
  await withServer({ pull: false }, (client) => {
    const capabilities = client.initializeResult?.capabilities;
    assert.equal(capabilities?.diagnosticProvider, undefined);
    assert.equal(client.initializeResult?.serverInfo?.name, 'pvefw');
  });
});

test('the server watches **/*.fw and **/topology.json when the client allows dynamic registration', async () => {
  await withServer({ watch: true }, async (client) => {
    const registration = await client.registration('workspace/didChangeWatchedFiles');
    assert.deepEqual(registration.registerOptions, {
      watchers: [{ globPattern: '**/*.fw' }, { globPattern: '**/topology.json' }],
    });
  });
});

test('the server exits cleanly after shutdown and exit', async () => {
  let code: number | null = -1;
  await withServer({}, async (client) => {
    code = await client.shutdown();
  });
  assert.equal(code, 0);
});
