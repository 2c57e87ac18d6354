// What a user meant by a name Proxmox cannot resolve, when the files say it plainly: an ipset
// written without its `+` (Proxmox then looks for an alias), an alias written with one, or a
// `dc/` / `guest/` scope that points at the other file. Shared by the hint that says it and the
// quick fix that writes it.
import type { FwConfig } from '../model';
import { asciiLower } from '../syntax';

export interface ReferenceRemedy {
  /** What to tell the user. */
  readonly hint: string;
  /** The reference as it should be written (with `+` and scope for an ipset). */
  readonly write: string;
}

export interface NameScopes {
  /** The file's own [IPSET]/[ALIASES] (cluster.fw, a guest file); undefined for host and vnet. */
  readonly own: FwConfig | undefined;
  readonly cluster: FwConfig | undefined;
}

function where(config: FwConfig, scopes: NameScopes): string {
  return config === scopes.cluster ? 'cluster.fw' : 'this file';
}

/**
 * The remedy for `reference` (as written: `+dc/name`, `name`, `guest/name`…) of `kind` that
 * Proxmox could not find, or undefined when nothing of another kind or scope would resolve.
 */
export function referenceRemedy(
  kind: 'ipset' | 'alias',
  reference: string,
  scopes: NameScopes,
): ReferenceRemedy | undefined {
  const match = /^\+?(dc\/|guest\/|sdn\/)?(.+)$/.exec(reference);
  if (!match) return undefined;
  const scope = match[1] ?? '';
  const name = match[2]!;
  const lower = asciiLower(name);
  const configs = [scopes.own, scopes.cluster].filter((c): c is FwConfig => c !== undefined);
  if (kind === 'alias') {
    const set = configs.find((c) => c.ipsets.has(lower));
    if (set && !configs.some((c) => c.aliases.has(lower)))
      return {
        hint: `an ipset of that name exists in ${where(set, scopes)}: write '+${scope}${lower}' (an address without '+' names an alias)`,
        write: `+${scope}${lower}`,
      };
  } else {
    const alias = configs.find((c) => c.aliases.has(lower));
    if (alias && !configs.some((c) => c.ipsets.has(name)))
      return {
        hint: `an alias of that name exists in ${where(alias, scopes)}: write '${scope}${name}' without '+' ('+' names an ipset)`,
        write: `${scope}${name}`,
      };
  }
  // A scope that points at the wrong file: dc/ looks in cluster.fw only, guest/ in the guest.
  const has = (config: FwConfig | undefined): boolean =>
    config !== undefined &&
    (kind === 'ipset' ? config.ipsets.has(name) : config.aliases.has(lower));
  const plus = kind === 'ipset' ? '+' : '';
  if (scope === 'dc/' && !has(scopes.cluster) && scopes.own !== scopes.cluster && has(scopes.own))
    return {
      hint: `'dc/' looks in cluster.fw only, and '${name}' is defined in this file: write '${plus}guest/${name}'`,
      write: `${plus}guest/${name}`,
    };
  if (scope === 'guest/' && !has(scopes.own) && has(scopes.cluster))
    return {
      hint: `'guest/' looks in the guest's own file only, and '${name}' is defined in cluster.fw: write '${plus}dc/${name}'`,
      write: `${plus}dc/${name}`,
    };
  return undefined;
}
