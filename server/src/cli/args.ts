import { FILE_KINDS, isFileKind, type FileKind } from '../core';
import { parseBackendName, type FirewallBackend } from '../core/model';
import { usageError } from './errors';
import { parseDiffArgs, type DiffArgs } from './diff';
import { parseExplainArgs, type ExplainArgs } from './explain';
import { parseReportArgs, type ReportArgs } from './report';
import { parseSimulateArgs, parseTestArgs, type SimulateArgs, type TestArgs } from './sim-args';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'gitlab';

export interface CheckArgs {
  readonly format: OutputFormat;
  /** Overrides the kind told from each file's name. */
  readonly kind?: FileKind;
  /** The cluster.fw every host, guest and vnet file resolves against. */
  readonly cluster?: string;
  /** Also report partial overlaps with another verdict (rule-overlap hints). */
  readonly overlapHints?: boolean;
  /** The backend of nodes whose host.fw is not among the files (`--backend`). */
  readonly backend?: FirewallBackend;
  readonly paths: readonly string[];
}

/** `--backend iptables|nftables`, or a usage error. */
export function backendOption(value: string): FirewallBackend {
  const backend = parseBackendName(value);
  if (!backend) throw usageError(`invalid --backend '${value}' (expected iptables or nftables)`);
  return backend;
}

export type Invocation =
  | {
      readonly command: 'help';
      readonly topic: 'main' | 'check' | 'simulate' | 'test' | 'explain' | 'diff' | 'report';
    }
  | { readonly command: 'version' }
  | { readonly command: 'check'; readonly args: CheckArgs }
  | { readonly command: 'simulate'; readonly args: SimulateArgs }
  | { readonly command: 'test'; readonly args: TestArgs }
  | { readonly command: 'explain'; readonly args: ExplainArgs }
  | { readonly command: 'diff'; readonly args: DiffArgs }
  | { readonly command: 'report'; readonly args: ReportArgs };

const HELP_FLAGS = new Set(['-h', '--help']);

/** Reads `pvefw`'s command line (without the node and script arguments). Throws a usage CliError. */
export function parseArgs(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined) throw usageError('missing command');
  if (HELP_FLAGS.has(first)) return { command: 'help', topic: 'main' };
  if (first === '--version') return { command: 'version' };
  if (first === 'help') {
    if (rest.length === 0) return { command: 'help', topic: 'main' };
    if (rest.length === 1 && rest[0] === 'check') return { command: 'help', topic: 'check' };
    if (
      rest.length === 1 &&
      (rest[0] === 'simulate' || rest[0] === 'test' || rest[0] === 'explain' || rest[0] === 'diff')
    ) {
      return { command: 'help', topic: rest[0] };
    }
    throw usageError(`no help for '${rest.join(' ')}'`);
  }
  if (first === 'check') return parseCheckArgs(rest);
  if (first === 'report') {
    const args = parseReportArgs(rest);
    return args === 'help' ? { command: 'help', topic: first } : { command: first, args };
  }
  if (first === 'diff') {
    const args = parseDiffArgs(rest);
    return args === 'help' ? { command: 'help', topic: first } : { command: first, args };
  }
  if (first === 'explain') {
    const args = parseExplainArgs(rest);
    return args === 'help' ? { command: 'help', topic: first } : { command: first, args };
  }
  if (first === 'simulate') {
    const args = parseSimulateArgs(rest);
    return args === 'help' ? { command: 'help', topic: first } : { command: first, args };
  }
  if (first === 'test') {
    const args = parseTestArgs(rest);
    return args === 'help' ? { command: 'help', topic: first } : { command: first, args };
  }
  if (first.startsWith('-')) throw usageError(`unknown option '${first}'`);
  throw usageError(`unknown command '${first}'`);
}

type ValueOption = '--format' | '--kind' | '--cluster' | '--backend';
const VALUE_OPTIONS: readonly ValueOption[] = ['--format', '--kind', '--cluster', '--backend'];

function parseCheckArgs(argv: readonly string[]): Invocation {
  const endOfOptions = argv.indexOf('--');
  const optionPart = endOfOptions === -1 ? argv : argv.slice(0, endOfOptions);
  if (optionPart.some((a) => HELP_FLAGS.has(a))) return { command: 'help', topic: 'check' };

  let format: OutputFormat = 'text';
  let kind: FileKind | undefined;
  let cluster: string | undefined;
  let overlapHints = false;
  let backend: FirewallBackend | undefined;
  const paths: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (i === endOfOptions) {
      paths.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      paths.push(arg);
      continue;
    }
    if (arg === '--overlap-hints') {
      overlapHints = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!(VALUE_OPTIONS as readonly string[]).includes(name)) {
      throw usageError(`unknown option '${name}'`);
    }
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || i + 1 === endOfOptions) {
        throw usageError(`option '${name}' needs a value`);
      }
      i++;
    }
    switch (name as ValueOption) {
      case '--format':
        if (value !== 'text' && value !== 'json' && value !== 'sarif' && value !== 'gitlab') {
          throw usageError(`invalid --format '${value}' (expected text, json, sarif or gitlab)`);
        }
        format = value;
        break;
      case '--kind':
        if (!isFileKind(value)) {
          throw usageError(`invalid --kind '${value}' (expected ${FILE_KINDS.join(', ')})`);
        }
        kind = value;
        break;
      case '--cluster':
        if (value === '') throw usageError(`option '--cluster' needs a value`);
        cluster = value;
        break;
      case '--backend':
        backend = backendOption(value);
        break;
    }
  }

  if (paths.length === 0) throw usageError('missing PATH (a .fw file or a folder)');
  return {
    command: 'check',
    args: {
      format,
      paths,
      ...(kind !== undefined ? { kind } : {}),
      ...(cluster !== undefined ? { cluster } : {}),
      ...(overlapHints ? { overlapHints } : {}),
      ...(backend ? { backend } : {}),
    },
  };
}
