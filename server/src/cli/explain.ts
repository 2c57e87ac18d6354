// `pvefw explain [--dir DIR] [--node NODE] [--file FILE|-] [--format text|json] [LINE...]`:
// why pve-firewall logged a packet, from the files in DIR (any layout, as every command reads
// a folder): the rule that decided, the path, and the smallest edit that turns it around.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { explainLogLines } from '../core/explain';
import { explanationSummary, explanationText } from '../core/explain';
import { readClusterFolderSources } from './cluster-folder';
import { inputError, usageError } from './errors';
import { ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { folderArg } from './simulate';
import { readInputFile, SourceReader } from './sources';

export interface ExplainArgs {
  readonly dir: string;
  readonly node?: string;
  /** A log file, or `-` for standard input. */
  readonly file?: string;
  readonly format: 'text' | 'json';
  readonly lines: readonly string[];
}

export const EXPLAIN_HELP = `Usage: pvefw explain [options] [LINE...]

Explains pve-firewall log lines (/var/log/pve-firewall.log, or the journal): rebuilds each
packet and where it went from the line, sends it through the node's rules as pvefw simulate
does, and says which rule (file:line) or built-in rule decided, the path, whether that is what
the log says, and the smallest edit that would turn the verdict around (checked by simulating
the packet again with the edit made). Several lines are summed up per deciding rule.

Each LINE is one log line (quote it); --file FILE gives many (--file - reads standard input).

Options:
  --dir DIR            the firewall files (any layout pvefw check reads; default .)
  --node NODE          the node that logged the lines (default: the local node)
  --file FILE          read the log lines from FILE ('-' for standard input)
  --format text|json   text (default), or one JSON object {"lines":[...],"summary":[...]}
  -h, --help           show this help

Exit codes: 0 explained (every line read), 1 a line could not be read or explained, 2 bad usage.
`;

export function parseExplainArgs(argv: readonly string[]): ExplainArgs | 'help' {
  if (argv.some((a) => a === '-h' || a === '--help')) return 'help';
  const values = new Map<string, string>();
  const lines: string[] = [];
  // One iterator for the loop and the values it takes, so `--name value` consumes both words.
  const words = argv.values();
  for (const arg of words) {
    if (arg === '--') {
      lines.push(...words);
      break;
    }
    const name = /^--(dir|node|file|format)(?:=(.*))?$/.exec(arg);
    if (!name) {
      if (arg.startsWith('--')) throw usageError(`unknown option '${arg}'`);
      lines.push(arg);
      continue;
    }
    const value = name[2] ?? words.next().value;
    if (value === undefined || value === '')
      throw usageError(`option '--${name[1]!}' needs a value`);
    values.set(name[1]!, value);
  }
  const format = values.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw usageError(`invalid --format '${format}' (expected text or json)`);
  return {
    dir: values.get('dir') ?? '.',
    format,
    lines,
    ...(values.has('node') ? { node: values.get('node')! } : {}),
    ...(values.has('file') ? { file: values.get('file')! } : {}),
  };
}

export function runExplain(args: ExplainArgs, io: CliIo): ExitCode {
  const texts = [...args.lines];
  if (args.file !== undefined) {
    const content =
      args.file === '-'
        ? (() => {
            try {
              return readFileSync(0, 'utf8');
            } catch (error) {
              throw inputError(
                `cannot read standard input: ${error instanceof Error ? error.message : String(error)}`,
              );
            }
          })()
        : readInputFile(resolve(io.cwd, args.file), args.file);
    texts.push(...content.split('\n'));
  }
  if (texts.every((t) => t.trim() === ''))
    throw usageError('no log line given (LINE..., or --file FILE)');
  const { sources } = readClusterFolderSources(
    folderArg(args.dir, io.cwd),
    new SourceReader(),
    io.cwd,
    {
      world: 'assumed',
    },
  );
  const explained = explainLogLines(sources, texts, args.node);
  if (args.format === 'json') {
    const summary = explanationSummary(explained);
    io.out(`${JSON.stringify({ lines: explained, summary }, null, 2)}\n`);
  } else {
    io.out(explanationText(explained));
  }
  return explained.some((e) => e.error) ? ExitCode.Findings : ExitCode.Ok;
}
