/**
 * The world a firewall configuration is compiled for: nodes, guests and their NICs. `pvefw pull`
 * writes it as `topology.json` beside the /etc/pve layout; `pvefw simulate` and `pvefw test`
 * read it. Documented for users in docs/topology.md.
 */
export interface Topology {
  /** The node the host chains are compiled for (its host.fw and its address). */
  readonly localNode: string;
  /** The local network (CIDR) that feeds the `management` ipset and host OUT allowances. */
  readonly localNetwork?: string;
  readonly nodes: readonly TopologyNode[];
  readonly guests: readonly TopologyGuest[];
  /** Corosync transport as in corosync.conf (`udp` adds multicast allowances). */
  readonly corosyncTransport?: string;
  /**
   * The address this workspace manages the cluster from, as `pvefw pull` saw its own end of the
   * connection (set it by hand behind NAT): the source whose web UI and SSH access is checked.
   */
  readonly managedFrom?: string;
}

export interface TopologyNode {
  readonly name: string;
  /** The address the node's API and SSH answer on. */
  readonly address?: string;
  /** Corosync ring addresses (ring0_addr, ring1_addr, …); host names allowed. */
  readonly ringAddresses?: readonly string[];
  /**
   * Every interface address of the node with its prefix length (`pvefw pull` writes them): the
   * one holding `address` gives the node's local network, as pve-firewall finds it.
   */
  readonly addresses?: readonly string[];
}

export interface TopologyGuest {
  readonly vmid: number;
  readonly kind: 'vm' | 'ct';
  readonly node: string;
  readonly nics: readonly TopologyNic[];
}

export interface TopologyNic {
  /** `net0`, `net1`, … */
  readonly name: string;
  readonly bridge: string;
  readonly mac?: string;
  /** The NIC's `firewall=1` flag: without it the guest's rules never see its traffic. */
  readonly firewall: boolean;
  /** Container NICs: configured `ip=` / `ip6=` (CIDR), used by ipfilter. */
  readonly ip?: string;
  readonly ip6?: string;
}

/** The IPv4 network of `cidr` (`172.16.1.2/24` → `172.16.1.0/24`), or undefined. */
export function ipv4Network(cidr: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const bits = Number(m[5]);
  if (bits > 32) return undefined;
  const value = m.slice(1, 5).reduce((acc, q) => acc * 256 + Number(q), 0);
  const size = 2 ** (32 - bits);
  const base = Math.floor(value / size) * size;
  return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${bits}`;
}
