// ICMP type names as iptables (extensions/libipt_icmp.c) and ip6tables (libip6t_icmp6.c)
// read them: a type and the range of codes the name matches. Proxmox passes the names through
// unchanged (spec 8.4), so their meaning is iptables'. The name lists themselves are generated
// from shared/data (icmp-types.ts); a test keeps the two in step.

/** [type, lowest code, highest code] */
export type IcmpCodeRange = readonly [number, number, number];

const ANY_CODE = 255;

export const ICMP_CODES: Readonly<Record<string, IcmpCodeRange>> = {
  'echo-reply': [0, 0, ANY_CODE],
  'destination-unreachable': [3, 0, ANY_CODE],
  'network-unreachable': [3, 0, 0],
  'host-unreachable': [3, 1, 1],
  'protocol-unreachable': [3, 2, 2],
  'port-unreachable': [3, 3, 3],
  'fragmentation-needed': [3, 4, 4],
  'source-route-failed': [3, 5, 5],
  'network-unknown': [3, 6, 6],
  'host-unknown': [3, 7, 7],
  'network-prohibited': [3, 9, 9],
  'host-prohibited': [3, 10, 10],
  'TOS-network-unreachable': [3, 11, 11],
  'TOS-host-unreachable': [3, 12, 12],
  'communication-prohibited': [3, 13, 13],
  'host-precedence-violation': [3, 14, 14],
  'precedence-cutoff': [3, 15, 15],
  'source-quench': [4, 0, ANY_CODE],
  redirect: [5, 0, ANY_CODE],
  'network-redirect': [5, 0, 0],
  'host-redirect': [5, 1, 1],
  'TOS-network-redirect': [5, 2, 2],
  'TOS-host-redirect': [5, 3, 3],
  'echo-request': [8, 0, ANY_CODE],
  'router-advertisement': [9, 0, ANY_CODE],
  'router-solicitation': [10, 0, ANY_CODE],
  'time-exceeded': [11, 0, ANY_CODE],
  'ttl-zero-during-transit': [11, 0, 0],
  'ttl-zero-during-reassembly': [11, 1, 1],
  'parameter-problem': [12, 0, ANY_CODE],
  'ip-header-bad': [12, 0, 0],
  'required-option-missing': [12, 1, 1],
  'timestamp-request': [13, 0, ANY_CODE],
  'timestamp-reply': [14, 0, ANY_CODE],
  'address-mask-request': [17, 0, ANY_CODE],
  'address-mask-reply': [18, 0, ANY_CODE],
};

export const ICMPV6_CODES: Readonly<Record<string, IcmpCodeRange>> = {
  'destination-unreachable': [1, 0, ANY_CODE],
  'no-route': [1, 0, 0],
  'communication-prohibited': [1, 1, 1],
  'beyond-scope': [1, 2, 2],
  'address-unreachable': [1, 3, 3],
  'port-unreachable': [1, 4, 4],
  'failed-policy': [1, 5, 5],
  'reject-route': [1, 6, 6],
  'packet-too-big': [2, 0, ANY_CODE],
  'time-exceeded': [3, 0, ANY_CODE],
  'ttl-zero-during-transit': [3, 0, 0],
  'ttl-zero-during-reassembly': [3, 1, 1],
  'parameter-problem': [4, 0, ANY_CODE],
  'bad-header': [4, 0, 0],
  'unknown-header-type': [4, 1, 1],
  'unknown-option': [4, 2, 2],
  'echo-request': [128, 0, ANY_CODE],
  'echo-reply': [129, 0, ANY_CODE],
  'router-solicitation': [133, 0, ANY_CODE],
  'router-advertisement': [134, 0, ANY_CODE],
  'neighbour-solicitation': [135, 0, ANY_CODE],
  'neighbor-solicitation': [135, 0, ANY_CODE],
  'neighbour-advertisement': [136, 0, ANY_CODE],
  'neighbor-advertisement': [136, 0, ANY_CODE],
  redirect: [137, 0, ANY_CODE],
};

/**
 * The ICMP (type, code) pairs a name or number matches, as [lo, hi] of type * 256 + code;
 * undefined for a name the family does not know. `any` (IPv4) matches every type.
 */
export function icmpRange(value: string, family: 4 | 6): readonly [number, number] | undefined {
  if (family === 4 && value === 'any') return [0, 65535];
  if (/^[0-9]+$/.test(value)) {
    const type = Number(value);
    return type <= 255 ? [type * 256, type * 256 + 255] : undefined;
  }
  const entry = (family === 4 ? ICMP_CODES : ICMPV6_CODES)[value];
  return entry ? [entry[0] * 256 + entry[1], entry[0] * 256 + entry[2]] : undefined;
}
