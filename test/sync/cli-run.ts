// Runs the bundled pvefw (dist/cli.js) in a sync workspace, as a user with their own home (where
// `pvefw trust` keeps the hosts they trust) and, unless told otherwise, the full API token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI } from '../cli/helpers';
import { TOKEN, TOKEN_SECRET } from '../support/sim-fixture';

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runPvefw(
  cwd: string,
  home: string,
  args: readonly string[],
  env: Record<string, string | undefined> = { PVEFW_TOKEN: TOKEN },
  /** Aborting it kills the process (SIGKILL), as a closed terminal or a crash would end it. */
  signal?: AbortSignal,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...env };
    delete childEnv['XDG_CONFIG_HOME'];
    delete childEnv['PVEFW_DEBUG'];
    if (env['PVEFW_TOKEN'] === undefined) delete childEnv['PVEFW_TOKEN'];
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => {
      if (!signal?.aborted) reject(error);
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export function noSecret(run: Run): void {
  assert.ok(
    !run.stdout.includes(TOKEN_SECRET) && !run.stderr.includes(TOKEN_SECRET),
    'the token secret is never printed',
  );
}
