// The background watcher of a commit-confirmed push: `pvefw confirm --watch` in a detached
// process of its own, so that closing the terminal (or the editor) does not stop the revert.
// It gets the token in its environment, never on its command line or in a file.
import { spawn } from 'node:child_process';

/** Environment variables the watcher needs: the token, where trusted hosts are, the path. */
const KEPT = [
  'PVEFW_TOKEN',
  'HOME',
  'XDG_CONFIG_HOME',
  'PATH',
  'SYSTEMROOT',
  // The editor runs the CLI with its own Electron binary as Node.
  'ELECTRON_RUN_AS_NODE',
];

/**
 * Starts `node CLI confirm --watch --dir ROOT` detached from this process (its own session, no
 * terminal, no pipes), and returns its process id.
 */
export function spawnConfirmWatcher(
  root: string,
  cli: { readonly node: string; readonly script: string },
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const childEnv: Record<string, string> = {};
  for (const key of KEPT) if (env[key] !== undefined) childEnv[key] = env[key];
  const child = spawn(cli.node, [cli.script, 'confirm', '--watch', '--dir', root], {
    detached: true,
    stdio: 'ignore',
    env: childEnv,
  });
  child.unref();
  return child.pid;
}
