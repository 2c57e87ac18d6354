import { expandAddress } from '../syntax';

/**
 * Net::IP::ip_compress_address for IPv6 (Net::IP 1.26): expand, strip leading zeros, then
 * replace the first longest run of zero groups with "::". Purely textual, like the original.
 */
export function netIpCompress(address: string): string {
  return netIpCompressV6(expandAddress(address, 6, { error: '' }) ?? address);
}

/** A group's leading zeros go when only hex digits follow (at least one stays). */
function stripLeadingZeros(group: string): string {
  if (!/^[a-fA-F0-9]+$/.test(group)) return group;
  let at = 0;
  while (at < group.length - 1 && group[at] === '0') at++;
  return group.slice(at);
}

/**
 * The compression of an expanded IPv6 address. Leading zeros are stripped group by group: the
 * original's s/(^|:)0+(?=[a-fA-F0-9]+(?::|$))//g backtracks quadratically on a long group.
 */
export function netIpCompressV6(expanded: string): string {
  let ip = expanded.split(':').map(stripLeadingZeros).join(':');
  let longest = '';
  const runs = /((?:^|:)0(?::0)+(?::|$))/g;
  for (let m = runs.exec(ip); m !== null; m = runs.exec(ip)) {
    if (longest.length < m[1]!.length) longest = m[1]!;
  }
  if (longest !== '') {
    const at = ip.indexOf(longest);
    ip = `${ip.slice(0, at)}::${ip.slice(at + longest.length)}`;
  }
  return ip;
}

/**
 * mac_to_linklocal: the EUI-64 link-local address Proxmox puts into a NIC's ipfilter set
 * (the universal/local bit of the first byte flipped, ff:fe in the middle).
 */
export function macToLinkLocal(mac: string): string {
  const parts = mac.split(':');
  const first = ((parseInt(parts[0] ?? '', 16) || 0) ^ 0x02).toString(16).padStart(2, '0');
  const p = (i: number): string => parts[i] ?? '';
  return `fe80::${first}${p(1)}:${p(2)}FF:FE${p(3)}:${p(4)}${p(5)}`;
}
