// The semantic impact of a push: which flows get another verdict. Both states are compiled as
// pve-firewall would, per node, and every entry chain (host in/out, each guest NIC in/out) is
// followed symbolically over the whole packet space; where the before and after decisions
// disagree, one concrete packet of the difference is reported.
import { buildFamily, type FamilyModel } from '../analysis/analyse';
import { walkChain, type Decision } from '../analysis/chain-walk';
import { addInterfaceNames, InterfaceNames } from '../analysis/ipt-to-box';
import { boxIntersect, DIMENSIONS, fullBox, type Box, type Family } from '../analysis/packet-space';
import { describePacket, pickPacket } from '../analysis/witness';
import { compileRuleset } from '../compile/compile-ruleset';
import { compileInputFor, modelNode } from '../compile/node-input';
import type { CompileResult } from '../compile/types';
import type { NodeTables } from '../nftables/nft-model';
import {
  addNftInterfaceNames,
  entryDecisions,
  nftEntries,
  type NftEntry,
} from '../nftables/nft-space';
import { buildNodeRuleset } from '../nftables/ruleset';
import type { ClusterModel } from '../model/cluster-model';
import { clusterModelOfTexts } from '../model/cluster-sources';
import { formatFirewallState, type FirewallState } from './firewall-state';
import type { FlowChange, ImpactSummary } from './impact';
import type { PulledTopology } from './topology';

const MAX_CHANGES_PER_CHAIN = 5;
const MAX_PAIRS_PER_CHAIN = 200_000;

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

function where(chain: string, node: string): string {
  const guest = /^(?:tap|veth)([0-9]+)i([0-9]+)-(IN|OUT)$/.exec(chain);
  if (guest) return `guest ${guest[1]} net${guest[2]}`;
  return `host ${node}`;
}

/** A verdict and the packets that get it, from either backend's walk. */
interface VerdictRegion {
  readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT';
  readonly region: readonly Box[];
}

/**
 * The boxes of a region by the destination ports they hold (in buckets of 1,024 ports): the
 * boxes that may meet a box are those of its buckets, which spares most pairs of a long rule list.
 */
class PortIndex {
  private readonly buckets: number[][] = Array.from({ length: 64 }, () => []);
  constructor(readonly boxes: readonly Box[]) {
    boxes.forEach((box, i) => {
      for (const bucket of PortIndex.bucketsOf(box)) this.buckets[bucket]!.push(i);
    });
  }
  private static bucketsOf(box: Box): Set<number> {
    const out = new Set<number>();
    for (const [lo, hi] of box.dport)
      for (let b = Number(lo >> 10n); b <= Number(hi >> 10n); b++) out.add(b);
    return out;
  }
  /** The boxes that may meet `box`, in the region's order. */
  candidates(box: Box): Box[] {
    const found = new Set<number>();
    for (const bucket of PortIndex.bucketsOf(box))
      for (const i of this.buckets[bucket]!) found.add(i);
    return [...found].sort((a, b) => a - b).map((i) => this.boxes[i]!);
  }
}

function boxKey(box: Box): string {
  return DIMENSIONS.map((d) => box[d].map(([lo, hi]) => `${lo}-${hi}`).join(',')).join('|');
}

/**
 * The flows of one entry whose verdict differs between two walks: one concrete packet per pair
 * of disagreeing decisions (a unicast one when there is one), at most MAX_CHANGES_PER_CHAIN.
 * `truncated` is set when the search stopped at MAX_PAIRS_PER_CHAIN pairs of boxes.
 */
