// What is exposed: per node and guest NIC, which sources reach which services (connections
// opened towards it), from the cluster model every command reads. Each node is compiled as
// pve-firewall would and its entry chains walked over the whole packet space, as the plan's
// impact does; the packets accepted become rows a person reads, with the rules that accept them.
import { equals, normalise, type IntervalSet } from '../analysis';
import { addInterfaceNames, InterfaceNames } from '../analysis';
import { ANY_MARK, boxesOverlap, boxWith, fullBox, type Box, type Family } from '../analysis';
import { compileRuleset } from '../compile';
import { compileInputFor, modelNode } from '../compile';
import type { ClusterModel } from '../model';
import {
  DeciderNames,
  decisionsOrAccept,
  entryOf,
  familyModel,
  knownAddresses,
  modelAddresses,
  whyUnfiltered,
} from '../plan';
import { addNftInterfaceNames, entryDecisions, nftEntries, type NftDecider } from '../nftables';
import { deciderName, flowEntry, setNames, tablesOf } from '../plan';
import {
  addressesText,
  coalesce,
  serviceText,
  UNREAL_SOURCES,
  unrealOnly,
  type NamedAddresses,
} from '../plan';

export interface ExposureRow {
  /** `tcp port 22`, `all traffic`, `udp ports 5404–5405 to 10.0.0.11`. */
  readonly service: string;
  /** `+office`, `anywhere`, `anywhere except 203.0.113.0/24`. */
  readonly sources: string;
  /** Reachable from every address: the rows a reviewer looks at first. */
  readonly fromAnywhere: boolean;
  /** The rules that accept it: `firewall/cluster.fw line 9: IN ACCEPT …`, a built-in rule. */
  readonly acceptedBy: readonly string[];
}

export interface ExposureEntry {
  /** `host pve1`, `guest 101 (web) net0`. */
  readonly where: string;
  readonly node: string;
  /** `IPv4`, `IPv6`, or `IPv4 and IPv6` when both read alike. */
  readonly families: string;
  readonly rows: readonly ExposureRow[];
  /** Rows not listed. */
  readonly more: number;
}

export interface ExposureReport {
  readonly entries: readonly ExposureEntry[];
  readonly notes: readonly string[];
}

const MAX_ROWS = 60;
const MAX_RULES = 3;

interface Piece<Ref> {
  readonly box: Box;
  readonly by: Ref | undefined;
}

/** The accepted packets of one entry as rows, grouped by service, their sources merged. */
function rowsOf<Ref>(
  pieces: readonly Piece<Ref>[],
  family: Family,
  names: InterfaceNames,
  known: readonly NamedAddresses[],
  deciderName: (ref: Ref | undefined) => string,
): ExposureRow[] {
  const boxes = coalesce(pieces.map((p) => p.box)).filter((b) => !unrealOnly(b, family, names));
  const groups = new Map<string, { sources: IntervalSet[]; boxes: Box[] }>();
  for (const box of boxes) {
    const dest = addressesText(box.dest, family, known, 'anywhere');
    const key = `${serviceText(box, family)}${dest === 'anywhere' ? '' : ` to ${dest}`}`;
    const group = groups.get(key) ?? { sources: [], boxes: [] };
    group.sources.push(box.source);
    group.boxes.push(box);
    groups.set(key, group);
  }
  const full = fullBox(family, 0).source;
  const rows: (ExposureRow & { order: bigint })[] = [];
  for (const [service, group] of groups) {
    const sources = normalise(group.sources.flat());
    const reach = normalise([...sources, ...UNREAL_SOURCES[family]]);
    const counts = new Map<Ref | undefined, number>();
    for (const piece of pieces)
      if (group.boxes.some((b) => boxesOverlap(b, piece.box)))
        counts.set(piece.by, (counts.get(piece.by) ?? 0) + 1);
    const first = group.boxes[0]!;
    rows.push({
      service,
      sources: addressesText(sources, family, known, 'anywhere', UNREAL_SOURCES[family]),
      fromAnywhere: equals(reach, full),
      acceptedBy: [
        ...new Set(
          [...counts].sort((a, b) => b[1] - a[1]).map(([ref]) => acceptedByName(deciderName(ref))),
        ),
      ].slice(0, MAX_RULES),
      // Protocol, then port: the order of a services list.
      order: first.proto[0]![0] * 65536n + first.dport[0]![0],
    });
  }
  return rows
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .map(({ order: _order, ...row }) => row);
}

/**
 * What accepted packets in the name of a DROP or REJECT policy: the policy's built-in
 * exceptions (critical ICMP), which Proxmox lets through before it drops the rest.
 */
function acceptedByName(name: string): string {
  return /^policy_(?:in|out): (?:DROP|REJECT)\b/.test(name)
    ? `Proxmox's built-in exceptions to ${name}`
    : name;
}

/** The entry chains of a node that take connections in: the host's, each guest NIC's. */
function inboundChains(model: ClusterModel, node: string): string[] {
  const chains = ['PVEFW-HOST-IN'];
  for (const guest of model.guests) {
    if (guest.node !== node) continue;
    for (const nic of guest.nics) {
      const index = /^net([0-9]+)$/.exec(nic.name)?.[1];
      if (index !== undefined)
        chains.push(`${guest.kind === 'vm' ? 'tap' : 'veth'}${guest.vmid}i${index}-IN`);
    }
  }
  return chains;
}

function sameRows(a: readonly ExposureRow[], b: readonly ExposureRow[]): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => r.service === b[i]?.service && r.sources === b[i]?.sources)
  );
}

