// How Linux connection tracking classifies an ICMP or ICMPv6 packet that arrives without a
// connection of its own (net/netfilter/nf_conntrack_proto_icmp.c and _icmpv6.c):
//   - an error message (IPv4 destination-unreachable, source-quench, redirect, time-exceeded,
//     parameter-problem; IPv6 types below 128) is RELATED to the connection whose packet it
//     quotes, and INVALID when it quotes none;
//   - only a request (IPv4 echo, timestamp, information and address-mask requests; IPv6 echo
//     request and node-information query) can open a connection: it is NEW;
//   - a reply is ESTABLISHED when it answers a request, and INVALID otherwise; so is every
//     other type (router advertisements over IPv4, unassigned types);
//   - IPv6 neighbour discovery and multicast listener messages are never tracked (UNTRACKED):
//     they match neither INVALID nor NEW nor RELATED,ESTABLISHED.

export type IcmpConntrackClass = 'error' | 'request' | 'reply' | 'untracked' | 'other';

const V4_ERRORS = new Set([3, 4, 5, 11, 12]);
const V4_REQUESTS = new Set([8, 13, 15, 17]);
const V4_REPLIES = new Set([0, 14, 16, 18]);
const V6_REQUESTS = new Set([128, 139]);
const V6_REPLIES = new Set([129, 140]);
const V6_UNTRACKED = new Set([130, 131, 132, 133, 134, 135, 136, 143]);

/** What conntrack makes of an ICMP (family 4) or ICMPv6 (family 6) message of this type. */
export function icmpConntrackClass(type: number, family: 4 | 6): IcmpConntrackClass {
  if (family === 4) {
    if (V4_ERRORS.has(type)) return 'error';
    if (V4_REQUESTS.has(type)) return 'request';
    return V4_REPLIES.has(type) ? 'reply' : 'other';
  }
  if (type < 128) return 'error';
  if (V6_REQUESTS.has(type)) return 'request';
  if (V6_REPLIES.has(type)) return 'reply';
  return V6_UNTRACKED.has(type) ? 'untracked' : 'other';
}

/**
 * The ICMP types (as [first, last] of type * 256 + code) whose packet is INVALID when it
 * belongs to no connection: every class but requests and untracked messages.
 */
export function icmpInvalidWithoutConnection(family: 4 | 6): [number, number][] {
  const out: [number, number][] = [];
  for (let type = 0; type <= 255; type++) {
    const cls = icmpConntrackClass(type, family);
    if (cls === 'request' || cls === 'untracked') continue;
    const last = out[out.length - 1];
    if (last && last[1] === type * 256 - 1) last[1] = type * 256 + 255;
    else out.push([type * 256, type * 256 + 255]);
  }
  return out;
}
