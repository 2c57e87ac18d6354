// `pvefw report [DIR]`: what is exposed, per node and guest NIC: which sources reach which
// services, from the folder's cluster model (any layout), as text, Markdown, HTML or JSON.
import { resolve } from 'node:path';
import { exposureReport } from '../core/report';
import { exposureHtml, exposureMarkdown, exposureText } from '../core/report';
import { backendOption } from './args';
import { readClusterFolder, type TopologyChoice } from './cluster-folder';
import { usageError } from './errors';
import { ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { folderArg } from './simulate';
import { SourceReader } from './sources';

export interface ReportArgs {
  readonly dir: string;
  readonly format: 'text' | 'markdown' | 'html' | 'json';
  readonly topology?: string;
  readonly backend?: ReturnType<typeof backendOption>;
}

export const REPORT_HELP = `Usage: pvefw report [options] [DIR]

Says what is exposed: for each node and each guest NIC, which services (protocol and port) a
new connection reaches and from which sources, with the rules that accept them. Read from the
firewall files in DIR (any layout pvefw check reads; default .), compiled as pve-firewall
would for the topology beside them (topology.json; else assumed from the files). A host or
guest whose firewall is off is listed as reachable by all traffic, and says why.

Options:
  --format text|markdown|html|json
                          text (default); Markdown for a review; a standalone HTML page;
                          or one JSON object {"entries":[...],"notes":[...]}
  --topology FILE|default the world to compile for (default: topology.json beside the files)
  --backend iptables|nftables
                          the backend of nodes without a host.fw among the files
  -h, --help              show this help

Exit codes: 0 done, 2 bad usage or unreadable input.
`;

export function parseReportArgs(argv: readonly string[]): ReportArgs | 'help' {
  if (argv.some((a) => a === '-h' || a === '--help')) return 'help';
  const values = new Map<string, string>();
  const positional: string[] = [];
  const words = argv.values();
  for (const arg of words) {
    const name = /^--(format|topology|backend)(?:=(.*))?$/.exec(arg);
    if (!name) {
      if (arg.startsWith('--')) throw usageError(`unknown option '${arg}'`);
      positional.push(arg);
      continue;
    }
    const value = name[2] ?? words.next().value;
    if (value === undefined || value === '')
      throw usageError(`option '--${name[1]!}' needs a value`);
    values.set(name[1]!, value);
  }
  if (positional.length > 1) throw usageError('report reads one folder: pvefw report [DIR]');
  const format = values.get('format') ?? 'text';
  if (format !== 'text' && format !== 'markdown' && format !== 'html' && format !== 'json')
    throw usageError(`invalid --format '${format}' (expected text, markdown, html or json)`);
  return {
    dir: positional[0] ?? '.',
    format,
    ...(values.has('topology') ? { topology: values.get('topology')! } : {}),
    ...(values.has('backend') ? { backend: backendOption(values.get('backend')!) } : {}),
  };
}

export function runReport(args: ReportArgs, io: CliIo): ExitCode {
  const choice: TopologyChoice = {
    world: 'assumed',
    ...(args.topology !== undefined
      ? { option: args.topology === 'default' ? 'default' : resolve(io.cwd, args.topology) }
      : {}),
    ...(args.backend ? { backend: args.backend } : {}),
  };
  const dir = folderArg(args.dir, io.cwd);
  const { model } = readClusterFolder(dir, new SourceReader(), io.cwd, choice);
  const report = exposureReport(model);
  if (args.format === 'json') io.out(`${JSON.stringify(report, null, 2)}\n`);
  else if (args.format === 'markdown') io.out(exposureMarkdown(report));
  else if (args.format === 'html') io.out(exposureHtml(report));
  else io.out(exposureText(report));
  return ExitCode.Ok;
}
