// The lexical ground of proxmox-ve-config's parser (the Rust side of Proxmox's firewall): names,
// blanks, booleans, Rust's integer and IP address parsing, and the error texts these give. Every
// function returns a value or throws RustError with the text the Rust code would print.

/** An error as proxmox-firewall logs it (anyhow's `{:#}`: the message, then each cause). */
export class RustError extends Error {
  constructor(message: string) {
    // Thrown and caught by the thousand (a rule's address is tried as a list, then as a set
    // name, then as an alias): capturing a stack cost more than the parse, and none is read.
    const engine = Error as { stackTraceLimit?: number | undefined };
    const limit = engine.stackTraceLimit;
    engine.stackTraceLimit = 0;
    super(message);
    engine.stackTraceLimit = limit;
    this.name = 'RustError';
  }
}

export function fail(message: string): never {
  throw new RustError(message);
}

/** Rust's `{:?}` of a string: quoted, with `"` and `\` escaped. */
export function debugStr(text: string): string {
  let out = '"';
  for (const ch of text) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return `${out}"`;
}

const ASCII_WS = new Set([' ', '\t', '\n', '\r', '\f']);

export function isAsciiWhitespace(ch: string | undefined): boolean {
  return ch !== undefined && ASCII_WS.has(ch);
}

const WHITE_SPACE = /^[\s\u0085]$/u;

/** Unicode White_Space as `str::trim` sees it (one character; a loop, never a backtracking run). */
function isWhiteSpace(ch: string): boolean {
  return WHITE_SPACE.test(ch);
}

/** `str::trim`: Unicode White_Space at both ends. */
export function rustTrim(text: string): string {
  let end = text.length;
  while (end > 0 && isWhiteSpace(text.charAt(end - 1))) end--;
  return rustTrimStart(text.slice(0, end));
}

export function rustTrimStart(text: string): string {
  let start = 0;
  while (start < text.length && isWhiteSpace(text.charAt(start))) start++;
  return text.slice(start);
}

function isAsciiAlpha(ch: string | undefined): boolean {
  return ch !== undefined && /^[A-Za-z]$/.test(ch);
}

function isNameChar(ch: string): boolean {
  return /^[A-Za-z0-9_-]$/.test(ch);
}

/** A name (ASCII letter, then letters, digits, `-`, `_`) and the untrimmed rest, or undefined. */
export function matchName(line: string): [string, string] | undefined {
  if (!isAsciiAlpha(line[0])) return undefined;
  let end = 1;
  while (end < line.length && isNameChar(line.charAt(end))) end++;
  return [line.slice(0, end), line.slice(end)];
}

/** Up to the next ASCII blank, and the trimmed rest; undefined when that part is empty. */
export function matchNonWhitespace(line: string): [string, string] | undefined {
  let pos = 0;
  while (pos < line.length && !isAsciiWhitespace(line[pos])) pos++;
  const text = line.slice(0, pos);
  const rest = pos < line.length ? rustTrimStart(line.slice(pos)) : '';
  return text === '' ? undefined : [text, rest];
}

/** Leading ASCII digits and the rest. */
export function matchDigits(line: string): [string, string] | undefined {
  const m = /^[0-9]+/.exec(line);
  return m ? [m[0], line.slice(m[0].length)] : undefined;
}

/** `key: value` split at the first colon, both trimmed. */
export function splitKeyValue(line: string): [string, string] | undefined {
  const at = line.indexOf(':');
  if (at === -1) return undefined;
  return [rustTrim(line.slice(0, at)), rustTrim(line.slice(at + 1))];
}

/** The firewall's own boolean (log_ratelimit): 0/1 and false/true, off/on, no/yes in any case. */
export function parseBool(value: string): boolean {
  const lower = value.toLowerCase();
  if (value === '0' || ['false', 'off', 'no'].includes(lower)) return false;
  if (value === '1' || ['true', 'on', 'yes'].includes(lower)) return true;
  return fail(`not a boolean: ${debugStr(value)}`);
}

/** proxmox-serde's Perl-style boolean, as options read it. */
export function perlBool(value: string): boolean {
  const lower = value.toLowerCase();
  if (value === '1' || ['true', 'yes', 'on'].includes(lower)) return true;
  if (value === '0' || ['false', 'no', 'off'].includes(lower)) return false;
  return fail(`invalid value: string ${debugStr(value)}, expected a boolean-like value`);
}

