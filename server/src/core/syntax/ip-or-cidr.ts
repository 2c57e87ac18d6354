// pve-common's address patterns (ParseUtils.pm): no leading zeros in IPv4 octets, the usual
// IPv6 forms with an optional embedded IPv4 tail.
const V4_OCTET = '(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])';
export const IPV4_RE = `(?:(?:${V4_OCTET}\\.){3}${V4_OCTET})`;
const H16 = '(?:[0-9a-fA-F]{1,4})';
const LS32 = `(?:(?:${IPV4_RE}|${H16}:${H16}))`;
export const IPV6_RE =
  '(?:' +
  [
    `(?:(?:(?:${H16}:){6})${LS32})`,
    `(?:(?:::(?:${H16}:){5})${LS32})`,
    `(?:(?:(?:${H16})?::(?:${H16}:){4})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,3}${H16})?::(?:${H16}:){1})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,4}${H16})?::)${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,5}${H16})?::)${H16})`,
    `(?:(?:(?:(?:${H16}:){0,6}${H16})?::))`,
  ].join('|') +
  ')';

const V6_CIDR = new RegExp(`^(?:${IPV6_RE})(/([0-9]+))?$`);
const V4_CIDR = new RegExp(`^(?:${IPV4_RE})(/([0-9]+))?$`);

/**
 * pve-firewall's parse_ip_or_cidr: an address with an optional prefix length (not range
 * checked), /32 and /128 stripped. Undefined where Proxmox says "value does not look like a
 * valid IP address or CIDR network".
 */
export function parseIpOrCidr(text: string): { cidr: string; ipversion: 4 | 6 } | undefined {
  if (V6_CIDR.test(text)) return { cidr: text.replace(/\/128$/, ''), ipversion: 6 };
  if (V4_CIDR.test(text)) return { cidr: text.replace(/\/32$/, ''), ipversion: 4 };
  return undefined;
}