/** Two families' entries of one place: one entry when they read alike. */
function mergedFamilies(perFamily: Map<string, ExposureEntry[]>): ExposureEntry[] {
  const out: ExposureEntry[] = [];
  for (const list of perFamily.values()) {
    const [v4, v6] = list;
    if (v4 && v6 && sameRows(v4.rows, v6.rows)) out.push({ ...v4, families: 'IPv4 and IPv6' });
    else out.push(...list);
  }
  return out;
}

function entryOfRows(
  where: string,
  node: string,
  family: Family,
  rows: ExposureRow[],
): ExposureEntry {
  return {
    where,
    node,
    families: `IPv${family}`,
    rows: rows.slice(0, MAX_ROWS),
    more: Math.max(0, rows.length - MAX_ROWS),
  };
}

function add(perFamily: Map<string, ExposureEntry[]>, entry: ExposureEntry): void {
  const list = perFamily.get(entry.where) ?? [];
  list.push(entry);
  perFamily.set(entry.where, list);
}

/** A node on pve-firewall: its compiled iptables chains, host and guest NIC inputs. */
function iptablesNode(model: ClusterModel, node: string): ExposureEntry[] {
  const namer = new DeciderNames(model, true);
  const result = compileRuleset(compileInputFor(model, node));
  const perFamily = new Map<string, ExposureEntry[]>();
  for (const family of [4, 6] as const) {
    const names = new InterfaceNames();
    addInterfaceNames(family === 4 ? result.v4 : result.v6, names);
    const fm = familyModel(result, family, names);
    const known = knownAddresses(model, result, family);
    for (const chain of inboundChains(model, node)) {
      const entry = entryOf(chain, node, model, family);
      const pieces: Piece<string>[] = [];
      for (const d of decisionsOrAccept(fm, chain)) {
        if (d.verdict !== 'ACCEPT') continue;
        for (const box of d.region)
          pieces.push({ box: boxWith(box, { mark: ANY_MARK }), by: d.by });
      }
      // A chain that does not exist accepts all, by no rule: the name says which firewall is off.
      const rows = rowsOf(pieces, family, names, known, (ref) => namer.name(fm, chain, node, ref));
      add(perFamily, entryOfRows(entry.where, node, family, rows));
    }
  }
  return mergedFamilies(perFamily);
}

/**
 * A node on proxmox-firewall: its own nftables tables, entry by entry (the host's input, each
 * firewalled guest NIC towards the guest, each VNet). A node whose update fails keeps the
 * rules it had, which the files do not tell: it is left out, and a note says why.
 */
function nftablesNode(model: ClusterModel, node: string, notes: string[]): ExposureEntry[] {
  const built = tablesOf(model, node);
  if (!built) return [];
  if ('stale' in built) {
    notes.push(`node ${node} (proxmox-firewall) keeps its previous rules: ${built.stale}`);
    return [];
  }
  const perFamily = new Map<string, ExposureEntry[]>();
  const entries = nftEntries(built.tables);
  for (const family of [4, 6] as const) {
    const names = new InterfaceNames();
    addNftInterfaceNames(built.tables, names);
    const known = [...setNames(built.tables, family), ...modelAddresses(model, family)];
    const covered = new Set<string>();
    for (const entry of entries) {
      const flow = flowEntry(entry, node, model, family);
      // Connections towards the node and its guests, and through each VNet; not the node's
      // own output, nor what it routes (the forward hook has no place of its own here).
      const towards =
        flow.direction === 'inbound' ||
        (flow.direction === 'forwarded' && entry.table === 'bridge');
      if (!towards) continue;
      const pieces: Piece<NftDecider>[] = [];
      for (const d of entryDecisions(built.tables, entry, family, names)) {
        if (d.verdict !== 'ACCEPT') continue;
        for (const box of d.region)
          pieces.push({ box: boxWith(box, { mark: ANY_MARK }), by: d.by });
      }
      const rows = rowsOf(pieces, family, names, known, (by) => deciderName(model, by, true));
      add(perFamily, entryOfRows(flow.where, node, family, rows));
      covered.add(flow.where);
    }
    // A guest NIC without a chain is not filtered at all: everything reaches it, and why.
    for (const chain of inboundChains(model, node).slice(1)) {
      const nic = /^(?:tap|veth)([0-9]+)i([0-9]+)-IN$/.exec(chain)!;
      const where = `guest ${nic[1]!} net${nic[2]!}`;
      if (covered.has(where)) continue;
      const all: ExposureRow = {
        service: 'all traffic',
        sources: 'anywhere',
        fromAnywhere: true,
        acceptedBy: [whyUnfiltered(model, chain, node)],
      };
      add(perFamily, entryOfRows(where, node, family, [all]));
    }
  }
  return mergedFamilies(perFamily);
}

/** Who reaches what, node by node, in the world of the model (its topology, or assumed). */
export function exposureReport(model: ClusterModel): ExposureReport {
  const entries: ExposureEntry[] = [];
  const notes: string[] = [];
  for (const { name: node } of model.nodes) {
    const found = modelNode(model, node);
    if (found?.backend === 'proxmox-firewall') {
      entries.push(...nftablesNode(model, node, notes));
      notes.push(`node ${node} runs proxmox-firewall (nftables): read from its nftables rules`);
    } else entries.push(...iptablesNode(model, node));
  }
  if (model.topologySource.kind === 'assumed')
    notes.push(
      'topology assumed from the files (no topology.json): guests with the NICs their rules name plus one more, all firewalled',
    );
  return { entries, notes };
}
