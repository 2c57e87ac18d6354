import { expandAddress } from '../syntax/perl-net-ip-address';

/**
 * Net::IP::ip_compress_address for IPv6 (Net::IP 1.26): expand, strip leading zeros, then
 * replace the first longest run of zero groups with "::". Purely textual, like the original.
 */
export function netIpCompress(address: string): string {
  let ip = expandAddress(address, 6, { error: '' }) ?? address;
  ip = ip.replace(/(^|:)0+(?=[a-fA-F0-9]+(?::|$))/g, '$1');
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
