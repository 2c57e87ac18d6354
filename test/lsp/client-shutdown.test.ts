// A test client must never keep its test file alive after shutdown, whatever state the server
// left the pipe in. Issue 11: ide-features.test.js passed every test, then sat until the runner's
// two-minute limit, 2 runs in 5 under the full suite's load. The cause: the server sent the
// header of a message and was shut down before its body; vscode-jsonrpc's reader then re-arms a
// 10-second "partial message" timer for as long as the message stays incomplete, that is forever,
// and disposing the connection does not stop it. cutoff-server.ts makes that cut on every run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';

const DEADLINE_MS = 20_000;

async function runDriver(kind: 'lsp' | 'editor'): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(__dirname, 'shutdown-driver.js'), kind], {
    env: { ...process.env, PVEFW_SERVER: join(__dirname, 'cutoff-server.js') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    assert.equal(
      signal,
      null,
      `the ${kind} client's process was still alive after ${DEADLINE_MS} ms:\n${output}`,
    );
    return { code, output };
  } finally {
    clearTimeout(timer);
  }
}

for (const kind of ['lsp', 'editor'] as const) {
  test(`the ${kind} test client lets its process exit when the server cut a message short`, async () => {
    const { code, output } = await runDriver(kind);
    assert.equal(code, 0, output);
    assert.match(output, /shut down/);
  });
}