function compareDecisions(
  was: readonly VerdictRegion[],
  now: readonly VerdictRegion[],
  label: { where: string; direction: string },
  family: Family,
  names: InterfaceNames,
  truncated: { value: boolean } = { value: false },
): FlowChange[] {
  const out: FlowChange[] = [];
  let pairs = 0;
  // A box both walks give the same verdict cannot meet another verdict's box of the other walk
  // (each walk's decisions are disjoint): such boxes, most of them after a small edit, are left out.
  const keyed = (list: readonly VerdictRegion[]): Set<string> =>
    new Set(list.flatMap((d) => d.region.map((b) => `${d.verdict} ${boxKey(b)}`)));
  const wasKeys = keyed(was);
  const nowKeys = keyed(now);
  const unshared = (list: readonly VerdictRegion[], other: Set<string>): VerdictRegion[] =>
    list.map((d) => ({
      verdict: d.verdict,
      region: d.region.filter((b) => !other.has(`${d.verdict} ${boxKey(b)}`)),
    }));
  was = unshared(was, nowKeys);
  now = unshared(now, wasKeys);
  const indexes = now.map((d) => new PortIndex(d.region));
  for (const d1 of was) {
    for (const [j, d2] of now.entries()) {
      if (d1.verdict === d2.verdict) continue;
      let found: Box | undefined;
      for (const b1 of d1.region) {
        for (const b2 of indexes[j]!.candidates(b1)) {
          if (++pairs > MAX_PAIRS_PER_CHAIN) {
            truncated.value = true;
            return out;
          }
          const both = boxIntersect(b1, b2);
          if (both && (!found || (found.dsttype[0]![0] !== 0n && both.dsttype[0]![0] === 0n)))
            found = both;
        }
      }
      if (!found) continue;
      const packet = describePacket(pickPacket(found, family, names));
      const change = {
        where: label.where,
        flow: `${label.direction} ${packet}`,
        before: d1.verdict,
        after: d2.verdict,
      };
      // The same flow split by address type (Proxmox drops broadcasts apart): keep one, unicast first.
      const key = (c: FlowChange): string =>
        `${c.flow.replace(/ \((broadcast|multicast|anycast|local)\)$/, '')} ${c.before} ${c.after}`;
      const twin = out.findIndex((c) => key(c) === key(change));
      if (twin >= 0) {
        if (/\((broadcast|multicast|anycast|local)\)$/.test(out[twin]!.flow)) out[twin] = change;
        continue;
      }
      out.push(change);
      if (out.length >= MAX_CHANGES_PER_CHAIN) return out;
    }
  }
  return out;
}

function compareChain(
  before: FamilyModel,
  after: FamilyModel,
  chain: string,
  node: string,
): FlowChange[] {
  return compareDecisions(
    decisionsOf(before, chain),
    decisionsOf(after, chain),
    { where: where(chain, node), direction: chain.endsWith('-IN') ? 'IN' : 'OUT' },
    after.family,
    after.names,
  );
}

function models(result: CompileResult, family: Family, names: InterfaceNames): FamilyModel {
  return buildFamily(family === 4 ? result.v4 : result.v6, family, new Set(), names);
}

/**
 * The flows whose verdict a push changes, on every node of the cluster model (with the pulled
 * topology, guests compiled on their own node with their real NICs). A node on proxmox-firewall
 * is compared in its own tables (nftImpact).
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
  const notes: string[] = [];
  for (const node of nodes) {
    const backends = [was, now].map((m) => modelNode(m, node)?.backend ?? 'pve-firewall');
    if (backends.includes('proxmox-firewall')) {
      const nft = nftImpact(was, now, node, backends);
      changes.push(...nft.changes);
      notes.push(...nft.notes);
      continue;
    }
    const b = compileRuleset(compileInputFor(was, node));
    const a = compileRuleset(compileInputFor(now, node));
    for (const family of [4, 6] as const) {
      const names = new InterfaceNames();
      for (const result of [b, a]) addInterfaceNames(family === 4 ? result.v4 : result.v6, names);
      const mb = models(b, family, names);
      const ma = models(a, family, names);
      for (const chain of new Set([...entryChains(mb), ...entryChains(ma)])) {
        if (!mb.chains.rules.has(chain) || !ma.chains.rules.has(chain)) continue;
        changes.push(...compareChain(mb, ma, chain, node));
      }
    }
  }
  return { changes, ...(notes.length > 0 ? { notes } : {}) };
}

/** What a node's tables decide, or why they are not compared. */
function nftTables(
  model: ClusterModel,
  node: string,
): { tables: NodeTables } | { stale: string } | undefined {
  const found = modelNode(model, node);
  if (!found) return undefined;
  const built = buildNodeRuleset(model, found).ruleset;
  if (built.state === 'stale') return { stale: built.why };
  return { tables: built.state === 'active' ? built.tables : {} };
}

