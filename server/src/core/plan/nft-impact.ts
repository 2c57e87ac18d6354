// The plan's impact on a node that runs proxmox-firewall: both states' nftables tables
// (nftables/ruleset.ts) walked symbolically, entry by entry — the host's input, output and
// forward hooks, each firewalled guest NIC in and out, each VNet's bridge forward hook — for
// every packet that opens a connection, and told as flow classes like pve-firewall's nodes.
// An update that would fail keeps the node's rules: nothing changes there, a note says why.
import { InterfaceNames } from '../analysis';
import { normalise } from '../analysis';
import { DIMENSIONS, type Box, type Family } from '../analysis';
import { modelNode } from '../compile';
import { modelFiles, type ClusterModel, type FirewallBackend } from '../model';
import type { NodeTables } from '../nftables';
import {
  addNftInterfaceNames,
  entryDecisions,
  nftEntries,
  type NftDecider,
  type NftDecision,
  type NftEntry,
} from '../nftables';
import { matchText, statementText } from '../nftables';
import { buildNodeRuleset } from '../nftables';
import {
  classChanges,
  flowClasses,
  type FlowEntry,
  type NamedAddresses,
  type VerdictRegion,
} from './flow-classes';
import { hostAddresses, modelAddresses } from './entries';
import type { FlowChange } from './impact';

/** What a node's tables decide, or why the node keeps the rules it has. */
export function tablesOf(
  model: ClusterModel,
  node: string,
): { tables: NodeTables } | { stale: string } | undefined {
  const found = modelNode(model, node);
  if (!found) return undefined;
  const built = buildNodeRuleset(model, found).ruleset;
  if (built.state === 'stale') return { stale: built.why };
  return { tables: built.state === 'active' ? built.tables : {} };
}

/** The tables' own sets (`v4-dc/web` as `+dc/web`) for the class texts. */
export function setNames(tables: NodeTables, family: Family): NamedAddresses[] {
  const out: NamedAddresses[] = [];
  const seen = new Set<string>();
  for (const table of [tables.inet, tables.bridge]) {
    for (const [name, ranges] of table?.sets ?? []) {
      if (!name.startsWith(`v${family}-`) || name.endsWith('-nomatch') || ranges.length === 0)
        continue;
      const shown = `+${name.slice(3)}`;
      if (name.includes('synflood') || seen.has(shown)) continue;
      seen.add(shown);
      out.push({ name: shown, set: normalise(ranges.map(([a, b]) => [a, b] as const)) });
    }
  }
  return out;
}

/** The entry as the class texts name it: a host hook, a guest NIC, a VNet. */
export function flowEntry(
  entry: NftEntry,
  node: string,
  model: ClusterModel,
  family: Family,
): FlowEntry {
  const guest = /^(?:tap|veth)([0-9]+)i([0-9]+)$/.exec(
    entry.fixed.oifname ?? entry.fixed.iifname ?? '',
  );
  if (guest) {
    const vmid = Number(guest[1]);
    const nic = model.topology.guests
      .find((g) => g.vmid === vmid)
      ?.nics.find((n) => n.name === `net${guest[2]}`);
    return {
      where: `guest ${vmid} net${guest[2]}`,
      direction: entry.hook === 'postrouting' ? 'inbound' : 'outbound',
      self: `guest ${vmid}`,
      selfAddresses: nic ? hostAddresses([nic.ip, nic.ip6], family) : [],
    };
  }
  if (entry.table === 'bridge')
    return {
      where: `vnet ${entry.fixed.ibrname ?? ''} on ${node}`,
      direction: 'forwarded',
      self: `vnet ${entry.fixed.ibrname ?? ''}`,
      selfAddresses: [],
    };
  const known = model.topology.nodes.find((n) => n.name === node);
  return {
    where: `host ${node}`,
    direction:
      entry.hook === 'input' ? 'inbound' : entry.hook === 'output' ? 'outbound' : 'forwarded',
    self: node,
    selfAddresses: known ? hostAddresses([known.address, ...(known.addresses ?? [])], family) : [],
  };
}

/**
 * Boxes both walks give the same verdict: such a box cannot meet another verdict's box of the
 * other walk (each walk's decisions are disjoint), so it is left out of the comparison. After a
 * small edit most boxes are such, and a long rule list stays quick.
 */
