// Completion of ipset, alias and group names: only those a reference at this line can reach.
// Within one file Proxmox resolves top to bottom, so names defined further down are left out;
// a guest sees its own names (also as guest/x) and the cluster's (as dc/x, and unscoped where
// the guest does not shadow them); host, vnet and [group] rules see cluster.fw only.
import { fileStem } from '../model';
import { NAME_PATTERN } from '../syntax';
import type { CompletionEntry } from './completion-items';
import type { NameDef, NameKind } from '../model';
import { clusterOf, type IdeFile, type WorkspaceModel } from './workspace-model';

interface Source {
  readonly file: IdeFile;
  /** Unscoped, and the scope that names this source explicitly. */
  readonly scopes: readonly string[];
  readonly before?: number;
}

function visibleDefs(source: Source, kind: NameKind): Map<string, NameDef> {
  const defs = new Map<string, NameDef>();
  for (const def of source.file.parsed.names.defs) {
    if (def.kind !== kind) continue;
    if (source.before !== undefined && def.line.line.number >= source.before) continue;
    defs.set(def.key, def);
  }
  return defs;
}

function describe(file: IdeFile, kind: NameKind, def: NameDef): string {
  const where = `${fileStem(file.path)}.fw`;
  const config = file.load.config;
  if (kind === 'ipset') {
    const count = config.ipsets.get(def.key)?.entries.length ?? 0;
    return `ipset of ${where} · ${count} ${count === 1 ? 'entry' : 'entries'}`;
  }
  const alias = config.aliases.get(def.key);
  return `${alias?.cidr ?? 'alias'} · alias of ${where}`;
}

function sources(
  ws: WorkspaceModel,
  file: IdeFile,
  lineNumber: number,
  inGroup: boolean,
): Source[] {
  const cluster = clusterOf(ws, file);
  if (file.kind === 'cluster') return [{ file, scopes: [''], before: lineNumber }];
  const found: Source[] = [];
  if (file.kind === 'guest' && !inGroup)
    found.push({ file, scopes: ['', 'guest/'], before: lineNumber });
  if (cluster) found.push({ file: cluster, scopes: file.kind === 'guest' ? ['', 'dc/'] : [''] });
  return found;
}

export function nameItems(
  ws: WorkspaceModel,
  file: IdeFile,
  lineNumber: number,
  kinds: readonly NameKind[],
  inGroup: boolean,
): CompletionEntry[] {
  const items: CompletionEntry[] = [];
  const found = sources(ws, file, lineNumber, inGroup);
  // A guest's own name shadows the cluster's unscoped one, wherever in the guest it is defined.
  const shadowed = new Set(
    found.length > 1 ? file.parsed.names.defs.map((d) => `${d.kind}:${d.key}`) : [],
  );
  for (const [rank, source] of found.entries()) {
    for (const kind of kinds) {
      for (const def of visibleDefs(source, kind).values()) {
        const written =
          kind === 'alias' && def.line.kind === 'alias' ? def.line.nameToken!.text : def.key;
        if (!NAME_PATTERN.test(written)) continue;
        for (const scope of source.scopes) {
          if (rank > 0 && scope === '' && shadowed.has(`${kind}:${def.key}`)) continue;
          const label = `${kind === 'ipset' ? '+' : ''}${scope}${written}`;
          items.push({
            label,
            kind,
            detail: describe(source.file, kind, def),
            sortText: `${kind === 'ipset' ? 0 : 1}${scope === '' ? 0 : 1}${label}`,
          });
        }
      }
    }
  }
  return items;
}

export function groupItems(ws: WorkspaceModel, file: IdeFile): CompletionEntry[] {
  const cluster = file.kind === 'cluster' ? file : clusterOf(ws, file);
  if (!cluster) return [];
  return [...cluster.load.config.groups.values()].map((group) => {
    const count = group.rules.length;
    const comment = group.header.comment;
    return {
      label: group.name,
      kind: 'group',
      detail: `security group · ${count} ${count === 1 ? 'rule' : 'rules'}${comment ? ` · ${comment}` : ''}`,
    };
  });
}
