// What an ipset matches, for hover: entries read as the kernel stores them (host bits cleared,
// unloadable ones explained), then the analysis's own hash:net sweep. Hover parses entries its
// own way to say why one cannot load; test/core/ide/ipset-membership.test.ts checks that both
// readings give the same intervals.
import { Address4, Address6 } from 'ip-address';
import type { Interval, IntervalSet } from '../analysis';
import { sweepMembership } from '../analysis';

export interface KernelEntry {
  readonly version: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
  readonly nomatch: boolean;
}

/** 2^n - 1 for n = 0…128: the host part of a prefix, computed once. */
const HOST_BITS: readonly bigint[] = Array.from({ length: 129 }, (_, n) => (1n << BigInt(n)) - 1n);
const IPV4 = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/;

function ipv4Number(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** Sixteen-bit groups as hex digits; "::" expanded, an IPv4 tail as two groups. */
function ipv6Hex(text: string): string | undefined {
  const [before, after, ...more] = text.split('::');
  if (before === undefined || more.length > 0) return undefined;
  const groups = (half: string): string[] | undefined => {
    const out: string[] = [];
    for (const piece of half === '' ? [] : half.split(':')) {
      if (piece.includes('.')) {
        const v4 = ipv4Number(piece);
        if (v4 === undefined) return undefined;
        out.push(v4.toString(16).padStart(8, '0'));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) out.push(piece.padStart(4, '0'));
      else return undefined;
    }
    return out;
  };
  const head = groups(before);
  const tail = after === undefined ? [] : groups(after);
  if (!head || !tail) return undefined;
  const hex = head.join('') + tail.join('');
  const missing = 32 - hex.length;
  if (missing < 0 || (after === undefined && missing !== 0)) return undefined;
  return head.join('') + '0'.repeat(missing) + tail.join('');
}

/**
 * The entry as the kernel stores it: Proxmox does not check host bits in ipset entries
 * (`10.0.0.5/24` loads as `10.0.0.0/24`); a prefix longer than the address cannot be loaded.
 */
export function kernelEntry(cidr: string, nomatch: boolean): KernelEntry | string {
  const slash = cidr.indexOf('/');
  const address = slash === -1 ? cidr : cidr.slice(0, slash);
  const version = address.includes(':') ? 6 : 4;
  const width = version === 4 ? 32 : 128;
  const prefix = slash === -1 ? width : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0) return 'not a prefix length';
  if (prefix > width) return 'the prefix is longer than the address';
  const digits = version === 4 ? ipv4Number(address)?.toString(16) : ipv6Hex(address);
  if (digits === undefined) return 'not an address the kernel accepts';
  const value = BigInt(`0x${digits}`);
  const host = HOST_BITS[width - prefix]!;
  const first = value - (value & host);
  return { version, first, last: first + host, prefix, nomatch };
}

/** The member intervals of one family, merged and sorted. */
export function familyMembers(entries: readonly KernelEntry[], version: 4 | 6): IntervalSet {
  return sweepMembership(entries.filter((e) => e.version === version));
}

function addressText(version: 4 | 6, value: bigint): string {
  return version === 4
    ? Address4.fromBigInt(value).correctForm()
    : Address6.fromBigInt(value).correctForm();
}

/** `a.b.c.d/n` when the interval is one CIDR block, else `first – last`. */
export function intervalText(version: 4 | 6, [first, last]: Interval): string {
  const size = last - first + 1n;
  const width = version === 4 ? 32 : 128;
  const isBlock = (size & (size - 1n)) === 0n && first % size === 0n;
  if (!isBlock) return `${addressText(version, first)} – ${addressText(version, last)}`;
  const prefix = width - (size.toString(2).length - 1);
  return prefix === width
    ? addressText(version, first)
    : `${addressText(version, first)}/${prefix}`;
}

/** The entry's network as Proxmox would accept it in a rule: `10.0.0.0/24`. */
export function networkText(entry: KernelEntry): string {
  return `${addressText(entry.version, entry.first)}/${entry.prefix}`;
}