/**
 * A node on proxmox-firewall: both states' tables walked symbolically, entry by entry (the host's
 * input, output and forward hooks, each firewalled guest NIC in and out, each VNet), for every
 * packet that opens a connection. An update that fails keeps the node's rules: nothing changes
 * there, and the note says so.
 */
function nftImpact(
  was: ClusterModel,
  now: ClusterModel,
  node: string,
  backends: readonly string[],
): { changes: FlowChange[]; notes: string[] } {
  const notes: string[] = [];
  if (backends[0] !== backends[1]) {
    notes.push(
      `node ${node} switches from ${backends[0]} to ${backends[1]}: its flows are not compared (the two backends build different rulesets from the same files)`,
    );
    return { changes: [], notes };
  }
  const before = nftTables(was, node);
  const after = nftTables(now, node);
  if (after && 'stale' in after) {
    notes.push(`node ${node} (proxmox-firewall), after this push: ${after.stale}`);
    return { changes: [], notes };
  }
  if (before && 'stale' in before)
    notes.push(
      `node ${node} (proxmox-firewall) fails to update now (${before.stale}); compared with the rules the files give, not with what it runs`,
    );
  const tablesBefore = before && 'tables' in before ? before.tables : {};
  const tablesAfter = after && 'tables' in after ? after.tables : {};
  const changes: FlowChange[] = [];
  const truncated = { value: false };
  const entries = new Map<string, NftEntry>();
  for (const tables of [tablesBefore, tablesAfter])
    for (const e of nftEntries(tables)) entries.set(`${e.table} ${e.hook} ${e.label}`, e);
  for (const family of [4, 6] as const) {
    const names = new InterfaceNames();
    addNftInterfaceNames(tablesBefore, names);
    addNftInterfaceNames(tablesAfter, names);
    for (const entry of entries.values()) {
      const label = nftLabel(entry, node);
      changes.push(
        ...compareDecisions(
          entryDecisions(tablesBefore, entry, family, names),
          entryDecisions(tablesAfter, entry, family, names),
          label,
          family,
          names,
          truncated,
        ),
      );
    }
  }
  if (truncated.value)
    notes.push(
      `node ${node}: the comparison stopped after ${MAX_PAIRS_PER_CHAIN} pairs of packet regions in some hook; more flows may change than listed`,
    );
  if (changes.length > 0 || notes.length > 0)
    notes.push(
      `node ${node} runs proxmox-firewall: its flows are compared in its nftables rules (every packet that opens a connection)`,
    );
  return { changes, notes };
}

function nftLabel(entry: NftEntry, node: string): { where: string; direction: string } {
  const guest = /^(?:tap|veth)([0-9]+)i([0-9]+)$/.exec(
    entry.fixed.oifname ?? entry.fixed.iifname ?? '',
  );
  if (guest)
    return {
      where: `guest ${guest[1]} net${guest[2]}`,
      direction: entry.hook === 'postrouting' ? 'IN' : 'OUT',
    };
  if (entry.table === 'bridge' && entry.hook === 'forward')
    return { where: `vnet ${entry.fixed.ibrname ?? ''} (${node})`, direction: 'FORWARD' };
  return {
    where: `host ${node}`,
    direction: entry.hook === 'input' ? 'IN' : entry.hook === 'output' ? 'OUT' : 'FORWARD',
  };
}
