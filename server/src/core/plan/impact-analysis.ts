// The semantic impact of a push: which flows get another verdict. Both states are compiled as
// pve-firewall would, per node, and every entry chain (host in/out, each guest NIC in/out) is
// followed symbolically over the whole packet space; where the before and after decisions
// disagree, one concrete packet of the difference is reported.
import { buildFamily, type FamilyModel } from '../analysis/analyse';
import { walkChain, type Decision } from '../analysis/chain-walk';
import { addInterfaceNames, InterfaceNames } from '../analysis/ipt-to-box';
import { boxIntersect, fullBox, type Box, type Family } from '../analysis/packet-space';
import { defaultTopology } from '../analysis/what-if';
import { describePacket, pickPacket } from '../analysis/witness';
import { compileRuleset } from '../compile/compile-ruleset';
import { loadCompileInput } from '../compile/load-input';
import type { CompileResult } from '../compile/types';
import type { Topology } from '../model/topology';
import { formatFirewallState, type FirewallState } from './firewall-state';
import type { FlowChange, ImpactSummary } from './impact';
import type { PulledTopology } from './topology';

const MAX_CHANGES_PER_CHAIN = 5;
const MAX_PAIRS_PER_CHAIN = 200_000;
const CLUSTER = 'firewall/cluster.fw';

/**
 * The world one node's rules are compiled for, from the pulled topology: the node's own guests
 * (and, on the first node compiled, those of nodes not compiled), each with its real NICs, so a
 * NIC without `firewall=1` gets no chain.
 */
function pulledWorld(
  node: string | undefined,
  compiled: readonly (string | undefined)[],
  pulled: PulledTopology,
): Topology {
  const localNode = node ?? 'localhost';
  const here = (g: { node: string }): boolean =>
    node === undefined || g.node === node || (node === compiled[0] && !compiled.includes(g.node));
  return {
    localNode,
    nodes: pulled.nodes,
    guests: pulled.guests.filter(here).map((g) => ({ ...g, node: localNode })),
    // The pulled local network is the pulled-from node's; another node's is not known here.
    ...(pulled.localNetwork && pulled.localNode === localNode
      ? { localNetwork: pulled.localNetwork }
      : {}),
    ...(pulled.corosyncTransport ? { corosyncTransport: pulled.corosyncTransport } : {}),
  };
}

function compileNode(
  texts: Map<string, string>,
  node: string | undefined,
  compiled: readonly (string | undefined)[],
  pulled: PulledTopology | undefined,
): CompileResult {
  const guests = new Map<number, { path: string; text: string }>();
  for (const [path, text] of texts) {
    const m = /^firewall\/([0-9]+)\.fw$/.exec(path);
    if (m) guests.set(Number(m[1]), { path, text });
  }
  const cluster = texts.get(CLUSTER);
  const hostPath = node ? `nodes/${node}/host.fw` : undefined;
  const host = hostPath ? texts.get(hostPath) : undefined;
  const localNode = node ?? 'localhost';
  const world = pulled ? pulledWorld(node, compiled, pulled) : undefined;
  const input = loadCompileInput(
    {
      ...(cluster ? { cluster: { path: CLUSTER, text: cluster } } : {}),
      ...(host && hostPath ? { host: { path: hostPath, text: host } } : {}),
      guests,
    },
    world ?? { localNode, nodes: [], guests: [] },
  );
  // Without a topology every guest is a VM here (as it was loaded) with the NICs its rules name.
  const topology = world ?? defaultTopology(input.guests ?? new Map(), localNode);
  return compileRuleset({ ...input, topology });
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

function where(chain: string, node: string | undefined): string {
  const guest = /^(?:tap|veth)([0-9]+)i([0-9]+)-(IN|OUT)$/.exec(chain);
  if (guest) return `guest ${guest[1]} net${guest[2]}`;
  // Without any host.fw the host chains are the same on every node.
  return node ? `host ${node}` : 'host';
}

function compareChain(
  before: FamilyModel,
  after: FamilyModel,
  chain: string,
  node: string | undefined,
): FlowChange[] {
  const out: FlowChange[] = [];
  const was = decisionsOf(before, chain);
  const now = decisionsOf(after, chain);
  let pairs = 0;
  for (const d1 of was) {
    for (const d2 of now) {
      if (d1.verdict === d2.verdict) continue;
      // One packet per pair of decisions, a unicast one when there is one.
      let found: Box | undefined;
      for (const b1 of d1.region) {
        for (const b2 of d2.region) {
          if (++pairs > MAX_PAIRS_PER_CHAIN) return out;
          const both = boxIntersect(b1, b2);
          if (both && (!found || (found.dsttype[0]![0] !== 0n && both.dsttype[0]![0] === 0n)))
            found = both;
        }
      }
      if (!found) continue;
      const direction = chain.endsWith('-IN') ? 'IN' : 'OUT';
      const packet = describePacket(pickPacket(found, after.family, after.names));
      const change = {
        where: where(chain, node),
        flow: `${direction} ${packet}`,
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

function models(result: CompileResult, family: Family, names: InterfaceNames): FamilyModel {
  return buildFamily(family === 4 ? result.v4 : result.v6, family, new Set(), names);
}

/**
 * The flows whose verdict a push changes, compiled per node that has a host.fw (or once, when
 * none has). With the pulled topology, guests are compiled with their real NICs.
 */
export function analyseImpact(
  before: FirewallState,
  after: FirewallState,
  pulled?: PulledTopology,
): ImpactSummary {
  const was = formatFirewallState(before);
  const now = formatFirewallState(after);
  const hostNodes = [
    ...new Set(
      [...was.keys(), ...now.keys()]
        .map((p) => /^nodes\/([^/]+)\/host\.fw$/.exec(p)?.[1])
        .filter((n): n is string => !!n),
    ),
  ];
  const nodes = hostNodes.length > 0 ? hostNodes : [undefined];
  const changes: FlowChange[] = [];
  for (const node of nodes) {
    const b = compileNode(was, node, nodes, pulled);
    const a = compileNode(now, node, nodes, pulled);
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
  return { changes };
}
