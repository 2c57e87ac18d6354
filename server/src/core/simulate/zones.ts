import type { Topology } from '../model';
import { parseAddress } from './address';

/** One end of a simulated packet's path (Proxmox's simulator's from_info / target). */
export type Endpoint =
  | { readonly type: 'host' }
  /** A bridge port without a firewall: `outside` is vmbr0/eth0, `nfvm` vmbr0/tapXYZ. */
  | { readonly type: 'bport'; readonly bridge: string; readonly iface: string }
  | {
      readonly type: 'guest';
      readonly kind: 'vm' | 'ct';
      readonly vmid: number;
      readonly bridge: string;
      readonly mac?: string;
      /** tap<vmid>i<n> or veth<vmid>i<n>, and the firewall bridge devices around it. */
      readonly tapdev: string;
      readonly fwbr: string;
      readonly fwln: string;
      readonly fwpr: string;
    };

/** A zone name that does not exist in this topology. */
export class ZoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZoneError';
  }
}

const BRIDGE_PORT = /^([a-zA-Z][a-zA-Z0-9]{0,9})\/(\S+)$/;

function guestEndpoint(topology: Topology, kind: 'vm' | 'ct', vmid: number, nic: number): Endpoint {
  const guest = topology.guests.find((g) => g.vmid === vmid);
  const label = `${kind}${vmid}`;
  if (!guest || guest.kind !== kind)
    throw new ZoneError(`no such ${kind === 'vm' ? 'VM' : 'CT'} '${vmid}' in the topology`);
  if (guest.node !== topology.localNode) {
    throw new ZoneError(`${label} runs on node '${guest.node}', not on '${topology.localNode}'`);
  }
  const config = guest.nics.find((n) => n.name === `net${nic}`);
  if (!config) throw new ZoneError(`${label} has no NIC net${nic}`);
  const dev = `${kind === 'vm' ? 'tap' : 'veth'}${vmid}i${nic}`;
  return {
    type: 'guest',
    kind,
    vmid,
    bridge: config.bridge,
    ...(config.mac !== undefined ? { mac: config.mac } : {}),
    tapdev: dev,
    fwbr: `fwbr${vmid}i${nic}`,
    fwln: `fwln${vmid}i${nic}`,
    fwpr: `fwpr${vmid}p${nic}`,
  };
}

/**
 * Reads a zone as Proxmox's simulator does: `host`, `outside`, `nfvm`, `ct<ID>`, `vm<ID>`,
 * `vm<ID>i<N>` and `BRIDGE/PORT`. `vm<ID>i<N>` is accepted as a destination too.
 */
export function resolveZone(zone: string, topology: Topology): Endpoint {
  if (zone === 'host') return { type: 'host' };
  if (zone === 'outside') return { type: 'bport', bridge: 'vmbr0', iface: 'eth0' };
  if (zone === 'nfvm') return { type: 'bport', bridge: 'vmbr0', iface: 'tapXYZ' };
  const ct = /^ct([0-9]+)(?:i([0-9]+))?$/.exec(zone);
  if (ct) return guestEndpoint(topology, 'ct', Number(ct[1]), Number(ct[2] ?? 0));
  const vm = /^vm([0-9]+)(?:i([0-9]+))?$/.exec(zone);
  if (vm) return guestEndpoint(topology, 'vm', Number(vm[1]), Number(vm[2] ?? 0));
  const port = BRIDGE_PORT.exec(zone);
  if (port) return { type: 'bport', bridge: port[1]!, iface: port[2]! };
  throw new ZoneError(`unable to parse zone '${zone}'`);
}

/**
 * The zone an address belongs to, for `pvefw simulate --from IP`: the node's own address is
 * `host`, a container's configured address is that container, anything else is `outside`.
 */
export function zoneOfAddress(address: string, topology: Topology): string | undefined {
  const wanted = parseAddress(address);
  if (!wanted) return undefined;
  const same = (text: string | undefined): boolean => {
    const other = text !== undefined ? parseAddress(text.replace(/\/[0-9]+$/, '')) : undefined;
    return other?.family === wanted.family && other.value === wanted.value;
  };
  if (same(topology.nodes.find((n) => n.name === topology.localNode)?.address)) return 'host';
  for (const guest of topology.guests) {
    if (guest.node !== topology.localNode) continue;
    for (const nic of guest.nics) {
      if (same(nic.ip) || same(nic.ip6)) {
        const index = nic.name.replace(/^net/, '');
        if (guest.kind === 'vm') return `vm${guest.vmid}i${index}`;
        // Zones name only a container's first NIC.
        if (index === '0') return `ct${guest.vmid}`;
      }
    }
  }
  return 'outside';
}
