// The semantic impact of a push: which flows get another verdict. Both states are compiled as
// pve-firewall would, per node, and every entry chain (host in/out, each guest NIC in/out) is
// followed symbolically over the whole packet space; a chain one side lacks (the firewall or a
// guest's firewall off) accepts everything. Where the before and after decisions disagree, the
// packets are told as classes a person reads, each with one concrete packet (flow-classes.ts).
import { buildFamily, type FamilyModel } from '../analysis/analyse';
import { walkChain, type Decision } from '../analysis/chain-walk';
import { addInterfaceNames, InterfaceNames } from '../analysis/ipt-to-box';
import { cidrRange } from '../analysis/cidr-range';
import { normalise } from '../analysis/intervals';
import { setMembership } from '../analysis/ipset-membership';
import { fullBox, type Box, type Family } from '../analysis/packet-space';
import { compileRuleset } from '../compile/compile-ruleset';
import { compileInputFor } from '../compile/node-input';
import type { CompileResult } from '../compile/types';
import { modelFiles, type ClusterModel } from '../model/cluster-model';
import { optionTrue } from '../compile/options';
import { trimBlanksEnd } from '../text/blanks';
import { clusterModelOfTexts } from '../model/cluster-sources';
import type { TopologyGuest } from '../model/topology';
import { formatFirewallState, type FirewallState } from './firewall-state';
import {
  flowClasses,
  type FlowEntry,
  type NamedAddresses,
  type VerdictRegion,
} from './flow-classes';
import type { FlowChange, ImpactSummary } from './impact';
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

/** Single addresses of one family from `10.0.0.5`, `10.0.0.5/24`, `dhcp` and the like. */
function hostAddresses(texts: readonly (string | undefined)[], family: Family): bigint[] {
  const out: bigint[] = [];
  for (const text of texts) {
    const address = text?.split('/')[0];
    if (!address || address.includes(':') !== (family === 6)) continue;
    const range = cidrRange(address);
    if (range && !out.includes(range[0])) out.push(range[0]);
  }
  return out;
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
  for (const alias of model.cluster?.load.config?.aliases.values() ?? []) {
    if (alias.ipversion !== family) continue;
    const range = cidrRange(alias.cidr);
    if (range) out.push({ name: alias.line.nameToken?.text ?? alias.key, set: [range] });
  }
  for (const node of model.topology.nodes) {
    const addresses = hostAddresses([node.address, ...(node.addresses ?? [])], family);
    if (addresses.length > 0)
      out.push({ name: node.name, set: normalise(addresses.map((a) => [a, a])) });
  }
  for (const guest of model.topology.guests) {
    const addresses = hostAddresses(
      guest.nics.flatMap((n) => [n.ip, n.ip6]),
      family,
    );
    if (addresses.length > 0)
      out.push({ name: `guest ${guest.vmid}`, set: normalise(addresses.map((a) => [a, a])) });
  }
  return out;
}

/** What an entry chain decides, each verdict with its deciding rule (`chain index`). */
function decisionsOrAccept(model: FamilyModel, chain: string): VerdictRegion<string>[] {
  // A chain that does not exist filters nothing: all is accepted, by no rule.
  if (!model.chains.rules.has(chain))
    return [{ verdict: 'ACCEPT', region: [fullBox(model.family, model.names.count)] }];
  return decisionsOf(model, chain).map((d) => ({
    verdict: d.verdict,
    region: d.region,
    by: `${d.by.chain} ${d.by.index}`,
  }));
}

/** Names what decided packets, for people: a line of a file, a policy, a built-in rule. */
class DeciderNames {
  private readonly lines = new Map<string, readonly string[]>();
  constructor(
    private readonly model: ClusterModel,
    /** Whether the model's texts are the user's files (else line numbers would mislead). */
    private readonly lineNumbers: boolean,
  ) {}

  /** `ref` is `chain index` in `family`; undefined when the entry chain does not exist. */
  name(family: FamilyModel, entryChain: string, node: string, ref: string | undefined): string {
    if (ref === undefined) return this.off(entryChain, node);
    const cut = ref.lastIndexOf(' ');
    const provenance = family.compiled.get(ref.slice(0, cut))?.[Number(ref.slice(cut + 1))];
    const origin = provenance?.origin;
    if (origin) {
      const text = this.lineText(origin.path, origin.lineNumber);
      const group = origin.group ? ` (group ${origin.group.name})` : '';
      const line = this.lineNumbers ? ` line ${origin.lineNumber}` : '';
      return `${origin.path}${line}${group}${text ? `: ${text}` : ''}`;
    }
    const policy = /^policy (\S+)$/.exec(provenance?.builtin ?? '');
    if (policy) {
      const option = entryChain.endsWith('-IN') ? 'policy_in' : 'policy_out';
      const file = this.fileOf(entryChain);
      return `${option}: ${policy[1]}${file ? ` (${file})` : ''}`;
    }
    if (provenance?.builtin) return `Proxmox's built-in rule (${provenance.builtin})`;
    return "the chain's default";
  }

  /** Why an entry has no chain: which firewall is off. */
  private off(entryChain: string, node: string): string {
    const cluster = this.model.cluster;
    if (!cluster || !optionTrue(cluster.load.config, 'enable'))
      return `no firewall (${cluster?.path ?? 'no cluster.fw'}: enable is not 1)`;
    const guest = /^(?:tap|veth)([0-9]+)i([0-9]+)-/.exec(entryChain);
    if (!guest) {
      const host = this.model.nodes.find((n) => n.name === node)?.host;
      return `no host firewall (${host?.path ?? 'host.fw'}: enable: 0)`;
    }
    const found = this.model.guests.find((g) => g.vmid === Number(guest[1]));
    if (!found?.file || !optionTrue(found.file.load.config, 'enable'))
      return `no guest firewall (${found?.file?.path ?? `${guest[1]}.fw`}: enable is not 1)`;
    return `no guest firewall on net${guest[2]} (the NIC has no firewall=1)`;
  }

  private fileOf(entryChain: string): string | undefined {
    const guest = /^(?:tap|veth)([0-9]+)i/.exec(entryChain);
    if (!guest) return this.model.cluster?.path;
    return this.model.guests.find((g) => g.vmid === Number(guest[1]))?.file?.path;
  }

  private lineText(path: string, lineNumber: number): string | undefined {
    let lines = this.lines.get(path);
    if (!lines) {
      const file = modelFiles(this.model).find((f) => f.path === path);
      lines = file ? file.text.split('\n') : [];
      this.lines.set(path, lines);
    }
    const text = lines[lineNumber - 1];
    return text === undefined ? undefined : trimBlanksEnd(text).trim();
  }
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
  // The states are formatted as Proxmox writes them: their line numbers are not the user's.
  return compareClusterModels(
    modelOf(formatFirewallState(before), pulled),
    modelOf(formatFirewallState(after), pulled),
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
  for (const node of nodes) {
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
            beforeBy: named(c.beforeBy, (r) => namesBefore.name(mb, chain, node, r), mb, chain),
            afterBy: named(c.afterBy, (r) => namesAfter.name(ma, chain, node, r), ma, chain),
          })),
        );
        if (found.more > 0)
          unlisted.set(entry.where, (unlisted.get(entry.where) ?? 0) + found.more);
      }
    }
  }
  const notes = [...unlisted].map(
    ([where, count]) =>
      `${where}: ${count} more class${count === 1 ? '' : 'es'} of flows change verdict`,
  );
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
