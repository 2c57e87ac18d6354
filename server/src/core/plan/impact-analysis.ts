// The semantic impact of a push: which flows get another verdict. Both states are compiled as
// pve-firewall would, per node, and every entry chain (host in/out, each guest NIC in/out) is
// followed symbolically over the whole packet space; a chain one side lacks (the firewall or a
// guest's firewall off) accepts everything. Where the before and after decisions disagree, the
// packets are told as classes a person reads, each with one concrete packet (flow-classes.ts).
// A node on proxmox-firewall is compared in its own nftables tables (nft-impact.ts).
import type { FamilyModel } from '../analysis';
import { addInterfaceNames, InterfaceNames } from '../analysis';
import { compileRuleset } from '../compile';
import { compileInputFor, modelNode } from '../compile';
import type { ClusterModel } from '../model';
import { clusterModelOfTexts } from '../model';
import {
  DeciderNames,
  decisionsOrAccept,
  entryChains,
  entryOf,
  familyModel,
  knownAddresses,
} from './entries';
import { formatFirewallState, type FirewallState } from './firewall-state';
import { classChanges, flowClasses } from './flow-classes';
import type { FlowChange, ImpactSummary } from './impact';
import { nftNodeImpact } from './nft-impact';
import type { PulledTopology } from './topology';

/** A state as the cluster model every door asks: the pulled world, or one assumed from the files. */
function modelOf(
  texts: ReadonlyMap<string, string>,
  pulled: PulledTopology | undefined,
): ClusterModel {
  return clusterModelOfTexts(
    texts,
    pulled ? { topology: { path: 'topology.json', topology: pulled } } : { world: 'assumed' },
  );
}

/**
 * The flows whose verdict a push changes, on every node of the cluster model (with the pulled
 * topology, guests compiled on their own node with their real NICs).
 */
export function analyseImpact(
  before: FirewallState,
  after: FirewallState,
  pulled?: PulledTopology,
  /** The topology after the push, when it changes a NIC's firewall flag. */
  pulledAfter: PulledTopology | undefined = pulled,
): ImpactSummary {
  // The states are formatted as Proxmox writes them: their line numbers are not the user's.
  return compareClusterModels(
    modelOf(formatFirewallState(before), pulled),
    modelOf(formatFirewallState(after), pulledAfter),
    { lineNumbers: false },
  );
}

/**
 * The flows whose verdict differs between two models of a cluster (a push's before and after,
 * two folders, two git revisions), node by node, with what decides them on each side.
 */
export function compareClusterModels(
  was: ClusterModel,
  now: ClusterModel,
  options: { readonly lineNumbers: boolean } = { lineNumbers: true },
): ImpactSummary {
  const namesBefore = new DeciderNames(was, options.lineNumbers);
  const namesAfter = new DeciderNames(now, options.lineNumbers);
  const nodes = [...new Set([...was.nodes, ...now.nodes].map((n) => n.name))];
  const changes: FlowChange[] = [];
  const unlisted = new Map<string, number>();
  const nftNotes: string[] = [];
  for (const node of nodes) {
    const backends = [was, now].map((m) => modelNode(m, node)?.backend ?? 'pve-firewall');
    if (backends.includes('proxmox-firewall')) {
      // The node runs proxmox-firewall: its own nftables tables decide (nft-impact.ts).
      const nft = nftNodeImpact(was, now, node, backends, options.lineNumbers);
      changes.push(...nft.changes);
      nftNotes.push(...nft.notes);
      for (const [where, count] of nft.unlisted)
        unlisted.set(where, (unlisted.get(where) ?? 0) + count);
      continue;
    }
    const b = compileRuleset(compileInputFor(was, node));
    const a = compileRuleset(compileInputFor(now, node));
    for (const family of [4, 6] as const) {
      const names = new InterfaceNames();
      for (const result of [b, a]) addInterfaceNames(family === 4 ? result.v4 : result.v6, names);
      const mb = familyModel(b, family, names);
      const ma = familyModel(a, family, names);
      const context = { family, names, known: knownAddresses(now, a, family) };
      for (const chain of new Set([...entryChains(mb), ...entryChains(ma)])) {
        const entry = entryOf(chain, node, now, family);
        const found = flowClasses(
          decisionsOrAccept(mb, chain),
          decisionsOrAccept(ma, chain),
          entry,
          context,
        );
        changes.push(
          ...classChanges(
            found,
            (refs) => named(refs, (r) => namesBefore.name(mb, chain, node, r), mb, chain),
            (refs) => named(refs, (r) => namesAfter.name(ma, chain, node, r), ma, chain),
          ),
        );
        if (found.more > 0)
          unlisted.set(entry.where, (unlisted.get(entry.where) ?? 0) + found.more);
      }
    }
  }
  const notes = [
    ...[...unlisted].map(
      ([where, count]) =>
        `${where}: ${count} more class${count === 1 ? '' : 'es'} of flows change verdict`,
    ),
    ...nftNotes,
  ];
  return { changes: mergeFamilies(changes), ...(notes.length > 0 ? { notes } : {}) };
}

/** The names of the deciding rules; a missing chain has no rule, and is named for that. */
function named(
  refs: readonly string[],
  name: (ref: string | undefined) => string,
  model: FamilyModel,
  chain: string,
): string[] {
  if (!model.chains.rules.has(chain)) return [name(undefined)];
  return [...new Set(refs.map((r) => name(r)))];
}

/** A class that reads the same in both families (no address in its text) is listed once. */
function mergeFamilies(changes: readonly FlowChange[]): FlowChange[] {
  const byKey = new Map<string, FlowChange>();
  for (const c of changes) {
    const key = `${c.where}\n${c.flow}\n${c.before}\n${c.after}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, c);
    else
      byKey.set(key, {
        ...seen,
        beforeBy: [...new Set([...(seen.beforeBy ?? []), ...(c.beforeBy ?? [])])],
        afterBy: [...new Set([...(seen.afterBy ?? []), ...(c.afterBy ?? [])])],
      });
  }
  return [...byKey.values()];
}
