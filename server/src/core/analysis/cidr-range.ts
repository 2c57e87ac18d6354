import { perlNetIpNew } from '../syntax';

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const V6 = /^([0-9a-fA-F:]+)(?:\/(\d{1,3}))?$/;

function v6Value(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [
    ...head,
    ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'),
    ...tail,
  ];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

function network(value: bigint, prefix: number, bits: number): [bigint, bigint] {
  const size = 1n << BigInt(bits - prefix);
  const first = (value / size) * size;
  return [first, first + size - 1n];
}

/**
 * The address interval of a CIDR or address as Proxmox writes them into generated rules and
 * sets. The common forms are read directly (this runs for every member of large ipsets);
 * anything else goes through the Net::IP emulation.
 */
export function cidrRange(text: string): [bigint, bigint] | undefined {
  const v4 = V4.exec(text);
  if (v4) {
    const octets = [v4[1], v4[2], v4[3], v4[4]].map(Number);
    const prefix = v4[5] === undefined ? 32 : Number(v4[5]);
    if (octets.every((o) => o <= 255) && prefix <= 32) {
      const value = octets.reduce((n, o) => (n << 8n) | BigInt(o), 0n);
      return network(value, prefix, 32);
    }
  }
  const v6 = text.includes(':') ? V6.exec(text) : null;
  if (v6) {
    const value = v6Value(v6[1]!);
    const prefix = v6[2] === undefined ? 128 : Number(v6[2]);
    if (value !== undefined && prefix <= 128) return network(value, prefix, 128);
  }
  const parsed = perlNetIpNew(text);
  return parsed.ok ? [parsed.first, parsed.last] : undefined;
}
