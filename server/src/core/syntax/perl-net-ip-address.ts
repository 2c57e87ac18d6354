// Address-level checks of Perl's Net::IP 1.26 (ip_is_ipv4, ip_is_ipv6, ip_get_version,
// ip_expand_address, ip_iptobin, ip_bintoip), rebuilt so that the same strings pass and
// the same Error() text is left behind. Net::IP keeps that text in one global that later
// steps may overwrite or leave untouched, so every helper writes into a shared sink.

import { asciiLower } from './perl-text';

/** Net::IP's global $ERROR; '' stands for "never set" (undef prints as nothing). */
export interface ErrorSink {
  error: string;
}

export type IpVersion = 4 | 6;

export function bitWidth(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}

/** Perl's split drops trailing empty fields, which changes the counts Net::IP relies on. */
function perlSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

export function isIpv4(ip: string, sink: ErrorSink): boolean {
  const fail = (message: string): boolean => {
    sink.error = message;
    return false;
  };
  if (!/^[0-9.]+$/.test(ip)) return fail(`Invalid chars in IP ${ip}`);
  if (ip.startsWith('.')) return fail(`Invalid IP ${ip} - starts with a dot`);
  if (ip.endsWith('.')) return fail(`Invalid IP ${ip} - ends with a dot`);
  // A lone number below 256 is taken as an address of its own (it becomes n.0.0.0).
  if (/^[0-9]+$/.test(ip) && Number(ip) < 256) return true;
  if (count(ip, '.') >= 4) return fail(`Invalid IP address ${ip}`);
  if (ip.includes('..')) return fail(`Empty quad in IP address ${ip}`);
  for (const quad of perlSplit(ip, '.')) {
    // Perl compares numerically, so leading zeros ("010") are fine here.
    if (!(Number(quad) < 256)) return fail(`Invalid quad in IP address ${ip} - ${quad}`);
  }
  return true;
}

export function isIpv6(ip: string, sink: ErrorSink): boolean {
  const fail = (message: string): boolean => {
    sink.error = message;
    return false;
  };
  let colons = count(ip, ':');
  // Net::IP returns here without touching Error(), so whatever was there stays.
  if (!(colons > 0 && colons < 8)) return false;
  let k = 0;
  for (const group of perlSplit(ip, ':')) {
    k++;
    if (group === '' || /^[0-9a-f]{1,4}$/i.test(group)) continue;
    // Only the final group may be a dotted quad, and it counts as two groups.
    if (k === colons + 1 && isIpv4(group, sink)) {
      colons++;
      continue;
    }
    return fail(`Invalid IP address ${ip}`);
  }
  if (/^:[^:]/.test(ip)) return fail(`Invalid address ${ip} (starts with :)`);
  if (/[^:]:$/.test(ip)) return fail(`Invalid address ${ip} (ends with :)`);
  // Overlapping count: ":::" holds two "::" patterns.
  if ((ip.match(/:(?=:)/g) ?? []).length > 1) {
    return fail(`Invalid address ${ip} (More than one :: pattern)`);
  }
  if (colons !== 7 && !ip.includes('::')) return fail(`Invalid number of octets ${ip}`);
  return true;
}

export function ipVersion(ip: string, sink: ErrorSink): IpVersion | undefined {
  if (!ip.includes(':') && isIpv4(ip, sink)) return 4;
  if (isIpv6(ip, sink)) return 6;
  return undefined;
}

function expandIpv4(ip: string, sink: ErrorSink): string | undefined {
  const quads = perlSplit(ip, '.');
  if (quads.length > 4) {
    sink.error = `Not a valid IPv address ${ip}`;
    return undefined;
  }
  // Stricter than isIpv4: at most three digits, so "0010" is rejected only here.
  if (!quads.every((q) => /^[0-9]{1,3}$/.test(q))) {
    sink.error = `Not a valid IPv4 address ${ip}`;
    return undefined;
  }
  return [...quads.map((q) => String(Number(q))), '0', '0', '0', '0'].slice(0, 4).join('.');
}

/** The two hex groups Net::IP substitutes for a dotted quad inside an IPv6 address. */
function embeddedIpv4Groups(text: string, sink: ErrorSink): string {
  const expanded = expandIpv4(text, sink);
  if (expanded === undefined) {
    // Net::IP then feeds an empty argument list down the conversion chain; the
    // last step complains and the group ends up empty rather than aborting.
    sink.error = 'Invalid IP length for binary IP 6\n';
    return '';
  }
  const value = ipToNumber(expanded, 4, sink) ?? 0n;
  return `${hex4(value >> 16n)}:${hex4(value & 0xffffn)}`;
}

function hex4(value: bigint): string {
  return value.toString(16).padStart(4, '0');
}

/**
 * Long form: IPv4 padded to four quads, IPv6 to eight four-digit lower-case groups. The
 * IPv6 side is purely textual and does not validate, which is how a range's end slips
 * through with oddities that only the later version check catches.
 */
export function expandAddress(ip: string, version: IpVersion, sink: ErrorSink): string | undefined {
  if (version === 4) return expandIpv4(ip, sink);
  let doubleColons = 0;
  const marked = ip.replace(/::/g, () => {
    doubleColons++;
    return ':!:';
  });
  if (doubleColons > 1) {
    sink.error = 'Too many :: in ip';
    return undefined;
  }
  const groups = perlSplit(marked, ':');
  let total = groups.length;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as string;
    if (group.includes('.')) {
      groups[i] = embeddedIpv4Groups(group, sink);
      total++;
    } else {
      groups[i] = '0'.repeat(Math.max(0, 4 - group.length)) + group;
    }
  }
  const gap = groups.indexOf('000!');
  // Perl's slice @zeros[0 .. 8 - total] is empty once total passes 8, so "::" can vanish.
  if (gap >= 0)
    groups[gap] = Array<string>(Math.max(0, 9 - total))
      .fill('0000')
      .join(':');
  return asciiLower(groups.join(':'));
}

export function ipToNumber(ip: string, version: IpVersion, sink: ErrorSink): bigint | undefined {
  if (version === 4) {
    // pack('C') keeps the low byte, which matters for quads up to 999 in IPv6 tails.
    const quads = perlSplit(ip, '.').slice(0, 4);
    while (quads.length < 4) quads.push('0');
    return quads.reduce((acc, q) => (acc << 8n) | BigInt((Number(q) || 0) & 0xff), 0n);
  }
  const digits = ip.replace(/:/g, '');
  if (digits.length !== 32 || !/^[0-9a-f]*$/i.test(digits)) {
    sink.error = `Bad IP address ${digits}`;
    return undefined;
  }
  return BigInt(`0x${digits}`);
}

export function numberToIp(value: bigint, version: IpVersion): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(hex4((value >> shift) & 0xffffn));
  return groups.join(':');
}
