import { resolve } from 'node:path';
import {
  buildClusterModel,
  checkCluster,
  checkFile,
  clusterFileCandidates,
  modelFiles,
  type ClusterModel,
  fileKindFromPath,
  unknownKindFinding,
  type FileKind,
  type Finding,
} from '../core';
import { loneNftablesFindings } from '../core/checks';
import type { CheckArgs } from './args';
import { shownPath } from './paths';
import { clusterSources, readClusterOf } from './cluster-folder';
import { discoverFiles, type FoundFile } from './discover';
import { usageError } from './errors';
import { ExitCode } from './exit-codes';
import {
  formatJson,
  formatSummary,
  formatText,
  hasErrors,
  sortFindings,
  type FileResult,
} from './format';
import type { CliIo } from './io';
import { formatCodeQuality } from './code-quality';
import { quickFixes } from './quick-fixes';
import { formatSarif } from './sarif';
import { SourceReader } from './sources';

type Checked = FoundFile & { readonly kind: FileKind | undefined };

/**
 * `pvefw check`: finds and reads every file first (so a usage or input error leaves stdout
 * empty), then checks each cluster as a whole, through the same cluster model as every other
 * command, and prints the findings of the files that were asked for.
 */
export function runCheck(args: CheckArgs, io: CliIo): ExitCode {
  const files = withKinds(discoverFiles(args.paths, io.cwd), args);
  const reader = new SourceReader();
  const explicit =
    args.cluster === undefined
      ? undefined
      : (() => {
          const absolute = resolve(io.cwd, args.cluster);
          reader.read(absolute, args.cluster, '--cluster file ');
          return absolute;
        })();
  const clusterOf = (file: Checked): string | undefined =>
    file.kind === 'cluster'
      ? file.absolute
      : (explicit ??
        clusterFileCandidates(file.absolute)
          .map((c) => resolve(io.cwd, c))
          .find((c) => reader.isFile(c)));
  // Each file joins the cluster it resolves against, and the whole cluster is read around it:
  // a file checked alone gets the answer it gets when its folder is checked. A file whose kind
  // only --kind gives has no place in a layout: it is checked against its cluster on its own.
  const byCluster = new Map<string, Checked[]>();
  const alone: { file: Checked; cluster: string | undefined }[] = [];
  for (const file of files) {
    if (file.kind === undefined) continue;
    const cluster = clusterOf(file);
    if (cluster !== undefined && file.kind === fileKindFromPath(file.absolute))
      byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), file]);
    else alone.push({ file, cluster });
  }
  const found = new Map<string, Finding[]>();
  const asked = new Set(files.map((f) => f.absolute));
  const options = { overlapHints: args.overlapHints === true };
  const backend = args.backend ? { defaultBackend: args.backend } : {};
  const keep = (findings: Map<string, Finding[]>, absolutes: readonly string[]): void => {
    const byShown = new Map(absolutes.map((a) => [shownPath(a, io.cwd), a]));
    for (const [path, list] of findings) {
      const absolute = byShown.get(path);
      if (absolute !== undefined && asked.has(absolute)) found.set(absolute, list);
    }
  };
  for (const [cluster, members] of byCluster) {
    const absolutes = [cluster, ...members.map((m) => m.absolute).filter((a) => a !== cluster)];
    // --cluster names the cluster of exactly the files given with it, wherever it lies.
    const model =
      explicit === cluster
        ? buildClusterModel({
            ...clusterSources(cluster, absolutes.slice(1), reader, io.cwd).sources,
            world: 'assumed',
            ...backend,
          })
        : readClusterOf(cluster, reader, io.cwd, {
            world: 'assumed',
            ...(args.backend ? { backend: args.backend } : {}),
          }).model;
    keep(checkCluster(model, options), [...absolutes, ...modelAbsolutes(model, io.cwd)]);
  }
  for (const { file, cluster } of alone) {
    const source = reader.read(file.absolute, file.path);
    if (file.kind === 'cluster') {
      const model = buildClusterModel({ cluster: source, world: 'assumed', ...backend });
      keep(checkCluster(model, options), [file.absolute]);
      continue;
    }
    const against = cluster === undefined ? {} : { cluster: reader.read(cluster, cluster) };
    const findings = checkFile(source, file.kind!, against);
    // A lone file: its node is unknown, so --backend says which firewall reads it.
    if (args.backend === 'proxmox-firewall')
      findings.push(...loneNftablesFindings(source, file.kind!, against.cluster));
    found.set(file.absolute, findings);
  }
  const results: FileResult[] = files.map((file) => ({
    path: file.path,
    kind: file.kind ?? 'unknown',
    text: reader.read(file.absolute, file.path).text,
    findings: sortFindings(
      file.kind === undefined ? [unknownKindFinding()] : (found.get(file.absolute) ?? []),
    ),
  }));

  if (args.format === 'json') {
    io.out(formatJson(results));
  } else if (args.format === 'sarif') {
    const textOf = (path: string): string | undefined => {
      try {
        return reader.read(resolve(io.cwd, path), path).text;
      } catch {
        return undefined;
      }
    };
    io.out(formatSarif({ results, textOf, fixesOf: quickFixes(results, textOf) }, io.cwd));
  } else if (args.format === 'gitlab') {
    io.out(formatCodeQuality(results));
  } else {
    io.out(formatText(results));
    io.err(formatSummary(results));
  }
  return hasErrors(results) ? ExitCode.Findings : ExitCode.Ok;
}

/**
 * The kind of each file: `--kind`, else its name. A file named on the command line whose kind
 * cannot be told is a usage error; one found in a folder gets an `unknown-file-kind` finding,
 * and everything else is still checked.
 */
/** The absolute path of every file of a model (its paths are shown paths). */
function modelAbsolutes(model: ClusterModel, cwd: string): string[] {
  return modelFiles(model).map((f) => resolve(cwd, f.path));
}

function withKinds(files: readonly FoundFile[], args: CheckArgs): Checked[] {
  // A file named on the command line keeps its path as given (a folder's files get longer ones).
  const named = new Set(args.paths);
  const out = files.map((f) => ({ ...f, kind: args.kind ?? fileKindFromPath(f.absolute) }));
  const [first, ...others] = out.filter((f) => f.kind === undefined && named.has(f.path));
  if (first) {
    const more = others.length > 0 ? ` (and ${others.length} more)` : '';
    throw usageError(
      `cannot tell the kind of '${first.path}'${more} from its name ` +
        `(cluster.fw, host.fw, <vmid>.fw, sdn/firewall/<vnet>.fw); ` +
        `pass --kind cluster|host|guest|vnet`,
    );
  }
  return out;
}
