// The topology.json a pull writes: the shape `pvefw simulate` and `pvefw test` read
// (model/topology.ts, docs/topology.md) plus what only the sync side uses (guest names, VM
// addresses from cloud-init, VLAN tags, every address of a node, SDN vnets), in extra fields
// the simulator's reader ignores. Reading guest configs is pure string work, so it lives here.
import type { Topology, TopologyGuest, TopologyNic, TopologyNode } from '../model';
export { ipv4Network } from '../model';
import type { GuestType } from './fw-files';

export interface PulledNic extends TopologyNic {
  /** Every configured address with prefix length (containers: ip/ip6; VMs: cloud-init). */
  readonly ips?: readonly string[];
  readonly vlan?: number;
  /** VM NIC model (`virtio`, `e1000`, …). */
  readonly model?: string;
  /** Container interface name inside the guest (`eth0`). */
  readonly ifname?: string;
}

export interface PulledGuest extends Omit<TopologyGuest, 'nics'> {
  readonly name?: string;
  readonly nics: readonly PulledNic[];
}

/** A node as pulled: TopologyNode already holds every interface address (`addresses`). */
export type PulledNode = TopologyNode;

export interface PulledTopology extends Omit<Topology, 'nodes' | 'guests'> {
  readonly nodes: readonly PulledNode[];
  readonly guests: readonly PulledGuest[];
  readonly vnets?: readonly { readonly vnet: string; readonly zone?: string }[];
}

function properties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

const VM_MODELS = [
  'virtio',
  'e1000',
  'e1000e',
  'rtl8139',
  'vmxnet3',
  'i82551',
  'i82557b',
  'i82559er',
  'ne2k_isa',
  'ne2k_pci',
  'pcnet',
];

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function staticAddress(value: string | undefined): value is string {
  return !!value && value !== 'dhcp' && value !== 'auto' && value !== 'manual';
}

/** The bridged NICs of a guest from its config (the API's GET …/config object). */
export function nicsFromConfig(
  type: GuestType,
  config: Readonly<Record<string, unknown>>,
): PulledNic[] {
  const nics: PulledNic[] = [];
  const ids = Object.keys(config)
    .filter((k) => /^net[0-9]+$/.test(k))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  for (const name of ids) {
    const props = properties(scalar(config[name]));
    const bridge = props.get('bridge');
    if (!bridge) continue;
    const model = VM_MODELS.find((m) => props.has(m));
    const mac =
      type === 'qemu' ? (model ? props.get(model) : props.get('macaddr')) : props.get('hwaddr');
    const source = type === 'lxc' ? props : properties(scalar(config[`ipconfig${name.slice(3)}`]));
    const [ip, ip6] = [source.get('ip'), source.get('ip6')];
    const ips = [ip, ip6].filter(staticAddress);
    const tag = props.get('tag');
    nics.push({
      name,
      bridge,
      firewall: props.get('firewall') === '1',
      ...(mac ? { mac: mac.toUpperCase() } : {}),
      // Only a container's own addresses feed its ipfilter sets (FW:4584-4589).
      ...(type === 'lxc' && staticAddress(ip) ? { ip } : {}),
      ...(type === 'lxc' && staticAddress(ip6) ? { ip6 } : {}),
      ...(ips.length > 0 ? { ips } : {}),
      ...(tag && /^[0-9]+$/.test(tag) ? { vlan: Number(tag) } : {}),
      ...(type === 'qemu' && model ? { model } : {}),
      ...(type === 'lxc' && props.get('name') ? { ifname: props.get('name')! } : {}),
    });
  }
  return nics;
}

/** Sorted so that pulling twice writes the same file. */
export function sortTopology(topology: PulledTopology): PulledTopology {
  const byName = <T extends { name: string }>(a: T, b: T): number =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  return {
    ...topology,
    nodes: [...topology.nodes].sort(byName),
    guests: [...topology.guests].sort((a, b) => a.vmid - b.vmid),
    ...(topology.vnets
      ? { vnets: [...topology.vnets].sort((a, b) => (a.vnet < b.vnet ? -1 : 1)) }
      : {}),
  };
}
