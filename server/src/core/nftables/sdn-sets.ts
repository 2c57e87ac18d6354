// The sets proxmox-firewall generates from SDN (proxmox-ve-config src/sdn/config.rs,
// `SdnConfig::ipsets`, and src/sdn/ipam.rs, `Ipam::ipsets`): per VNet `<vnet>-all` (its
// subnets), `<vnet>-gateway` (their gateways), `<vnet>-no-gateway` (the subnets, gateways as
// nomatch entries) and `<vnet>-dhcp` (the DHCP ranges); per guest `guest-ipam-<vmid>` (the
// addresses IPAM holds for it). Read from /etc/pve/sdn/.running-config and the IPAM state; a
// running config the Rust side refuses fails the node's whole update.
import { sdnNameError, subnetNameError } from './rust-network';
import { cidrBounds, parseIpv4, parseIpv6, tryCidr, type Family } from './rust-text';
import type { SetEntry } from './commands';

export type SdnSetsResult =
  | { readonly ok: true; readonly sets: Map<string, SetEntry[]> }
  | { readonly ok: false; readonly error: string };

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function address(text: string): { family: Family; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: BigInt(v4) };
  const v6 = parseIpv6(text);
  return v6 !== undefined ? { family: 6, value: v6 } : undefined;
}

const ZONE_TYPES = ['simple', 'vlan', 'qinq', 'vxlan', 'evpn'];

/** `start-address=A,end-address=B` as an address range of one family. */
function dhcpRange(text: string): SetEntry | string {
  const props = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== -1) props.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const start = address(props.get('start-address') ?? '');
  const end = address(props.get('end-address') ?? '');
  if (!start || !end) return 'invalid dhcp range';
  if (start.family !== end.family) return 'invalid dhcp range: mismatched ip address families';
  if (start.value > end.value) return 'invalid dhcp range: start is greater than last address';
  return { family: start.family, range: [start.value, end.value], nomatch: false };
}

/** SdnConfig::try_from(RunningConfig), then SdnConfig::ipsets, by set name. */
export function sdnSetsOf(runningConfig: unknown): SdnSetsResult {
  const root = object(runningConfig);
  const zones = object(object(root['zones'])['ids']);
  const vnets = object(object(root['vnets'])['ids']);
  const subnets = object(object(root['subnets'])['ids']);
  for (const [name, zone] of Object.entries(zones)) {
    const bad = sdnNameError(name);
    if (bad) return { ok: false, error: `invalid name: ${bad}` };
    if (!ZONE_TYPES.includes(String(object(zone)['type'])))
      return { ok: false, error: 'invalid zone type' };
  }
  const vnetSubnets = new Map<string, { cidr: SetEntry; gateway?: SetEntry; dhcp: SetEntry[] }[]>();
  for (const [name, vnet] of Object.entries(vnets)) {
    const bad = sdnNameError(name);
    if (bad) return { ok: false, error: `invalid name: ${bad}` };
    if (!Object.hasOwn(zones, String(object(vnet)['zone'])))
      return { ok: false, error: 'zone not found' };
    vnetSubnets.set(name, []);
  }
  for (const [name, raw] of Object.entries(subnets)) {
    const bad = subnetNameError(name);
    if (bad) return { ok: false, error: `invalid name: ${bad}` };
    const subnet = object(raw);
    const zone = name.slice(0, name.indexOf('-'));
    const rest = name.slice(zone.length + 1);
    const dash = rest.indexOf('-');
    const cidr = tryCidr(`${rest.slice(0, dash)}/${rest.slice(dash + 1)}`);
    if (typeof cidr === 'string') return { ok: false, error: 'invalid name: invalid cidr in name' };
    const vnetName = String(subnet['vnet']);
    const list = vnetSubnets.get(vnetName);
    if (!list) return { ok: false, error: 'vnet not found' };
    if (String(object(vnets[vnetName])['zone']) !== zone)
      return { ok: false, error: 'subnet zone does not match actual zone' };
    const gatewayText = subnet['gateway'];
    let gateway: SetEntry | undefined;
    if (typeof gatewayText === 'string') {
      const gw = address(gatewayText);
      if (!gw || gw.family !== cidr.family)
        return { ok: false, error: 'mismatched ip address family for gateway and CIDR' };
      gateway = { family: gw.family, range: [gw.value, gw.value], nomatch: false };
    }
    const dhcp: SetEntry[] = [];
    for (const text of Array.isArray(subnet['dhcp-range']) ? subnet['dhcp-range'] : []) {
      const range = dhcpRange(String(text));
      if (typeof range === 'string') return { ok: false, error: range };
      dhcp.push(range);
    }
    const [lo, hi] = cidrBounds(cidr);
    list.push({
      cidr: { family: cidr.family, range: [lo, hi], nomatch: false },
      ...(gateway ? { gateway } : {}),
      dhcp,
    });
  }
  const sets = new Map<string, SetEntry[]>();
  for (const [vnet, list] of vnetSubnets) {
    sets.set(
      `${vnet}-all`,
      list.map((s) => s.cidr),
    );
    sets.set(
      `${vnet}-gateway`,
      list.flatMap((s) => (s.gateway ? [s.gateway] : [])),
    );
    sets.set(
      `${vnet}-no-gateway`,
      list.flatMap((s) => [s.cidr, ...(s.gateway ? [{ ...s.gateway, nomatch: true }] : [])]),
    );
    sets.set(
      `${vnet}-dhcp`,
      list.flatMap((s) => s.dhcp),
    );
  }
  return { ok: true, sets };
}

/** Ipam::ipsets: `guest-ipam-<vmid>` with every address IPAM holds for that guest. */
export function ipamSetsOf(ipam: unknown): Map<string, SetEntry[]> {
  const sets = new Map<string, SetEntry[]>();
  for (const zone of Object.values(object(object(ipam)['zones'])))
    for (const subnet of Object.values(object(object(zone)['subnets'])))
      for (const [ip, data] of Object.entries(object(object(subnet)['ips']))) {
        const vmid = object(data)['vmid'];
        const a = address(ip);
        if ((typeof vmid !== 'string' && typeof vmid !== 'number') || !a) continue;
        const name = `guest-ipam-${vmid}`;
        sets.set(name, [
          ...(sets.get(name) ?? []),
          { family: a.family, range: [a.value, a.value], nomatch: false },
        ]);
      }
  return sets;
}
