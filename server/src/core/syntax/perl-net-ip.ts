// What pve-firewall learns from `Net::IP->new($elem)` (Net::IP 1.26, Debian 12 / PVE 8):
// whether the item is accepted, its family, and on failure the Net::IP::Error() text that
// ends up in "invalid IP address: ...". The quirks are deliberate: "10.0.0.0/8/8" passes
// as a single address, "0010.0.0.1" fails late, and some inputs fail without setting any
// error at all. See perl-net-ip-address.ts for the per-address rules.

import {
  bitWidth,
  ErrorSink,
  expandAddress,
  IpVersion,
  ipToNumber,
  ipVersion,
  numberToIp,
} from './perl-net-ip-address';
import { plusOperand } from './perl-net-ip-count';
import { isPerlSpace, perlSpaceEnd, perlSpaceStart, perlTrue } from './perl-text';

export type NetIpResult =
  | { ok: true; version: 4 | 6; first: bigint; last: bigint; isRange: boolean }
  | { ok: false; error: string };

interface Normalized {
  begin: string;
  end?: string;
}

// Net::IP tries three shapes in this order; the first whose pattern matches decides, even if a
// later one would have parsed the text. Its patterns, /^(\S+?)(\/\S+)$/, /^(.+?)\s*-\s*(.+)$/
// and /^(.+?)\s+\+\s+(.+)$/, backtrack quadratically on long texts; the functions below find
// the same two parts by hand (test/core/perl-net-ip.test.ts compares them with the patterns).

/** /^(\S+?)(\/\S+)$/: the shortest address before a "/", when no blank is anywhere. */
export function prefixForm(text: string): [string, string] | undefined {
  for (let i = 0; i < text.length; i++) if (isPerlSpace(text[i])) return undefined;
  const slash = text.indexOf('/', 1);
  return slash !== -1 && slash < text.length - 1
    ? [text.slice(0, slash), text.slice(slash)]
    : undefined;
}

/**
 * The second part of /…\s*(.+)$/ (or \s+ when `minBlanks` is 1) after `from`: greedy blanks,
 * then at least one character up to the end, none of them a newline.
 */
function tailAfterBlanks(text: string, from: number, minBlanks: number): number {
  const blanksEnd = perlSpaceStart(text, from);
  if (blanksEnd - from < minBlanks) return -1;
  if (blanksEnd < text.length) return text.indexOf('\n', blanksEnd) === -1 ? blanksEnd : -1;
  // Only blanks follow: the greedy \s* gives back its last one, unless that is a newline.
  const last = text.length - 1;
  return last - from >= minBlanks && text[last] !== '\n' ? last : -1;
}

/**
 * /^(.+?)\s*SEP\s*(.+)$/ (`blanks` 0) or /^(.+?)\s+SEP\s+(.+)$/ (`blanks` 1): the lazy first
 * part ends at the earliest separator it can reach through blanks only.
 */
export function splitAround(
  text: string,
  separator: string,
  blanks: number,
): [string, string] | undefined {
  const firstNewline = text.indexOf('\n');
  for (let at = text.indexOf(separator, 1); at !== -1; at = text.indexOf(separator, at + 1)) {
    const end = Math.max(1, perlSpaceEnd(text, at));
    if (at - end < blanks) continue;
    if (firstNewline !== -1 && firstNewline < end) return undefined;
    const second = tailAfterBlanks(text, at + 1, blanks);
    if (second !== -1) return [text.slice(0, end), text.slice(second)];
  }
  return undefined;
}

function mask(version: IpVersion): bigint {
  return (1n << BigInt(bitWidth(version))) - 1n;
}

function prefixIsValid(
  address: bigint,
  lengthText: string,
  version: IpVersion,
  sink: ErrorSink,
): boolean {
  const width = bitWidth(version);
  const length = Number(lengthText);
  if (length > width) {
    sink.error = `Prefix length ${lengthText} is longer than IP address (${width})`;
    return false;
  }
  if ((address & hostBits(length, version)) !== 0n) {
    sink.error = `Invalid prefix ${address.toString(2).padStart(width, '0')}/${lengthText}`;
    return false;
  }
  return true;
}

function hostBits(length: number, version: IpVersion): bigint {
  return (1n << BigInt(bitWidth(version) - length)) - 1n;
}

