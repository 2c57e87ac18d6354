import type { FirewallBackend } from '../core/model';
import { backendOption } from './args';
import { usageError } from './errors';

export interface SimulateArgs {
  readonly dir: string;
  /** A topology.json path, 'default', or undefined for DIR/topology.json else the default. */
  readonly topology?: string;
  /** The node whose ruleset is simulated; default the local node. */
  readonly node?: string;
  /** The backend of nodes without a host.fw among the files (`--backend`). */
  readonly backend?: FirewallBackend;
  readonly from: string;
  readonly to: string;
  readonly packet: Readonly<Record<string, string>>;
}

export interface TestArgs {
  readonly dirs: readonly string[];
  readonly topology?: string;
  readonly id?: string;
  readonly backend?: FirewallBackend;
}

const HELP_FLAGS = new Set(['-h', '--help']);
const PACKET_OPTIONS = ['proto', 'dport', 'sport', 'source', 'dest', 'srctype', 'dsttype', 'state'];

/** `--name value` / `--name=value` options and positional words; `--` ends the options. */
function readOptions(
  argv: readonly string[],
  known: readonly string[],
): { values: Map<string, string>; positional: string[] } {
  const values = new Map<string, string>();
  const positional: string[] = [];
  // One iterator for the loop and the values it takes, so `--name value` consumes both words.
  const words = argv.values();
  for (const arg of words) {
    if (arg === '--') {
      positional.push(...words);
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg : arg.slice(0, eq)).slice(2);
    if (!known.includes(name)) throw usageError(`unknown option '--${name}'`);
    const value = eq !== -1 ? arg.slice(eq + 1) : words.next().value;
    if (value === undefined || value === '') throw usageError(`option '--${name}' needs a value`);
    values.set(name, value);
  }
  return { values, positional };
}

/** `pvefw simulate DIR --from Z --to Z [packet options] [--topology FILE|default]`. */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs | 'help' {
  if (argv.some((a) => HELP_FLAGS.has(a))) return 'help';
  const { values, positional } = readOptions(argv, [
    'from',
    'to',
    'topology',
    'node',
    'backend',
    ...PACKET_OPTIONS,
  ]);
  const [dir, extra] = positional;
  if (dir === undefined) throw usageError('missing DIR (a folder of firewall files)');
  if (extra !== undefined) throw usageError(`unexpected argument '${extra}'`);
  const from = values.get('from');
  const to = values.get('to');
  if (from === undefined) throw usageError("missing '--from ZONE|IP'");
  if (to === undefined) throw usageError("missing '--to ZONE|IP'");
  const packet: Record<string, string> = {};
  for (const key of PACKET_OPTIONS) {
    const value = values.get(key);
    if (value !== undefined) packet[key] = value;
  }
  const topology = values.get('topology');
  const node = values.get('node');
  const backend = values.get('backend');
  return {
    ...(backend !== undefined ? { backend: backendOption(backend) } : {}),
    dir,
    from,
    to,
    packet,
    ...(topology ? { topology } : {}),
    ...(node ? { node } : {}),
  };
}

/** `pvefw test DIR... [--topology FILE|default] [--id NAME]`. */
export function parseTestArgs(argv: readonly string[]): TestArgs | 'help' {
  if (argv.some((a) => HELP_FLAGS.has(a))) return 'help';
  const { values, positional } = readOptions(argv, ['topology', 'id', 'backend']);
  if (positional.length === 0) throw usageError('missing DIR (a folder with a tests file)');
  const topology = values.get('topology');
  const id = values.get('id');
  const backend = values.get('backend');
  return {
    ...(backend !== undefined ? { backend: backendOption(backend) } : {}),
    dirs: positional,
    ...(topology !== undefined ? { topology } : {}),
    ...(id !== undefined ? { id } : {}),
  };
}
