import { resolve } from 'node:path';
import { checkFile, fileKindFromPath, type CheckOptions, type FileKind } from '../core';
import type { CheckArgs } from './args';
import { clusterFor } from './cluster';
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
import { reachabilityFindings } from './reachability';
import { SourceReader } from './sources';

/**
 * `pvefw check`: finds and reads every file first (so a usage or input error leaves stdout
 * empty), then checks each one and prints all findings at once.
 */
export function runCheck(args: CheckArgs, io: CliIo): ExitCode {
  const files = withKinds(discoverFiles(args.paths, io.cwd), args.kind);
  const reader = new SourceReader();
  const explicitCluster =
    args.cluster === undefined
      ? undefined
      : {
          ...reader.read(resolve(io.cwd, args.cluster), args.cluster, '--cluster file '),
          absolute: resolve(io.cwd, args.cluster),
        };
  const jobs = files.map((file) => {
    const source = reader.read(file.absolute, file.path);
    const cluster = clusterFor(file, explicitCluster, reader, io.cwd);
    const own = file.kind === 'cluster' ? { ...source, absolute: file.absolute } : cluster;
    return { ...file, source, cluster, clusterFile: own };
  });
  const reachability = reachabilityFindings(
    jobs.map((job) => ({ ...job, cluster: job.clusterFile })),
    args.overlapHints === true,
  );
  const clusterCache: NonNullable<CheckOptions['clusterCache']> = new Map();
  const results: FileResult[] = jobs.map((job) => {
    const findings = checkFile(
      job.source,
      job.kind,
      job.cluster ? { cluster: job.cluster, clusterCache } : {},
    );
    return {
      path: job.path,
      kind: job.kind,
      text: job.source.text,
      findings: sortFindings([...findings, ...(reachability.get(job.path) ?? [])]),
    };
  });

  if (args.format === 'json') {
    io.out(formatJson(results));
  } else {
    io.out(formatText(results));
    io.err(formatSummary(results));
  }
  return hasErrors(results) ? ExitCode.Findings : ExitCode.Ok;
}

function withKinds(
  files: readonly FoundFile[],
  override: FileKind | undefined,
): (FoundFile & { readonly kind: FileKind })[] {
  const unknown = files.filter((f) => (override ?? fileKindFromPath(f.absolute)) === undefined);
  if (unknown.length > 0) {
    const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : '';
    throw usageError(
      `cannot tell the kind of '${unknown[0]!.path}'${more} from its name ` +
        `(cluster.fw, host.fw, <vmid>.fw, sdn/firewall/<vnet>.fw); ` +
        `pass --kind cluster|host|guest|vnet`,
    );
  }
  return files.map((f) => ({ ...f, kind: (override ?? fileKindFromPath(f.absolute))! }));
}
