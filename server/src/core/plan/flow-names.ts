// The names a plan's flow classes use for addresses, from the cluster model: the cluster's
// aliases, the nodes and the guests by their addresses (either backend's impact asks them).
import { cidrRange } from '../analysis/cidr-range';
import { normalise } from '../analysis/intervals';
import type { Family } from '../analysis/packet-space';
import type { ClusterModel } from '../model/cluster-model';
import type { NamedAddresses } from './flow-classes';

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

/** Aliases of cluster.fw, then nodes and guests by their addresses, as people name them. */
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
