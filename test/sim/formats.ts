// The parameter formats the firewall API registers (FW:74-114, 1159-1226; pve-common
// JSONSchema.pm), each returning the text Proxmox dies with, or undefined when accepted.
import { CONNTRACK_HELPERS } from '../../server/src/core/facts/generated/conntrack-helpers';
import {
  ACCEPTED_PROTOCOL_NUMBERS,
  PROTOCOLS,
} from '../../server/src/core/facts/generated/netbase';
import { parseAddressList } from '../../server/src/core/model/address-list';
import { ICMP_NAMES, ICMPV6_NAMES, portListError } from '../../server/src/core/model/ports';
import { cleanCidr } from '../../server/src/core/plan/clean-cidr';
import { IPV4_RE, IPV6_RE } from '../../server/src/core/syntax/ip-or-cidr';
import { validateLogRatelimit } from '../../server/src/core/syntax/log-ratelimit';
import { perlNetIpNew } from '../../server/src/core/syntax/perl-net-ip';
import { perlSplitComma } from '../../server/src/core/syntax/perl-text';

const IP_OR_CIDR = new RegExp(`^(?:${IPV6_RE}|${IPV4_RE})(?:/[0-9]+)?$`);
const ALIAS_NAME = /^(dc\/|guest\/)?(?:[A-Za-z][A-Za-z0-9\-_]+)$/;
const PROTOCOL_NAMES = new Set([
  ...PROTOCOLS.map((p) => p.name),
  ...ACCEPTED_PROTOCOL_NUMBERS.map(String),
  'icmpv6',
]);

function ipOrCidr(value: string): string | undefined {
  if (!IP_OR_CIDR.test(value)) return 'value does not look like a valid IP address or CIDR network';
  const parsed = perlNetIpNew(cleanCidr(value));
  return parsed.ok ? undefined : parsed.error;
}

/** PVE::Tools::split_list: items separated by commas, semicolons or blanks. */
export function splitList(value: string): string[] {
  return value.split(/[ ,;\t\n\r\0]+/).filter((item) => item !== '');
}

const FORMATS: Record<string, (value: string) => string | undefined> = {
  'pve-fw-addr-spec': (v) => {
    const result = parseAddressList(v);
    return result.ok ? undefined : result.message;
  },
  'pve-fw-dport-spec': (v) => portListError(v, true),
  'pve-fw-sport-spec': (v) => portListError(v, false),
  'pve-fw-protocol-spec': (v) =>
    v !== '' && v !== '0' && !PROTOCOL_NAMES.has(v) ? `unknown protocol '${v}'` : undefined,
  'pve-fw-icmp-type-spec': (v) =>
    ICMP_NAMES.has(v) || ICMPV6_NAMES.has(v) || v === ''
      ? undefined
      : `invalid icmp-type value '${v}'`,
  'pve-iface': (v) =>
    /^[a-z][a-z0-9_]{1,20}([:.][0-9]+)?$/i.test(v)
      ? undefined
      : `invalid network interface name '${v}'`,
  IPorCIDR: ipOrCidr,
  IPorCIDRorAlias: (v) => (ALIAS_NAME.test(v) ? undefined : ipOrCidr(v)),
  'pve-configid-list': (v) => {
    for (const id of splitList(v))
      if (!/^[a-z][a-z0-9_-]+$/i.test(id)) return `invalid configuration ID '${id}'`;
    return undefined;
  },
  'pve-node': (v) =>
    /^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)$/.test(v)
      ? undefined
      : 'value does not look like a valid node name',
  'pve-vmid': (v) =>
    /^[1-9][0-9]{2,8}$/.test(v) ? undefined : 'value does not look like a valid VM ID',
  'pve-sdn-vnet-id': (v) =>
    /^[a-z][a-z0-9]*[a-z0-9]$/i.test(v) && v.length <= 8
      ? undefined
      : `vnet ID '${v}' contains illegal characters`,
  'pve-fw-conntrack-helper': (v) => {
    const items = perlSplitComma(v);
    if (items.join(',') !== v) return 'extraneous commas in list';
    const unknown = items.find((h) => !CONNTRACK_HELPERS.includes(h));
    return unknown === undefined ? undefined : `unknown helper ${unknown}`;
  },
};

/** The message of a failed format check (Proxmox prefixes it with "invalid format - "). */
export function checkFormat(format: string | object, value: string): string | undefined {
  if (typeof format === 'object') {
    const error = validateLogRatelimit(value);
    return error?.replace(/^format error; /, '');
  }
  const check = FORMATS[format];
  if (!check) throw new Error(`the simulator does not know the format '${format}'`);
  return check(value);
}
