// Which definition a reference means, by Proxmox's rules (parse_address_list, and how
// ruleset_generate_match resolves names, in pve-firewall's src/PVE/Firewall.pm): a guest's own
// ipsets and aliases shadow the cluster's, `dc/` means cluster.fw, `guest/` the guest file,
// [group] rules and host/vnet files see only cluster.fw. Where the compiler would find nothing
// but the parser (which ignores scopes) accepts the name, we still point at that definition,
// marked `compiles: false`, so navigation and rename keep such references in step.
import type { Span } from '../text';
import { nameAt, type NameDef, type NameKind, type NameRef } from '../model';
import { clusterOf, filesSeeing, type IdeFile, type WorkspaceModel } from './workspace-model';

export interface SymbolTarget {
  readonly kind: NameKind;
  readonly file: IdeFile;
  /** The stored (lower-case) name. */
  readonly key: string;
  /** Every definition of that name in the file (a repeated [IPSET x] replaces the earlier). */
  readonly defs: readonly NameDef[];
}

export interface Resolution {
  readonly target: SymbolTarget;
  /** False when only the parser accepts the reference; the compiler skips the rule. */
  readonly compiles: boolean;
}

export function definitionsIn(file: IdeFile, kind: NameKind, key: string): NameDef[] {
  return file.parsed.names.defs.filter((d) => d.kind === kind && d.key === key);
}

/** Finds the definitions of a name in a file; rename swaps this out to try a new name. */
export type DefinitionLookup = (
  file: IdeFile | undefined,
  kind: NameKind,
  key: string,
) => SymbolTarget | undefined;

export const lookupDefinitions: DefinitionLookup = (file, kind, key) => {
  if (!file) return undefined;
  const defs = definitionsIn(file, kind, key);
  return defs.length > 0 ? { kind, file, key, defs } : undefined;
};

export function resolveRef(
  ws: WorkspaceModel,
  file: IdeFile,
  ref: NameRef,
  lookup: DefinitionLookup = lookupDefinitions,
): Resolution | undefined {
  const first = (files: readonly (IdeFile | undefined)[]): SymbolTarget | undefined => {
    for (const candidate of files) {
      const target = lookup(candidate, ref.kind, ref.key);
      if (target) return target;
    }
    return undefined;
  };
  const cluster = file.kind === 'cluster' ? file : clusterOf(ws, file);
  if (ref.kind === 'group') {
    const target = first([cluster]);
    return target && { target, compiles: true };
  }
  if (ref.scope === 'sdn/') return undefined;
  // The parser's notion of "local": cluster.fw is its own local config, guests have one.
  const local = file.kind === 'cluster' || file.kind === 'guest' ? file : undefined;
  if (ref.inIpSetEntry) {
    const target = first(
      ref.scope === 'dc/' ? [cluster] : ref.scope === 'guest/' ? [local] : [local, cluster],
    );
    return target && { target, compiles: true };
  }
  // The compiler's: only guest rules have a guest config (cluster and [group] rules do not).
  const guest = file.kind === 'guest' ? file : undefined;
  const compiled = first(
    ref.scope === 'dc/' ? [cluster] : ref.scope === 'guest/' ? [guest] : [guest, cluster],
  );
  if (compiled) return { target: compiled, compiles: true };
  const parsed = first([local, cluster]);
  return parsed && { target: parsed, compiles: false };
}

export function sameTarget(a: SymbolTarget, b: SymbolTarget): boolean {
  return a.kind === b.kind && a.key === b.key && a.file.id === b.file.id;
}

export interface SymbolAtCursor {
  readonly target: SymbolTarget;
  /** The name under the cursor. */
  readonly span: Span;
  readonly ref?: NameRef;
  readonly resolution?: Resolution;
}

/** The ipset, alias or group under the cursor, resolved; undefined when it resolves to nothing. */
export function symbolAt(
  ws: WorkspaceModel,
  file: IdeFile,
  offset: number,
): SymbolAtCursor | undefined {
  const hit = nameAt(file.parsed.names, offset);
  if (!hit) return undefined;
  if ('def' in hit) {
    const { kind, key, span } = hit.def;
    return { target: { kind, file, key, defs: definitionsIn(file, kind, key) }, span };
  }
  const resolution = resolveRef(ws, file, hit.ref);
  if (!resolution) return undefined;
  return { target: resolution.target, span: hit.ref.span, ref: hit.ref, resolution };
}

export interface ReferenceHit {
  readonly file: IdeFile;
  readonly ref: NameRef;
  readonly compiles: boolean;
}

/** Every reference in `files` (by default all that can see it) that means `target`. */
export function referencesTo(
  ws: WorkspaceModel,
  target: SymbolTarget,
  files: readonly IdeFile[] = filesSeeing(ws, target.file),
): ReferenceHit[] {
  const hits: ReferenceHit[] = [];
  for (const file of files) {
    for (const ref of file.parsed.names.refs) {
      if (ref.kind !== target.kind || ref.key !== target.key) continue;
      const resolution = resolveRef(ws, file, ref);
      if (resolution && sameTarget(resolution.target, target))
        hits.push({ file, ref, compiles: resolution.compiles });
    }
  }
  return hits;
}
