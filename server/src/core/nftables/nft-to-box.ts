// proxmox-firewall's tables as the abstract chains the reachability walks read (chain-walk.ts):
// for one entry (a hook with the interfaces it fixes, nft-space.ts) and one family, every rule of
// the entry's table becomes the box of packets it matches (nft-space.ts reads the matches), its
// statement a target, and its verdict maps a rule per key. The packets are those that open a
// connection, as in nft-space.ts: for them the conntrack verdict map, the ARP rules and the MAC
// filter match nothing, and logging, connection marks and helpers let the packet go on.
import { HOOK_CHAINS } from './fixed-tables';
import type { NftRule, NftTable, NodeTables, TableId } from './nft-model';
import { ruleRegion, type NftEntry, type NftSpace } from './nft-space';
import { ChainIndex } from '../analysis';
import type { AbstractChains, AbstractRule, AbstractTarget } from '../analysis';
import type { InterfaceNames } from '../analysis';
import { boxWith, sharedRange, fullBox, type Box, type Family } from '../analysis';
import type { Steps } from '../steps';

/** The nft rule an abstract rule stands for (a verdict map gives one abstract rule per key). */
export interface NftProvenance {
  readonly table: TableId;
  readonly chain: string;
  /** Position of the rule in its nft chain (0-based). */
  readonly index: number;
  readonly rule: NftRule;
}

export interface NftBoxModel {
  readonly entry: NftEntry;
  readonly family: Family;
  readonly names: InterfaceNames;
  readonly chains: AbstractChains;
  /** Per chain, what each abstract rule stands for. */
  readonly provenance: ReadonlyMap<string, readonly NftProvenance[]>;
  /** Every packet of the family at this entry. */
  readonly universe: Box;
  /** The hook's base chains, in the order of their priorities. */
  readonly bases: readonly string[];
}

/**
 * Chains of proxmox-firewall's plumbing whose decisions belong to the rule that jumped in: a
 * user's REJECT is `jump do-reject` (which drops broadcasts and answers the rest), the smurf
 * and TCP-flag drops go through a logging chain.
 */
const OPAQUE = new Set(['do-reject', 'log-drop-smurfs', 'log-drop-invalid-tcp']);

/** An interface match the entry can say nothing about (an output interface before routing). */
function unknownInterface(rule: NftRule, entry: NftEntry): boolean {
  return rule.matches.some(
    (m) =>
      (m.kind === 'iifname' || m.kind === 'oifname') &&
      entry.open !== m.kind &&
      entry.fixed[m.kind] === undefined,
  );
}

function targetOf(rule: NftRule): AbstractTarget | undefined {
  const s = rule.statement;
  switch (s.kind) {
    case 'accept':
      return { kind: 'verdict', verdict: 'ACCEPT' };
    case 'drop':
      return { kind: 'verdict', verdict: 'DROP' };
    case 'reject':
      return { kind: 'verdict', verdict: 'REJECT' };
    case 'return':
      return { kind: 'return' };
    case 'jump':
    case 'goto':
      return { kind: s.kind, chain: s.target };
    default:
      return undefined;
  }
}