/**
 * `a/n` gives a's network; Net::IP also chains "/n,/m" (next network after each) and
 * silently stops at the first piece it cannot read, keeping what it has so far.
 */
function normalizePrefix(ipText: string, lengths: string, sink: ErrorSink): Normalized | undefined {
  const version = ipVersion(ipText, sink);
  if (version === undefined) return undefined;
  const begin = expandAddress(ipText, version, sink);
  if (!perlTrue(begin)) return undefined;
  let current = ipToNumber(begin, version, sink);
  if (current === undefined) return undefined;
  let rest = lengths;
  // Perl's `while ($len)`: the string "0" is false too.
  while (rest !== '' && rest !== '0') {
    const piece = /^\/([0-9]+)(,|$)/.exec(rest);
    if (!piece) break;
    rest = rest.slice(piece[0].length);
    const lengthText = piece[1] as string;
    if (!prefixIsValid(current, lengthText, version, sink)) return undefined;
    current |= hostBits(Number(lengthText), version);
    if (piece[2] === ',') current = (current + 1n) & mask(version);
  }
  return { begin, end: numberToIp(current, version) };
}

function normalizeRange(first: string, second: string, sink: ErrorSink): Normalized | undefined {
  const version = ipVersion(first, sink);
  if (version === undefined) return undefined;
  const begin = expandAddress(first, version, sink);
  if (!perlTrue(begin)) return undefined;
  // The end is expanded in the begin's family without being validated; set() checks it.
  const end = expandAddress(second, version, sink);
  if (!perlTrue(end)) return undefined;
  return { begin, end };
}

function normalizePlus(first: string, countText: string, sink: ErrorSink): Normalized | undefined {
  const version = ipVersion(first, sink);
  if (version === undefined) return undefined;
  const begin = expandAddress(first, version, sink);
  if (!perlTrue(begin)) return undefined;
  const start = ipToNumber(begin, version, sink);
  if (start === undefined) return undefined;
  const step = plusOperand(countText, bitWidth(version));
  if (step === undefined) {
    sink.error = 'IP addresses of different length\n';
    return undefined;
  }
  return { begin, end: numberToIp((start + step) & mask(version), version) };
}

function normalize(text: string, sink: ErrorSink): Normalized | undefined {
  let m = prefixForm(text);
  if (m) return normalizePrefix(m[0], m[1], sink);
  m = splitAround(text, '-', 0);
  if (m) return normalizeRange(m[0], m[1], sink);
  m = splitAround(text, '+', 1);
  if (m) return normalizePlus(m[0], m[1], sink);
  const version = ipVersion(text, sink);
  if (version === undefined) return undefined;
  const begin = expandAddress(text, version, sink);
  return perlTrue(begin) ? { begin } : undefined;
}

/**
 * What `Net::IP->new(text)` does: success with family and the covered address interval
 * [first, last], or the Net::IP::Error() text. An empty error means Net::IP failed without
 * setting one, so Perl would print whatever an earlier call left behind (nothing in a
 * fresh process). `isRange` follows pve-firewall, which calls any item containing "-" a
 * range, whichever way Net::IP actually read it. A trailing "\n" is not modelled (Perl's
 * `$` lets Net::IP accept "10.0.0.1\n"); pve-firewall's tokens never carry one.
 */
export function perlNetIpNew(text: string): NetIpResult {
  const sink: ErrorSink = { error: '' };
  const failed = (): NetIpResult => ({ ok: false, error: sink.error });

  const normalized = normalize(text, sink);
  if (normalized === undefined) return failed();
  // Net::IP re-derives the family from the expanded text, which rejects a few
  // expansions that the first look let through.
  const version = ipVersion(normalized.begin, sink);
  if (version === undefined) return failed();
  const first = ipToNumber(normalized.begin, version, sink);
  if (first === undefined) return failed();
  const end = perlTrue(normalized.end) ? normalized.end : normalized.begin;
  const endVersion = ipVersion(end, sink);
  if (endVersion === undefined) return failed();
  if (endVersion !== version) {
    sink.error = `Begin and End addresses have different IP versions - ${normalized.begin} - ${end}`;
    return failed();
  }
  const last = ipToNumber(end, version, sink);
  if (last === undefined) return failed();
  if (first > last) {
    sink.error = `Begin address is greater than End address ${normalized.begin} - ${end}`;
    return failed();
  }
  return { ok: true, version, first, last, isRange: text.includes('-') };
}
