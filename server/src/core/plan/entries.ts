// The entries of a node's compiled rules where packets meet the firewall (a host's input and
// output, each firewalled guest NIC in and out), what each decides over the whole packet space,
// and the names a person knows them and their deciders by: shared by the plan's impact, `pvefw
// diff` and `pvefw report`.
import { buildFamily, type FamilyModel } from '../analysis';
import { walkChain, type Decision } from '../analysis';
import { cidrRange } from '../analysis';
import { normalise } from '../analysis';
import { setMembership } from '../analysis';
import type { InterfaceNames } from '../analysis';
import { boxWith, fullBox, NO_MARK, type Family } from '../analysis';
import { optionTrue } from '../compile';
import type { CompileResult } from '../compile';
import { modelFiles, type ClusterModel } from '../model';
import type { TopologyGuest } from '../model';
import { trimBlanksEnd } from '../text';
import type { FlowEntry, NamedAddresses, VerdictRegion } from './flow-classes';

export function entryChains(model: FamilyModel): string[] {
  return [...model.chains.rules.keys()].filter((c) =>
    /^PVEFW-HOST-(IN|OUT)$|^(tap|veth)[0-9]+i[0-9]+-(IN|OUT)$/.test(c),
  );
}

function decisionsOf(model: FamilyModel, chain: string): Decision[] {
  if (!model.chains.rules.has(chain)) return [];
  const start = boxWith(fullBox(model.family, model.names.count), { mark: NO_MARK });
  return walkChain(model.chains, chain, [start]).decided;
}

/** The entry a chain stands for, with its names and addresses from the model's world. */
export function entryOf(
  chain: string,
  node: string,
  model: ClusterModel,
  family: Family,
): FlowEntry {
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
export function hostAddresses(texts: readonly (string | undefined)[], family: Family): bigint[] {
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
export function knownAddresses(
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

/** The cluster's aliases, then nodes and guests by their addresses (either backend's names). */
export function modelAddresses(model: ClusterModel, family: Family): NamedAddresses[] {
  const out: NamedAddresses[] = [];
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
export function decisionsOrAccept(model: FamilyModel, chain: string): VerdictRegion<string>[] {
  // A chain that does not exist filters nothing: all is accepted, by no rule.
  if (!model.chains.rules.has(chain))
    return [{ verdict: 'ACCEPT', region: [fullBox(model.family, model.names.count)] }];
  return decisionsOf(model, chain).map((d) => ({
    verdict: d.verdict,
    region: d.region,
    by: `${d.by.chain} ${d.by.index}`,
  }));
}

/** Why an entry (`PVEFW-HOST-IN`, `tap100i0-IN`) has no chain: which firewall is off. */
export function whyUnfiltered(model: ClusterModel, entryChain: string, node: string): string {
  const cluster = model.cluster;
  if (!cluster || !optionTrue(cluster.load.config, 'enable'))
    return `no firewall (${cluster?.path ?? 'no cluster.fw'}: enable is not 1)`;
  const guest = /^(?:tap|veth)([0-9]+)i([0-9]+)-/.exec(entryChain);
  if (!guest) {
    const host = model.nodes.find((n) => n.name === node)?.host;
    return `no host firewall (${host?.path ?? 'host.fw'}: enable: 0)`;
  }
  const found = model.guests.find((g) => g.vmid === Number(guest[1]));
  if (!found?.file || !optionTrue(found.file.load.config, 'enable'))
    return `no guest firewall (${found?.file?.path ?? `${guest[1]}.fw`}: enable is not 1)`;
  return `no guest firewall on net${guest[2]} (the NIC has no firewall=1)`;
}

/** Names what decided packets, for people: a line of a file, a policy, a built-in rule. */
export class DeciderNames {
  private readonly lines = new Map<string, readonly string[]>();
  constructor(
    private readonly model: ClusterModel,
    /** Whether the model's texts are the user's files (else line numbers would mislead). */
    private readonly lineNumbers: boolean,
  ) {}

  /** `ref` is `chain index` in `family`; undefined when the entry chain does not exist. */
  name(family: FamilyModel, entryChain: string, node: string, ref: string | undefined): string {
    if (ref === undefined) return whyUnfiltered(this.model, entryChain, node);
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

export function familyModel(
  result: CompileResult,
  family: Family,
  names: InterfaceNames,
): FamilyModel {
  return buildFamily(family === 4 ? result.v4 : result.v6, family, new Set(), names);
}
