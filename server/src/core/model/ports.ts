import { ICMP_TYPE_NAMES, ICMPV6_TYPE_NAMES } from '../facts';
import { SERVICES } from '../facts';
import { perlSplitComma } from '../syntax';

export const ICMP_NAMES: ReadonlySet<string> = new Set(ICMP_TYPE_NAMES);
export const ICMPV6_NAMES: ReadonlySet<string> = new Set(ICMPV6_TYPE_NAMES);
export const SERVICE_BY_NAME: ReadonlyMap<string, number> = new Map(
  SERVICES.map((s) => [s.name, s.port]),
);

/** Protocols whose rules may carry ports (Firewall.pm $PROTOCOLS_WITH_PORTS). */
export const PROTOCOLS_WITH_PORTS: ReadonlySet<string> = new Set([
  'udp',
  '17',
  'udplite',
  '136',
  'tcp',
  '6',
  'dccp',
  '33',
  'sctp',
  '132',
]);

export function isIcmpProtocol(proto: string | undefined): boolean {
  return proto === 'icmp' || proto === 'icmpv6' || proto === 'ipv6-icmp';
}

/**
 * pve-firewall's parse_port_name_number_or_range: undefined when Proxmox accepts the list,
 * else its message. With `icmpDport`, one ICMP type name stands in for a port.
 */
export function portListError(text: string, icmpDport: boolean): string | undefined {
  // As parseAddressList: the answer depends on the text alone, and files repeat their ports.
  const key = `${icmpDport ? 'i' : '-'}${text}`;
  if (portLists.has(key)) return portLists.get(key);
  const error = readPortList(text, icmpDport);
  if (portLists.size >= MAX_REMEMBERED) portLists.clear();
  portLists.set(key, error);
  return error;
}

const MAX_REMEMBERED = 4096;
const portLists = new Map<string, string | undefined>();

function readPortList(text: string, icmpDport: boolean): string | undefined {
  const items = perlSplitComma(text);
  if (items.join(',') !== text) return 'extraneous commas in list';
  let count = 0;
  let icmpName = false;
  for (const item of items) {
    const range = /^([0-9]+):([0-9]+)$/.exec(item);
    if (range) {
      count += 2;
      const [first, last] = [Number(range[1]), Number(range[2])];
      if (first > 65535) return `invalid port '${range[1]}'`;
      if (last > 65535) return `invalid port '${range[2]}'`;
      if (first > last) {
        return `backwards range '${range[1]}:${range[2]}' not allowed, did you mean '${range[2]}:${range[1]}'?`;
      }
    } else if (/^[0-9]+$/.test(item)) {
      count += 1;
      if (Number(item) > 65535) return `invalid port '${item}'`;
    } else if (icmpDport && (ICMP_NAMES.has(item) || ICMPV6_NAMES.has(item))) {
      icmpName = true;
    } else if (!SERVICE_BY_NAME.has(item)) {
      return `invalid port '${item}'`;
    }
  }
  if (icmpName && count > 0) return 'ICMP ports not allowed in port range';
  if (count > 15) return 'too many entries in port list (> 15 numbers)';
  return undefined;
}