const INT_LIMITS = {
  u8: [0n, 255n],
  u16: [0n, 65535n],
  i64: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

export type IntType = keyof typeof INT_LIMITS;

/** Rust's `str::parse::<T>()` for an integer type, with ParseIntError's texts. */
export function parseRustInt(text: string, type: IntType): number {
  const r = tryRustInt(text, type);
  if (typeof r === 'string') fail(r);
  return r;
}

/** The integer, or ParseIntError's text. */
export function tryRustInt(text: string, type: IntType): number | string {
  if (text === '') return 'cannot parse integer from empty string';
  const [min, max] = INT_LIMITS[type];
  let digits = text;
  let negative = false;
  if (text[0] === '+' || (text[0] === '-' && min < 0n)) {
    negative = text[0] === '-';
    digits = text.slice(1);
  }
  if (digits === '' || !/^[0-9]+$/.test(digits)) return 'invalid digit found in string';
  const value = negative ? -BigInt(digits) : BigInt(digits);
  if (value > max) return 'number too large to fit in target type';
  if (value < min) return 'number too small to fit in target type';
  return Number(value);
}

/** std's Ipv4Addr parser: four decimal octets, no leading zeros, nothing else. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part) || (part.length > 1 && part[0] === '0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** std's Ipv6Addr parser (RFC 4291 text, an IPv4 tail allowed, no zone): the 128-bit value. */
export function parseIpv6(text: string): bigint | undefined {
  const [before, after, ...more] = text.split('::');
  if (before === undefined || more.length > 0) return undefined;
  const groupsOf = (part: string, allowV4Tail: boolean): number[] | undefined => {
    if (part === '') return [];
    const items = part.split(':');
    const out: number[] = [];
    for (const [i, item] of items.entries()) {
      if (allowV4Tail && i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
        continue;
      }
      if (!/^[0-9A-Fa-f]{1,4}$/.test(item)) return undefined;
      out.push(parseInt(item, 16));
    }
    return out;
  };
  let groups: number[];
  if (after === undefined) {
    const all = groupsOf(before, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  } else {
    const head = groupsOf(before, false);
    const tail = groupsOf(after, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

export type Family = 4 | 6;

/** An address with a prefix length; the address keeps its host bits, as Rust's Cidr does. */
export interface RustCidr {
  readonly family: Family;
  readonly address: bigint;
  readonly mask: number;
  readonly text: string;
}

export interface RustRange {
  readonly family: Family;
  readonly start: bigint;
  readonly last: bigint;
  readonly text: string;
}

/** A Cidr, or the CidrError's text as proxmox-firewall logs it. */
export function tryCidr(text: string): RustCidr | string {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const maskText = slash === -1 ? undefined : text.slice(slash + 1);
  const v4 = parseIpv4(addr);
  if (v4 !== undefined) {
    const mask = maskText === undefined ? 32 : tryRustInt(maskText, 'u8');
    if (typeof mask === 'number' && mask <= 32)
      return { family: 4, address: BigInt(v4), mask, text };
  }
  // Ipv4Cidr failed: Rust goes on with Ipv6Cidr, whose error is the one reported.
  const v6 = parseIpv6(addr);
  if (v6 === undefined) return 'invalid IP address: invalid IPv6 address syntax';
  const mask = maskText === undefined ? 128 : tryRustInt(maskText, 'u8');
  if (typeof mask !== 'number' || mask > 128) return 'invalid netmask';
  return { family: 6, address: v6, mask, text };
}

export function parseCidr(text: string): RustCidr {
  const r = tryCidr(text);
  if (typeof r === 'string') fail(r);
  return r;
}

/** An IpRange `a-b` of one family, or IpRangeError's text. */
export function tryRange(text: string): RustRange | string {
  const dash = text.indexOf('-');
  if (dash === -1) return 'invalid ip range format';
  const a = text.slice(0, dash);
  const b = text.slice(dash + 1);
  const a4 = parseIpv4(a);
  const b4 = parseIpv4(b);
  if (a4 !== undefined && b4 !== undefined) {
    if (a4 > b4) return 'start is greater than last';
    return { family: 4, start: BigInt(a4), last: BigInt(b4), text };
  }
  const a6 = parseIpv6(a);
  const b6 = parseIpv6(b);
  if (a6 !== undefined && b6 !== undefined) {
    if (a6 > b6) return 'start is greater than last';
    return { family: 6, start: a6, last: b6, text };
  }
  return 'invalid ip range format';
}

/** The first and last address a prefix covers (host bits cleared, as nft stores it). */
export function cidrBounds(cidr: RustCidr): [bigint, bigint] {
  const bits = cidr.family === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - cidr.mask);
  const start = (cidr.address / size) * size;
  return [start, start + size - 1n];
}
