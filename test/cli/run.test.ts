// runCli's last line of defence: an unexpected exception is one line and exit 2, with the stack
// only when PVEFW_DEBUG=1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliIo } from '../../server/src/cli/io';
import { runCli } from '../../server/src/cli/run';

function brokenIo(env: Record<string, string>): { io: CliIo; stderr: () => string } {
  let err = '';
  const io: CliIo = {
    cwd: process.cwd(),
    env,
    out: () => {
      throw new TypeError('stdout exploded');
    },
    err: (text) => {
      err += text;
    },
  };
  return { io, stderr: () => err };
}

test('an internal error is one line, exit 2, no stack', () => {
  const { io, stderr } = brokenIo({});
  assert.equal(runCli(['--help'], io), 2);
  assert.equal(
    stderr(),
    'pvefw: internal error: stdout exploded (set PVEFW_DEBUG=1 for details)\n',
  );
});

test('PVEFW_DEBUG=1 adds the stack', () => {
  const { io, stderr } = brokenIo({ PVEFW_DEBUG: '1' });
  assert.equal(runCli(['--help'], io), 2);
  assert.match(
    stderr(),
    /^pvefw: internal error: stdout exploded\nTypeError: stdout exploded\n\s+at /,
  );
});
