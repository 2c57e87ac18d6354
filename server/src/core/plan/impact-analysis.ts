// The semantic impact of a push: which flows get another verdict. Both states are compiled as
// pve-firewall would, per node, and every entry chain (host in/out, each guest NIC in/out) is
// followed symbolically over the whole packet space; a chain one side lacks (the firewall or a
// guest's firewall off) accepts everything. Where the before and after decisions disagree, the
// packets are told as classes a person reads, each with one concrete packet (flow-classes.ts).
// A node on proxmox-firewall is compared in its own nftables tables (nft-impact.ts).
import { buildFamily, type FamilyModel } from '../analysis/analyse';
import { walkChain, type Decision } from '../analysis/chain-walk';
import { addInterfaceNames, InterfaceNames } from '../analysis/ipt-to-box';
import { setMembership } from '../analysis/ipset-membership';
import { fullBox, type Box, type Family } from '../analysis/packet-space';
import { compileRuleset } from '../compile/compile-ruleset';
import { compileInputFor, modelNode } from '../compile/node-input';
import type { CompileResult } from '../compile/types';
import type { ClusterModel } from '../model/cluster-model';
import { clusterModelOfTexts } from '../model/cluster-sources';
import type { TopologyGuest } from '../model/topology';
import { formatFirewallState, type FirewallState } from './firewall-state';
import {
  flowClasses,
  type FlowEntry,
  type NamedAddresses,
  type VerdictRegion,
} from './flow-classes';
import { hostAddresses, modelAddresses } from './flow-names';
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

function entryChains(model: FamilyModel): string[] {
  return [...model.chains.rules.keys()].filter((c) =>
    /^PVEFW-HOST-(IN|OUT)$|^(tap|veth)[0-9]+i[0-9]+-(IN|OUT)$/.test(c),
  );
}

function decisionsOf(model: FamilyModel, chain: string): Decision[] {
  if (!model.chains.rules.has(chain)) return [];
  const start: Box = { ...fullBox(model.family, model.names.count), mark: [[0n, 0n]] };
  return walkChain(model.chains, chain, [start]).decided;
}

/** The entry a chain stands for, with its names and addresses from the model's world. */
function entryOf(chain: string, node: string, model: ClusterModel, family: Family): FlowEntry {
  const direction = chain.endsWith('-IN') ? 'inbound' : 'outbound';
  const guest = /^(?:tap|veth)([0-9]+)i([0-9]+)-(?:IN|OUT)$/.exec(chain);
  if (guest) {
    const vmid = Number(guest[1]);
    const found = model.topology.guests.find((g) => g.vmid === vmid) as
      (TopologyGuest & { readonly name?: string }) | undefined;
    const nic = found?.nics.find((n) => n.name === `net${guest[2]}`);
    const label = `guest ${vmid}${found?.name ? ` (${found.name})` : ''}`;
    return {
      where: `${label} net${guest[2]}`,
      direction,
      self: `guest ${vmid}`,
      selfAddresses: nic ? hostAddresses([nic.ip, nic.ip6], family) : [],
    };
  }
  const known = model.topology.nodes.find((n) => n.name === node);
  return {
    where: `host ${node}`,
    direction,
    self: node,
    selfAddresses: known ? hostAddresses([known.address, ...(known.addresses ?? [])], family) : [],
  };
}

/**
 * Names for address sets a person knows, most specific vocabulary first: the cluster's ipsets
 * and aliases, then nodes and guests by their addresses.
 */
function knownAddresses(
  model: ClusterModel,
  result: CompileResult,
  family: Family,
): NamedAddresses[] {
  const out: NamedAddresses[] = [];
  const ruleset = family === 4 ? result.v4 : result.v6;
  for (const def of ruleset.ipsets.values()) {
    if (def.vmid !== 0 || def.members.length === 0) continue;
    out.push({ name: `+${def.setName}`, set: setMembership(def.members) });
  }
  return [...out, ...modelAddresses(model, family)];
}

/** What an entry chain decides; a chain that does not exist filters nothing: all is accepted. */
function decisionsOrAccept(model: FamilyModel, chain: string): VerdictRegion[] {
  if (!model.chains.rules.has(chain))
    return [{ verdict: 'ACCEPT', region: [fullBox(model.family, model.names.count)] }];
  return decisionsOf(model, chain);
}

function models(result: CompileResult, family: Family, names: InterfaceNames): FamilyModel {
  return buildFamily(family === 4 ? result.v4 : result.v6, family, new Set(), names);
}

/**
 * The flows whose verdict a push changes, on every node of the cluster model (with the pulled
 * topology, guests compiled on their own node with their real NICs).
 */
export function analyseImpact(
  before: FirewallState,
  after: FirewallState,
  pulled?: PulledTopology,
): ImpactSummary {
  const was = modelOf(formatFirewallState(before), pulled);
  const now = modelOf(formatFirewallState(after), pulled);
  const nodes = [...new Set([...was.nodes, ...now.nodes].map((n) => n.name))];
  const changes: FlowChange[] = [];
  const unlisted = new Map<string, number>();
  const nftNotes: string[] = [];
  for (const node of nodes) {
    const backends = [was, now].map((m) => modelNode(m, node)?.backend ?? 'pve-firewall');
    if (backends.includes('proxmox-firewall')) {
      // The node runs proxmox-firewall: its own nftables tables decide (nft-impact.ts).
      const nft = nftNodeImpact(was, now, node, backends);
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
      const mb = models(b, family, names);
      const ma = models(a, family, names);
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
          ...found.classes.map((c) => ({
            where: c.where,
            flow: c.text,
            before: c.before,
            after: c.after,
            example: c.example,
          })),
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

/** A class that reads the same in both families (no address in its text) is listed once. */
function mergeFamilies(changes: readonly FlowChange[]): FlowChange[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const key = `${c.where}\n${c.flow}\n${c.before}\n${c.after}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
