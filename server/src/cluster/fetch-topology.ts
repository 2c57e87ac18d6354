// The topology a pull writes (topology.json): guests with their NICs from each guest config,
// node addresses from /cluster/status and /nodes/{node}/network, corosync rings and transport,
// SDN vnets. Whatever the token may not read is left out with a warning, never guessed.
import type { GuestType } from '../core/plan';
import {
  ipv4Network,
  nicsFromConfig,
  sortTopology,
  type PulledGuest,
  type PulledNode,
  type PulledTopology,
} from '../core/plan';
import type { GuestNetConfig } from '../core/plan';
import { text, type Row } from './api-rows';
import { ClusterError } from './errors';
import type { Reads } from './fetch-state';
import { mapLimit } from './map-limit';

/** A guest as the node lists name it. */
export interface GuestEntry {
  readonly vmid: string;
  readonly node: string;
  readonly type: GuestType;
  readonly name?: string;
}

const PARALLEL = 6;

export async function optional<T>(
  read: () => Promise<T>,
  fallback: T,
  warnings: string[],
  what: string,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof ClusterError) || !['permission', 'not-implemented'].includes(error.kind))
      throw error;
    warnings.push(`${what} left out: ${error.message}`);
    return fallback;
  }
}

export async function readTopology(
  reads: Reads,
  nodes: readonly string[],
  guests: readonly GuestEntry[],
  status: readonly Row[],
  vnets: readonly { readonly vnet: string; readonly zone?: string }[],
  warnings: string[],
  configs: Map<number, GuestNetConfig> = new Map(),
): Promise<PulledTopology> {
  const rings = await optional(
    () => reads.list('/cluster/config/nodes'),
    [],
    warnings,
    'corosync ring addresses',
  );
  const totem = await optional(
    () => reads.object('/cluster/config/totem'),
    {},
    warnings,
    'corosync transport',
  );
  const pulledGuests = await mapLimit(guests, PARALLEL, async (g): Promise<PulledGuest> => {
    const config = await reads.object(`/nodes/${g.node}/${g.type}/${g.vmid}/config`);
    const name = g.name ?? (text(config['name']) || text(config['hostname']) || undefined);
    // What setting a NIC's firewall flag needs: the config's digest and its net<N> as shown.
    const digest = text(config['digest']);
    configs.set(Number(g.vmid), {
      vmid: Number(g.vmid),
      node: g.node,
      type: g.type,
      ...(/^[0-9a-f]{40}$/.test(digest) ? { digest } : {}),
      nets: Object.fromEntries(
        Object.entries(config)
          .filter(([key, value]) => /^net[0-9]+$/.test(key) && typeof value === 'string')
          .map(([key, value]) => [key, value as string]),
      ),
    });
    return {
      vmid: Number(g.vmid),
      kind: g.type === 'qemu' ? 'vm' : 'ct',
      node: g.node,
      ...(name ? { name } : {}),
      nics: nicsFromConfig(g.type, config),
    };
  });
  const pulledNodes = await mapLimit(nodes, PARALLEL, async (name): Promise<PulledNode> => {
    const ifaces = await optional(
      () => reads.list(`/nodes/${name}/network`),
      [],
      warnings,
      `addresses of ${name}`,
    );
    const addresses = ifaces
      .flatMap((i) => [i['cidr'], i['cidr6']])
      .filter((a): a is string => typeof a === 'string' && a !== '')
      .sort();
    const ip = status.find((s) => s['type'] === 'node' && s['name'] === name)?.['ip'];
    const ring = rings.find((r) => r['name'] === name);
    const ringAddresses = ring
      ? Object.keys(ring)
          .filter((k) => /^ring\d+_addr$/.test(k))
          .sort()
          .map((k) => text(ring[k]))
      : [];
    return {
      name,
      ...(typeof ip === 'string' ? { address: ip } : {}),
      ...(ringAddresses.length > 0 ? { ringAddresses } : {}),
      ...(addresses.length > 0 ? { addresses } : {}),
    };
  });
  // The node answering the API is the one whose host chains a simulation compiles by default.
  const answering = status.find((s) => s['type'] === 'node' && Number(s['local']) === 1);
  const localNode = text(answering?.['name']) || (nodes[0] ?? '');
  const local = pulledNodes.find((n) => n.name === localNode);
  const ownCidr = local?.addresses?.find((a) => a.split('/')[0] === local.address);
  const localNetwork = ownCidr ? ipv4Network(ownCidr) : undefined;
  const transport = totem['transport'];
  return sortTopology({
    localNode,
    ...(localNetwork ? { localNetwork } : {}),
    ...(typeof transport === 'string' ? { corosyncTransport: transport } : {}),
    nodes: pulledNodes,
    guests: pulledGuests,
    vnets: vnets.map((v) => ({ ...v })),
  });
}
