import type { IpSetDefinition } from '../compile';
import { perlNetIpNew } from '../syntax';

export interface Address {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A single address (the packet's source or destination), or undefined. */
export function parseAddress(text: string): Address | undefined {
  const ip = perlNetIpNew(text);
  if (!ip.ok || ip.first !== ip.last) return undefined;
  return { family: ip.version, value: ip.first };
}

interface Network {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
}

// A set member as the kernel stores it: the address masked to its prefix (hash:net masks
// host bits, where Net::IP would refuse them).
function memberNetwork(cidr: string): Network | undefined {
  const [address, prefixText] = cidr.split('/');
  const ip = perlNetIpNew(address ?? '');
  if (!ip.ok) return undefined;
  const width = ip.version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (!(prefix >= 0 && prefix <= width)) return undefined;
  const hostBits = (1n << BigInt(width - prefix)) - 1n;
  const first = ip.first & ~hostBits;
  return { family: ip.version, first, last: first | hostBits, prefix };
}

/**
 * hash:net membership: the most specific member containing the address decides, and a
 * `nomatch` member means "not in the set". (Proxmox's own simulator cannot do nomatch.)
 */
export function ipsetContains(set: IpSetDefinition, address: Address): boolean {
  let best: { prefix: number; nomatch: boolean } | undefined;
  for (const member of set.members) {
    const net = memberNetwork(member.cidr);
    if (!net || net.family !== address.family) continue;
    if (address.value < net.first || address.value > net.last) continue;
    if (!best || net.prefix > best.prefix) best = { prefix: net.prefix, nomatch: member.nomatch };
  }
  return best !== undefined && !best.nomatch;
}
