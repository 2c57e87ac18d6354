// Issue 15: one long line must not stall the parser, `pvefw check` or the editor. Every hostile
// shape (test/support/hostile-lines.ts) is parsed, checked and queried (completion, hover, code
// actions, formatting…) on a line of a million characters, in a child process the test can kill.
//
// No timing is asserted. The bound is a deadline per shape that linear code meets a thousand
// times over (it needs milliseconds) and quadratic code cannot meet at all: the 100 KB line of the
// issue took 42 s, so a 1 MB line takes about 100 × 42 s, over an hour, and the deadline is a
// minute. A shape that misses it is named in the failure.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { CLI, cleanup, makeTree } from '../cli/helpers';
import { HOSTILE_SHAPES } from '../support/hostile-lines';

const SIZE = 1_000_000;
const DEADLINE_MS = 60_000;

interface Outcome {
  readonly finished: number;
  /** The shape that missed its deadline, or the child's failure. */
  readonly problem?: string;
}

/** Runs the shapes in a child; every `start` line re-arms the deadline for that shape. */
function runShapes(): Promise<Outcome> {
  return new Promise((resolve) => {
    const runner = join(__dirname, '..', 'support', 'hostile-lines-run.js');
    const child = spawn(process.execPath, [runner, String(SIZE)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let current = '(loading)';
    let finished = 0;
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        settle(`'${current}' did not finish within ${DEADLINE_MS / 1000} s`);
      }, DEADLINE_MS);
    };
    let settled = false;
    const settle = (problem?: string): void => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      resolve({ finished, ...(problem !== undefined ? { problem } : {}) });
    };
    arm();
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('start ')) {
        current = line.slice('start '.length);
        arm();
      } else if (line.startsWith('done ')) finished++;
    });
    child.on('close', (code) =>
      settle(code === 0 ? undefined : `the runner failed on '${current}': ${stderr}`),
    );
  });
}

test('every editor query and check finishes on a 1 MB line of each hostile shape', async () => {
  const outcome = await runShapes();
  assert.equal(outcome.problem, undefined);
  assert.equal(outcome.finished, HOSTILE_SHAPES.length);
});

test('pvefw check finishes on the two 1 MB lines of the issue', async () => {
  const root = makeTree();
  try {
    const blanks = ' '.repeat(SIZE);
    writeFileSync(join(root, 'cluster.fw'), `[RULES]\n|${blanks}x\nIN ACCEPT # a${blanks}b\n`);
    const result = await new Promise<{ code: number | null; stdout: string; killed: boolean }>(
      (resolve) => {
        const child = spawn(process.execPath, [CLI, 'check', 'cluster.fw'], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let stdout = '';
        let killed = false;
        const timer = setTimeout(() => {
          killed = true;
          child.kill('SIGKILL');
        }, DEADLINE_MS);
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, killed });
        });
      },
    );
    assert.equal(result.killed, false, `pvefw check did not finish within ${DEADLINE_MS} ms`);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^cluster\.fw:2:1: error unparsable-rule/m);
  } finally {
    cleanup(root);
  }
});
