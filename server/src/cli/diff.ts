// `pvefw diff A B`: what a change does, offline. A and B are folders or git revisions of the
// repository around the current folder; each is read into the cluster model as every command
// reads a folder, and the plan's own impact engine compares them node by node.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClusterModel } from '../core/model';
import type { ImpactSummary } from '../core/plan';
import { compareClusterModels } from '../core/plan';
import { impactLines, impactMarkdown } from '../core/plan';
import { backendOption } from './args';
import { readClusterFolder, type TopologyChoice } from './cluster-folder';
import { usageError } from './errors';
import { ExitCode } from './exit-codes';
import { isRevision, prefixWithin, repositoryRoot, revisionFolder } from './git-tree';
import type { CliIo } from './io';
import { SourceReader } from './sources';

export interface DiffArgs {
  readonly a: string;
  readonly b: string;
  readonly format: 'text' | 'json' | 'markdown';
  /** With revisions: the folder inside the repository that holds the cluster (default: cwd). */
  readonly path?: string;
  readonly topology?: string;
  readonly backend?: ReturnType<typeof backendOption>;
  readonly detailedExitcode: boolean;
}

export const DIFF_HELP = `Usage: pvefw diff [options] A B

Says what a change does, without a cluster: for each node and each guest NIC, the flows whose
verdict differs between A and B, as classes of flows a person reads, with one packet as proof
per class and the lines that decide it on each side. The same engine as the impact of
pvefw plan.

A and B are folders (any layout pvefw check reads: an /etc/pve copy, its firewall/ folder, a
flat folder), or git revisions of the repository around the current folder (pvefw diff HEAD~1
HEAD, pvefw diff main feature); a name that is an existing folder is the folder. One side may
be a revision and the other a folder (pvefw diff HEAD . for your uncommitted edits).

Options:
  --path DIR              with revisions: the folder of the repository that holds the cluster
                          files (default: the current folder)
  --format text|json|markdown
                          text (default), one JSON object, or Markdown for a pull-request
                          comment (texts from the files are escaped)
  --topology FILE|default the world for both sides (default: each side's topology.json, else
                          assumed from the files)
  --backend iptables|nftables
                          the backend of nodes without a host.fw among the files
  --detailed-exitcode     exit 2 when some flow changes verdict (0 when none)
  -h, --help              show this help

Exit codes: 0 done, 2 bad usage or unreadable input. With --detailed-exitcode: 0 no flow
changes, 2 some flows change, 1 any error.
`;

export function parseDiffArgs(argv: readonly string[]): DiffArgs | 'help' {
  if (argv.some((a) => a === '-h' || a === '--help')) return 'help';
  const values = new Map<string, string>();
  const positional: string[] = [];
  let detailedExitcode = false;
  const words = argv.values();
  for (const arg of words) {
    if (arg === '--detailed-exitcode') {
      detailedExitcode = true;
      continue;
    }
    const name = /^--(path|format|topology|backend)(?:=(.*))?$/.exec(arg);
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
  const [a, b] = positional;
  if (a === undefined || b === undefined || positional.length !== 2)
    throw usageError('diff needs two folders or revisions: pvefw diff A B');
  const format = values.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'markdown')
    throw usageError(`invalid --format '${format}' (expected text, json or markdown)`);
  return {
    a,
    b,
    format,
    detailedExitcode,
    ...(values.has('path') ? { path: values.get('path')! } : {}),
    ...(values.has('topology') ? { topology: values.get('topology')! } : {}),
    ...(values.has('backend') ? { backend: backendOption(values.get('backend')!) } : {}),
  };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** One side read into the model: a folder, or a revision's files in a temporary folder. */
function readSide(
  name: string,
  args: DiffArgs,
  io: CliIo,
  repo: () => { root: string; prefix: string },
): { model: ClusterModel; label: string } {
  const choice: TopologyChoice = {
    world: 'assumed',
    ...(args.topology !== undefined
      ? { option: args.topology === 'default' ? 'default' : resolve(io.cwd, args.topology) }
      : {}),
    ...(args.backend ? { backend: args.backend } : {}),
  };
  const folder = resolve(io.cwd, name);
  // Paths are shown from the side's own root, so both sides name a file alike.
  if (isFolder(folder))
    return {
      model: readClusterFolder(folder, new SourceReader(), folder, choice).model,
      label: name,
    };
  const { root, prefix } = repo();
  if (!isRevision(root, name))
    throw usageError(`'${name}' is neither a folder nor a revision of the repository at ${root}`);
  const checkedOut = revisionFolder(root, name, prefix);
  try {
    const model = readClusterFolder(
      checkedOut.dir,
      new SourceReader(),
      checkedOut.dir,
      choice,
    ).model;
    return { model, label: name };
  } finally {
    checkedOut.dispose();
  }
}

export function runDiff(args: DiffArgs, io: CliIo): ExitCode {
  let found: { root: string; prefix: string } | undefined;
  const repo = (): { root: string; prefix: string } => {
    if (!found) {
      const root = repositoryRoot(io.cwd);
      found = { root, prefix: prefixWithin(root, resolve(io.cwd, args.path ?? '.')) };
    }
    return found;
  };
  const a = readSide(args.a, args, io, repo);
  const b = readSide(args.b, args, io, repo);
  const impact = compareClusterModels(a.model, b.model);
  io.out(formatDiff(impact, a.label, b.label, args.format));
  return args.detailedExitcode && impact.changes.length > 0 ? ExitCode.Changes : ExitCode.Ok;
}

export function formatDiff(
  impact: ImpactSummary,
  a: string,
  b: string,
  format: DiffArgs['format'],
): string {
  const labels = { before: `in ${a}`, after: `in ${b}` };
  if (format === 'json') return `${JSON.stringify({ a, b, ...impact }, null, 2)}\n`;
  if (format === 'markdown') return impactMarkdown(impact, `pvefw diff ${a} ${b}`, labels);
  const lines = impactLines(impact, labels);
  const count = impact.changes.length;
  lines.push(
    count === 0
      ? `No flow gets another verdict between ${a} and ${b}.`
      : `${count} class${count === 1 ? '' : 'es'} of flows change verdict between ${a} and ${b}.`,
  );
  return `${lines.join('\n')}\n`;
}
