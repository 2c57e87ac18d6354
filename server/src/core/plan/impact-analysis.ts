// The semantic impact of a push: which flows get another verdict. Both states are compiled as
// pve-firewall would, per node, and every entry chain (host in/out, each guest NIC in/out) is
// followed symbolically over the whole packet space; where the before and after decisions
// disagree, one concrete packet of the difference is reported.
import { buildFamily, type FamilyModel } from '../analysis/analyse';
import { walkChain, type Decision } from '../analysis/chain-walk';
import { addInterfaceNames, InterfaceNames } from '../analysis/ipt-to-box';
import { boxIntersect, fullBox, type Box, type Family } from '../analysis/packet-space';
import { describePacket, pickPacket } from '../analysis/witness';
import { compileRuleset } from '../compile/compile-ruleset';
import { compileInputFor } from '../compile/node-input';
import type { CompileResult } from '../compile/types';
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

function compareChain(
  before: FamilyModel,
  after: FamilyModel,
  chain: string,
  node: string,
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
  const was = modelOf(formatFirewallState(before), pulled);
  const now = modelOf(formatFirewallState(after), pulledAfter);
  const nodes = [...new Set([...was.nodes, ...now.nodes].map((n) => n.name))];
  const changes: FlowChange[] = [];
  for (const node of nodes) {
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
  return { changes };
}
