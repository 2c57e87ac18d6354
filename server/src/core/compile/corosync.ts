import type { Topology } from '../model';
import { IPV4_RE, IPV6_RE } from '../syntax';
import type { Family } from './ruleset-types';

const IPV4 = new RegExp(`^${IPV4_RE}$`);
const IPV6 = new RegExp(`^${IPV6_RE}$`);

/** One corosync link address of one node, as for_all_corosync_addresses yields it. */
export interface CorosyncAddress {
  readonly node: string;
  /** `ring0_addr`, `ring1_addr`, …: only addresses on the same ring talk to each other. */
  readonly key: string;
  readonly ip: string;
}

/** pve-firewall writes corosync rules only when the node is in a cluster. */
export function hasCorosync(topology: Topology): boolean {
  return (
    topology.corosyncTransport !== undefined ||
    topology.nodes.some((n) => (n.ringAddresses?.length ?? 0) > 0)
  );
}

/**
 * The ring addresses of one family, nodes and keys in Perl's sort order. Host names would be
 * resolved by Proxmox; a pure core cannot, so they are left out (as unresolvable names are).
 */
export function corosyncAddresses(topology: Topology, family: Family): CorosyncAddress[] {
  const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const out: CorosyncAddress[] = [];
  for (const node of [...topology.nodes].sort((a, b) => byteOrder(a.name, b.name))) {
    const keyed = (node.ringAddresses ?? []).map((ip, i) => ({ key: `ring${i}_addr`, ip }));
    for (const { key, ip } of keyed.sort((a, b) => byteOrder(a.key, b.key))) {
      const version = IPV4.test(ip) ? 4 : IPV6.test(ip) ? 6 : undefined;
      if (version === family) out.push({ node: node.name, key, ip });
    }
  }
  return out;
}
