// The set of files the editor queries see. Each file is parsed once and loaded once against the
// cluster.fw it resolves to; whoever owns the snapshot (the language server, a test) builds
// these and may cache them by revision. Queries only read.
import type { FileKind } from '../model';
import type { FwConfig } from '../model';
import { loadFwConfig, type LoadResult, type RuleJudgements } from '../model';
import { parseFwSyntax } from '../syntax';
import type { FwSyntaxTree } from '../syntax';
import { LineIndex } from '../text';
import { indexNames, type FileNames } from '../model';

/** One file's text, tree and name index: depends on the text and kind only. */
export class ParsedFwFile {
  readonly tree: FwSyntaxTree;
  private namesMemo: FileNames | undefined;
  private indexMemo: LineIndex | undefined;

  /** `previous`: this file before an edit, whose lines the edit did not touch are kept. */
  constructor(
    readonly text: string,
    readonly kind: FileKind,
    previous?: ParsedFwFile,
  ) {
    this.tree = parseFwSyntax(text, kind, previous?.kind === kind ? previous.tree : undefined);
  }

  get names(): FileNames {
    return (this.namesMemo ??= indexNames(this.tree));
  }

  get lineIndex(): LineIndex {
    return (this.indexMemo ??= new LineIndex(this.text));
  }
}

/** A file as the queries see it: parsed, and loaded the way Proxmox loads it. */
export interface IdeFile {
  /** Opaque and stable within a snapshot (the language server uses its file key). */
  readonly id: string;
  /** A path for messages (its base name tells the kind). */
  readonly path: string;
  readonly kind: FileKind;
  readonly parsed: ParsedFwFile;
  readonly load: LoadResult;
  /** The cluster.fw this file resolves names against; the file itself for cluster.fw. */
  readonly clusterId: string | undefined;
}

export interface WorkspaceModel {
  file(id: string): IdeFile | undefined;
  /** Every firewall file of the workspace whose kind is known. */
  files(): readonly IdeFile[];
}

/**
 * Loads a parsed file against its cluster (undefined for cluster.fw itself or when missing);
 * `judgements`: the file's own from its last load, for a caller that loads it again and again.
 */
export function loadIdeFile(
  id: string,
  path: string,
  parsed: ParsedFwFile,
  cluster: IdeFile | undefined,
  judgements?: RuleJudgements,
): IdeFile {
  const context = cluster && parsed.kind !== 'cluster' ? { cluster: cluster.load.config } : {};
  const load = loadFwConfig(parsed.tree, parsed.kind, context, judgements);
  const clusterId = parsed.kind === 'cluster' ? id : cluster?.id;
  return { id, path, kind: parsed.kind, parsed, load, clusterId };
}

export function configOf(file: IdeFile): FwConfig {
  return file.load.config;
}

/** The cluster.fw a file resolves against, if the workspace has it. */
export function clusterOf(ws: WorkspaceModel, file: IdeFile): IdeFile | undefined {
  return file.clusterId === undefined ? undefined : ws.file(file.clusterId);
}

/** The files that can see definitions made in `file`: itself, and for cluster.fw its dependants. */
export function filesSeeing(ws: WorkspaceModel, file: IdeFile): IdeFile[] {
  if (file.kind !== 'cluster') return [file];
  return [file, ...ws.files().filter((f) => f.id !== file.id && f.clusterId === file.id)];
}

export interface WorkspaceSource {
  readonly id: string;
  readonly path: string;
  readonly kind: FileKind;
  readonly text: string;
  /** The id of the cluster.fw this file resolves against. */
  readonly clusterId?: string;
}

/** A whole workspace built at once from texts: for tests and one-shot tools. */
export function buildWorkspaceModel(sources: readonly WorkspaceSource[]): WorkspaceModel {
  const byId = new Map<string, IdeFile>();
  const clusters = sources.filter((s) => s.kind === 'cluster');
  for (const source of [...clusters, ...sources.filter((s) => s.kind !== 'cluster')]) {
    const parsed = new ParsedFwFile(source.text, source.kind);
    const cluster = source.clusterId === undefined ? undefined : byId.get(source.clusterId);
    byId.set(source.id, loadIdeFile(source.id, source.path, parsed, cluster));
  }
  const files = sources.map((s) => byId.get(s.id)!);
  return { file: (id) => byId.get(id), files: () => files };
}
