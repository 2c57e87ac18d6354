// How the API stores an ipset address (IPSet.pm create_ip): clean_cidr clears host bits with
// Net::IP (FW:102-114), then parse_ip_or_cidr strips /32 and /128 as the file parser does.
import { parseIpOrCidr } from '../syntax';
import { expandAddress, ipToNumber, numberToIp } from '../syntax';
import { perlTrue } from '../syntax';
import { IPV4_RE } from '../syntax';
import { netIpCompressV6 } from '../compile';

const IPV4_ONLY = new RegExp(`^${IPV4_RE}$`);

/** clean_cidr: the address with host bits cleared, or the input when it has no (true) length. */
export function cleanCidr(cidr: string): string {
  const [ip = '', len] = cidr.split('/');
  if (!perlTrue(len)) return cidr;
  const version = IPV4_ONLY.test(ip) ? 4 : 6;
  const sink = { error: '' };
  const expanded = expandAddress(ip, version, sink);
  const value = expanded === undefined ? undefined : ipToNumber(expanded, version, sink);
  if (value === undefined) return cidr;
  const width = version === 4 ? 32 : 128;
  // Perl's string & keeps the shorter operand, so a length above the width masks nothing away.
  const ones = Math.min(Number(len), width);
  const mask = ones === 0 ? 0n : ((1n << BigInt(ones)) - 1n) << BigInt(width - ones);
  const cleared = numberToIp(value & mask, version);
  return `${version === 4 ? cleared : netIpCompressV6(cleared)}/${len}`;
}

/** The address text Proxmox stores when `cidr` is added to an ipset through the API. */
export function apiIpSetCidr(cidr: string): string {
  const cleaned = cleanCidr(cidr);
  return parseIpOrCidr(cleaned)?.cidr ?? cleaned;
}
