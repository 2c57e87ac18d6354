// Command lines of pvefw pull, plan, push and trust (the commands that talk to a cluster).
import { isNodeName } from '../core/model';
import { parseDuration } from '../cluster/confirm-record';
import { usageError } from './errors';

export type SyncCommand = 'pull' | 'plan' | 'push' | 'trust' | 'confirm';
export const SYNC_COMMANDS: readonly SyncCommand[] = ['pull', 'plan', 'push', 'trust', 'confirm'];

export interface SyncArgs {
  readonly command: SyncCommand;
  /** The workspace folder (default: the working folder). */
  readonly dir?: string;
  readonly host?: string;
  readonly format: 'text' | 'json';
  readonly force: boolean;
  readonly yes: boolean;
  readonly allowLockout: boolean;
  /** trust: the fingerprint the certificate must have (checked before it is stored). */
  readonly fingerprint?: string;
  /** plan: exit 0 without changes, 2 with changes that can be pushed, 1 when they cannot. */
  readonly detailedExitcode: boolean;
  /** plan: write the reviewed plan to this file (for `push FILE`). */
  readonly out?: string;
  /** push: a plan file written by `plan --out`: push exactly it, or refuse. */
  readonly planFile?: string;
  /** push: revert unless confirmed within this many milliseconds (commit-confirmed). */
  readonly confirmWithinMs?: number;
  /** confirm: watch the pending push until it is confirmed, reverting when due. */
  readonly watch: boolean;
  /** trust: the node whose API endpoint HOST is (recorded in .pvefw.json nodeHosts). */
  readonly node?: string;
}

const FLAGS: Record<SyncCommand, readonly string[]> = {
  pull: ['--force'],
  plan: ['--detailed-exitcode'],
  push: ['--force', '--yes', '--allow-lockout'],
  trust: [],
  confirm: ['--watch'],
};
const VALUES: Record<SyncCommand, readonly string[]> = {
  pull: ['--host', '--dir', '--format'],
  plan: ['--host', '--dir', '--format', '--out'],
  push: ['--host', '--dir', '--format', '--confirm-within'],
  trust: ['--dir', '--fingerprint', '--node'],
  confirm: ['--host', '--dir'],
};

/** Parses the arguments after the command name; 'help' for -h/--help. */
export function parseSyncArgs(command: SyncCommand, argv: readonly string[]): SyncArgs | 'help' {
  if (argv.some((a) => a === '-h' || a === '--help')) return 'help';
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  const words = argv.values();
  for (const arg of words) {
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (FLAGS[command].includes(name) && eq === -1) flags.add(name);
    else if (VALUES[command].includes(name)) {
      const value = eq === -1 ? words.next().value : arg.slice(eq + 1);
      if (value === undefined || value === '') throw usageError(`option '${name}' needs a value`);
      values[name] = value;
    } else throw usageError(`unknown option '${name}' for '${command}'`);
  }
  const format = values['--format'] ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw usageError(`invalid --format '${format}' (expected text or json)`);
  const allowed = command === 'trust' || command === 'push' ? 1 : 0;
  if (positional.length > allowed) throw usageError(`unexpected argument '${positional[allowed]}'`);
  const host = command === 'trust' ? positional[0] : values['--host'];
  const within = values['--confirm-within'];
  const confirmWithinMs = within === undefined ? undefined : parseDuration(within);
  if (within !== undefined && confirmWithinMs === undefined)
    throw usageError(`invalid --confirm-within '${within}' (a duration such as 90s, 5m or 1h)`);
  const node = values['--node'];
  if (node !== undefined && !isNodeName(node)) throw usageError(`invalid node name '${node}'`);
  return {
    command,
    format,
    force: flags.has('--force'),
    yes: flags.has('--yes'),
    allowLockout: flags.has('--allow-lockout'),
    detailedExitcode: flags.has('--detailed-exitcode'),
    ...(values['--out'] !== undefined ? { out: values['--out'] } : {}),
    ...(command === 'push' && positional[0] !== undefined ? { planFile: positional[0] } : {}),
    ...(values['--dir'] !== undefined ? { dir: values['--dir'] } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(values['--fingerprint'] !== undefined ? { fingerprint: values['--fingerprint'] } : {}),
    ...(confirmWithinMs !== undefined ? { confirmWithinMs } : {}),
    watch: flags.has('--watch'),
    ...(node !== undefined ? { node } : {}),
  };
}