function unshared(
  was: readonly NftDecision[],
  now: readonly NftDecision[],
): [VerdictRegion<NftDecider>[], VerdictRegion<NftDecider>[]] {
  const key = (verdict: string, box: Box): string =>
    `${verdict} ${DIMENSIONS.map((d) => box[d].map(([a, b]) => `${a}-${b}`).join(',')).join('|')}`;
  const keys = (list: readonly NftDecision[]): Set<string> =>
    new Set(list.flatMap((d) => d.region.map((b) => key(d.verdict, b))));
  const wasKeys = keys(was);
  const nowKeys = keys(now);
  const keep = (list: readonly NftDecision[], other: Set<string>): VerdictRegion<NftDecider>[] =>
    list.map((d) => ({
      verdict: d.verdict,
      region: d.region.filter((b) => !other.has(key(d.verdict, b))),
      ...(d.by ? { by: d.by } : {}),
    }));
  return [keep(was, nowKeys), keep(now, wasKeys)];
}

/** Names what decided, for people: a line of a file, a fixed rule of proxmox-firewall, a policy. */
export function deciderName(
  model: ClusterModel,
  by: NftDecider | undefined,
  lineNumbers: boolean,
): string {
  if (!by) return "the hook's policy accept (nothing dropped it)";
  const origin = by.rule.origin;
  if (!origin) {
    const text = [...by.rule.matches.map(matchText), statementText(by.rule.statement)].join(' ');
    return `proxmox-firewall's fixed rule (${by.table} ${by.chain}: ${text})`;
  }
  const file = modelFiles(model).find((f) => f.path === origin.path);
  const text = file?.text.split('\n')[origin.lineNumber - 1]?.trim();
  const line = lineNumbers ? ` line ${origin.lineNumber}` : '';
  return `${origin.path}${line}${text ? `: ${text}` : ''}`;
}

export interface NodeImpact {
  readonly changes: FlowChange[];
  readonly notes: string[];
  /** Classes not listed, by entry. */
  readonly unlisted: Map<string, number>;
}

/** The flows of one node on proxmox-firewall whose verdict the push changes. */
export function nftNodeImpact(
  was: ClusterModel,
  now: ClusterModel,
  node: string,
  backends: readonly FirewallBackend[],
  lineNumbers = true,
): NodeImpact {
  const notes: string[] = [];
  const changes: FlowChange[] = [];
  const unlisted = new Map<string, number>();
  if (backends[0] !== backends[1]) {
    notes.push(
      `node ${node} switches from ${backends[0]} to ${backends[1]}: its flows are not compared (the two backends build different rulesets from the same files)`,
    );
    return { changes, notes, unlisted };
  }
  const before = tablesOf(was, node);
  const after = tablesOf(now, node);
  if (after && 'stale' in after) {
    notes.push(`node ${node} (proxmox-firewall), after this push: ${after.stale}`);
    return { changes, notes, unlisted };
  }
  if (before && 'stale' in before)
    notes.push(
      `node ${node} (proxmox-firewall) fails to update now (${before.stale}); compared with the rules the files give, not with what it runs`,
    );
  const tablesBefore = before && 'tables' in before ? before.tables : {};
  const tablesAfter = after && 'tables' in after ? after.tables : {};
  const entries = new Map<string, NftEntry>();
  for (const tables of [tablesBefore, tablesAfter])
    for (const e of nftEntries(tables)) entries.set(`${e.table} ${e.hook} ${e.label}`, e);
  for (const family of [4, 6] as const) {
    const names = new InterfaceNames();
    addNftInterfaceNames(tablesBefore, names);
    addNftInterfaceNames(tablesAfter, names);
    const context = {
      family,
      names,
      known: [...setNames(tablesAfter, family), ...modelAddresses(now, family)],
    };
    for (const entry of entries.values()) {
      const flow = flowEntry(entry, node, now, family);
      const [b, a] = unshared(
        entryDecisions(tablesBefore, entry, family, names),
        entryDecisions(tablesAfter, entry, family, names),
      );
      const found = flowClasses(b, a, flow, context);
      const deciders = (model: ClusterModel, refs: readonly NftDecider[]): string[] => [
        ...new Set(refs.map((r) => deciderName(model, r, lineNumbers))),
      ];
      changes.push(
        ...classChanges(
          found,
          (refs) => deciders(was, refs),
          (refs) => deciders(now, refs),
        ),
      );
      if (found.more > 0) unlisted.set(flow.where, (unlisted.get(flow.where) ?? 0) + found.more);
    }
  }
  if (changes.length > 0 || notes.length > 0)
    notes.push(
      `node ${node} runs proxmox-firewall: its flows are compared in its nftables rules (every packet that opens a connection)`,
    );
  return { changes, notes, unlisted };
}