/** The rules one nft rule is for the walks, in order; none for a rule no new packet meets. */
function convert(
  rule: NftRule,
  space: NftSpace,
  table: NftTable,
): { match?: Box; maybe?: Box; target: AbstractTarget }[] {
  const entry = space.entry;
  if (rule.statement.kind === 'vmap') {
    const s = rule.statement;
    const map = table.maps.get(s.map);
    if (!map) return [];
    const region = ruleRegion(rule, space);
    const out: { match?: Box; maybe?: Box; target: AbstractTarget }[] = [];
    if (s.key === 'ibrname.obrname' || entry.fixed[s.key] !== undefined) {
      const key =
        s.key === 'ibrname.obrname'
          ? `${entry.fixed.ibrname ?? ''}.${entry.fixed.obrname ?? ''}`
          : entry.fixed[s.key];
      const to = key !== undefined ? map.get(key) : undefined;
      if (to)
        for (const box of region)
          out.push({ match: box, target: { kind: to.kind, chain: to.target } });
      return out;
    }
    for (const [name, to] of map) {
      const n = space.names.numberOf(name);
      if (n === undefined) continue;
      for (const box of region) {
        const keyed = boxWith(box, { iface: sharedRange(BigInt(n), BigInt(n)) });
        const target: AbstractTarget = { kind: to.kind, chain: to.target };
        // Neither fixed nor open here: the key is not known, the rule only might send packets.
        out.push(entry.open === s.key ? { match: keyed, target } : { maybe: box, target });
      }
    }
    return out;
  }
  const target = targetOf(rule);
  if (!target) return [];
  if (unknownInterface(rule, entry)) {
    const known = {
      ...rule,
      matches: rule.matches.filter(
        (m) =>
          !(
            (m.kind === 'iifname' || m.kind === 'oifname') &&
            entry.fixed[m.kind] === undefined &&
            entry.open !== m.kind
          ),
      ),
    };
    return ruleRegion(known, space).map((maybe) => ({ maybe, target }));
  }
  return ruleRegion(rule, space).map((match) => ({ match, target }));
}

/**
 * The chains an entry's packets can meet: from the hook's base chains through jumps, gotos and
 * the verdict maps' keys the entry allows. A guest NIC's entry reads its guest's chains, not
 * every guest's.
 */
function reachedChains(table: NftTable, entry: NftEntry, bases: readonly string[]): string[] {
  const seen = new Set<string>();
  const todo = [...bases];
  while (todo.length > 0) {
    const chain = todo.pop()!;
    if (seen.has(chain) || !table.chains.has(chain)) continue;
    seen.add(chain);
    for (const rule of table.chains.get(chain)!) {
      const s = rule.statement;
      if (s.kind === 'jump' || s.kind === 'goto') todo.push(s.target);
      if (s.kind !== 'vmap') continue;
      const map = table.maps.get(s.map);
      if (!map) continue;
      const key =
        s.key === 'ibrname.obrname'
          ? `${entry.fixed.ibrname ?? ''}.${entry.fixed.obrname ?? ''}`
          : entry.fixed[s.key];
      if (key !== undefined) {
        const to = map.get(key);
        if (to) todo.push(to.target);
      } else for (const to of map.values()) todo.push(to.target);
    }
  }
  return [...seen];
}

/** Rules read between two pauses. */
const RULES_PER_STEP = 500;

/**
 * The abstract chains of one entry's table for one family, indexed for the walks. `names` must
 * hold every interface name of the tables (addNftInterfaceNames).
 */
export function* nftBoxModelSteps(
  tables: NodeTables,
  entry: NftEntry,
  family: Family,
  names: InterfaceNames,
): Steps<NftBoxModel | undefined> {
  const table = tables[entry.table];
  if (!table) return undefined;
  const universe = fullBox(family, names.count);
  const space: NftSpace = { family, names, entry, table, full: universe };
  const bases = HOOK_CHAINS[entry.table][entry.hook] ?? [];
  const rules = new Map<string, AbstractRule[]>();
  const provenance = new Map<string, NftProvenance[]>();
  let read = 0;
  for (const chain of reachedChains(table, entry, bases)) {
    const list = table.chains.get(chain) ?? [];
    const abstract: AbstractRule[] = [];
    const from: NftProvenance[] = [];
    for (const [index, rule] of list.entries()) {
      if (++read % RULES_PER_STEP === 0) yield;
      for (const r of convert(rule, space, table)) {
        abstract.push({
          ref: { chain, index: abstract.length },
          match: r.match,
          ...(r.maybe ? { maybe: r.maybe } : {}),
          target: r.target,
        });
        from.push({ table: entry.table, chain, index, rule });
      }
    }
    rules.set(chain, abstract);
    provenance.set(chain, from);
  }
  const opaque = new Set([...OPAQUE].filter((c) => rules.has(c)));
  const plain: AbstractChains = { rules, opaque };
  const index = new ChainIndex(plain);
  yield* index.prepare();
  return {
    entry,
    family,
    names,
    chains: { ...plain, index },
    provenance,
    universe,
    bases,
  };
}
