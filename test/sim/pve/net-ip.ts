// What PVE::Firewall uses of Net::IP 1.26 (Debian's libnet-ip-perl): Net::IP->new with its
// error text, and the helpers clean_cidr calls. Written from Net::IP's documented behaviour and
// its code paths (ip_normalize, set, ip_is_ipv4/6, ip_expand_address, ip_check_prefix), with
// addresses as strings of '0'/'1' bits as Net::IP keeps them, so the error texts come out alike.
import { isSpace } from './perl';

/** Net::IP's $ERROR: set by the failing helper, and left as it was where a path sets none. */
let lastError = '';

function fail(message: string): undefined {
  lastError = message;
  return undefined;
}

function failed(message: string): false {
  lastError = message;
  return false;
}

/** $Net::IP::ERROR = '' (for tests that compare one input at a time). */
export function clearNetIpError(): void {
  lastError = '';
}

/** Net::IP::Error() */
export function netIpError(): string {
  return lastError;
}

export function ipLength(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

/** ip_is_ipv4 */
export function isIpv4(ip: string): boolean {
  if (!/^[0-9.]+$/.test(ip)) return failed(`Invalid chars in IP ${ip}`);
  if (ip.startsWith('.')) return failed(`Invalid IP ${ip} - starts with a dot`);
  if (ip.endsWith('.')) return failed(`Invalid IP ${ip} - ends with a dot`);
  if (/^[0-9]+$/.test(ip) && Number(ip) < 256) return true;
  const dots = ip.split('.').length - 1;
  if (dots > 3) return failed(`Invalid IP address ${ip}`);
  if (ip.includes('..')) return failed(`Empty quad in IP address ${ip}`);
  for (const quad of ip.split('.'))
    if (!(Number(quad) < 256)) return failed(`Invalid quad in IP address ${ip} - ${quad}`);
  return true;
}

/** ip_is_ipv6 */
export function isIpv6(ip: string): boolean {
  let colons = ip.split(':').length - 1;
  if (!(colons > 0 && colons < 8)) return false;
  // Perl's split drops trailing empty fields.
  const parts = ip.split(':');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  for (let k = 1; k <= parts.length; k++) {
    const part = parts[k - 1]!;
    if (part === '' || /^[a-f0-9]{1,4}$/i.test(part)) continue;
    if (k === colons + 1 && isIpv4(part)) {
      colons++;
      continue;
    }
    return failed(`Invalid IP address ${ip}`);
  }
  if (/^:[^:]/.test(ip)) return failed(`Invalid address ${ip} (starts with :)`);
  if (/[^:]:$/.test(ip)) return failed(`Invalid address ${ip} (ends with :)`);
  if ((ip.match(/:(?=:)/g) ?? []).length > 1)
    return failed(`Invalid address ${ip} (More than one :: pattern)`);
  if (colons !== 7 && !ip.includes('::')) return failed(`Invalid number of octets ${ip}`);
  return true;
}

/** ip_get_version */
export function ipVersion(ip: string): 4 | 6 | undefined {
  if (!ip.includes(':') && isIpv4(ip)) return 4;
  if (isIpv6(ip)) return 6;
  return undefined;
}

/** ip_expand_address */
export function expandAddress(ip: string, version: 4 | 6): string | undefined {
  if (version === 4) {
    const quads = ip.split('.');
    while (quads.length > 0 && quads[quads.length - 1] === '') quads.pop();
    if (quads.length > 4) return fail(`Not a valid IPv address ${ip}`);
    const clean = [0, 0, 0, 0];
    for (const quad of [...quads].reverse()) {
      if (!/^[0-9]{1,3}$/.test(quad)) return fail(`Not a valid IPv4 address ${ip}`);
      clean.unshift(Number(quad));
    }
    return clean.slice(0, 4).join('.');
  }
  const marked = ip.split('::');
  if (marked.length > 2) return fail('Too many :: in ip');
  const parts = marked.join(':!:').split(':');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  let count = parts.length;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.includes('.')) {
      const v4 = expandAddress(part, 4);
      if (v4 === undefined) return undefined;
      parts[i] = bitsToIp(ipToBits(v4, 4)!, 6)!.slice(-9);
      count++;
      continue;
    }
    parts[i] = part.padStart(4, '0');
  }
  const gap = parts.indexOf('000!');
  if (gap !== -1)
    parts[gap] = Array.from({ length: Math.max(0, 9 - count) }, () => '0000').join(':');
  return parts.join(':').toLowerCase();
}

/** ip_iptobin */
export function ipToBits(ip: string, version: 4 | 6): string | undefined {
  if (version === 4)
    return ip
      .split('.')
      .slice(0, 4)
      .map((q) => (Number(q) & 0xff).toString(2).padStart(8, '0'))
      .join('')
      .padEnd(32, '0');
  const hex = ip.replace(/:/g, '');
  if (hex.length !== 32) return fail(`Bad IP address ${hex}`);
  return [...hex].map((h) => parseInt(h, 16).toString(2).padStart(4, '0')).join('');
}

/** ip_bintoip */
export function bitsToIp(bits: string, version: 4 | 6): string | undefined {
  const length = ipLength(version);
  if (bits.length > length) return fail(`Invalid IP length for binary IP ${bits}\n`);
  const full = bits.padStart(length, '0');
  if (version === 4) return [0, 8, 16, 24].map((i) => parseInt(full.slice(i, i + 8), 2)).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 128; i += 16)
    groups.push(
      parseInt(full.slice(i, i + 16), 2)
        .toString(16)
        .padStart(4, '0'),
    );
  return groups.join(':');
}

/** ip_check_prefix */
function checkPrefix(bits: string, length: number, version: 4 | 6): boolean {
  if (length > bits.length)
    return failed(`Prefix length ${length} is longer than IP address (${bits.length})`);
  const rest = bits.slice(length);
  if (!/^0*$/.test(rest)) return failed(`Invalid prefix ${bits}/${length}`);
  if (rest.length + length !== ipLength(version)) return failed(`Invalid prefix length /${length}`);
  return true;
}

/** ip_binadd of two equally long bit strings (the carry out of the top bit is lost). */
function addBits(a: string, b: string): string {
  let out = '';
  let carry = 0;
  for (let i = a.length - 1; i >= 0; i--) {
    const sum = Number(a[i]) + Number(b[i]) + carry;
    out = String(sum % 2) + out;
    carry = sum > 1 ? 1 : 0;
  }
  return out;
}

/** The "ADDRESS/LEN" form: the shortest non-blank text before a "/", then at least one more. */
function prefixForm(data: string): [string, string] | undefined {
  if ([...data].some(isSpace)) return undefined;
  const slash = data.indexOf('/', 1);
  return slash !== -1 && slash < data.length - 1
    ? [data.slice(0, slash), data.slice(slash)]
    : undefined;
}

/** /^(.+?)\s*SEP\s*(.+)$/ (blanks 0) or /^(.+?)\s+SEP\s+(.+)$/ (blanks 1), no newline inside. */
function aroundSeparator(data: string, sep: string, blanks: number): [string, string] | undefined {
  if (data.slice(0, -1).includes('\n')) return undefined;
  const text = data.endsWith('\n') ? data.slice(0, -1) : data;
  for (let i = 1; i < text.length; i++) {
    let j = i;
    while (isSpace(text[j])) j++;
    if (text[j] !== sep || j - i < blanks) continue;
    let k = j + 1;
    while (isSpace(text[k])) k++;
    if (k - (j + 1) < blanks) continue;
    // The greedy blanks give back one character if nothing else is left for the second part.
    if (k >= text.length) k = text.length - 1;
    if (k <= j || k - (j + 1) < blanks) continue;
    return [text.slice(0, i), text.slice(k)];
  }
  return undefined;
}

/** ip_normalize: the first and last address of what `data` denotes. */
function normalize(data: string): [string, string | undefined] | undefined {
  const prefix = prefixForm(data);
  if (prefix) {
    const [address, lengths] = prefix;
    const version = ipVersion(address);
    if (!version) return undefined;
    const ip = expandAddress(address, version);
    if (ip === undefined) return undefined;
    let bits = ipToBits(ip, version);
    if (bits === undefined) return undefined;
    let rest = lengths;
    while (rest !== '') {
      const match = /^\/([0-9]+)(,|$)/.exec(rest);
      if (!match) break;
      rest = rest.slice(match[0].length);
      const length = Number(match[1]);
      if (!checkPrefix(bits, length, version)) return undefined;
      bits = bits.slice(0, length).padEnd(ipLength(version), '1');
      if (match[2] === ',') bits = addBits(bits, '1'.padStart(bits.length, '0'));
    }
    return [ip, bitsToIp(bits, version)];
  }
  const range = aroundSeparator(data, '-', 0);
  if (range) {
    const version = ipVersion(range[0]);
    if (!version) return undefined;
    const first = expandAddress(range[0], version);
    const last = first === undefined ? undefined : expandAddress(range[1], version);
    return first === undefined || last === undefined ? undefined : [first, last];
  }
  const plus = aroundSeparator(data, '+', 1);
  if (plus) {
    const version = ipVersion(plus[0]);
    if (!version) return undefined;
    const first = expandAddress(plus[0], version);
    if (first === undefined) return undefined;
    const bits = ipToBits(first, version);
    if (bits === undefined || !/^[0-9]+$/.test(plus[1])) return undefined;
    const add = BigInt(plus[1]).toString(2).padStart(bits.length, '0');
    if (add.length > bits.length) return undefined;
    return [first, bitsToIp(addBits(bits, add), version)];
  }
  const version = ipVersion(data);
  if (!version) return undefined;
  const ip = expandAddress(data, version);
  return ip === undefined ? undefined : [ip, undefined];
}

export interface NetIp {
  readonly version: 4 | 6;
  /** The first address, expanded (Net::IP's ->ip()). */
  readonly ip: string;
  readonly firstBits: string;
  readonly lastBits: string;
}

/** Net::IP->new($data): the object, or undefined with netIpError() saying why. */
export function netIpNew(data: string): NetIp | undefined {
  const normal = normalize(data);
  if (!normal) return undefined;
  const [begin, endOrUndef] = normal;
  const version = ipVersion(begin);
  if (!version) return undefined;
  const firstBits = ipToBits(begin, version);
  if (firstBits === undefined) return undefined;
  const end = endOrUndef || begin;
  const endVersion = ipVersion(end);
  if (!endVersion) return undefined;
  if (endVersion !== version)
    return fail(`Begin and End addresses have different IP versions - ${begin} - ${end}`);
  const lastBits = ipToBits(end, version);
  if (lastBits === undefined) return undefined;
  if (firstBits > lastBits)
    return fail(`Begin address is greater than End address ${begin} - ${end}`);
  // A range that is one prefix passes ip_check_prefix by construction; nothing else can fail.
  return { version, ip: begin, firstBits, lastBits };
}

/** ip_compress_address */
export function compressAddress(ip: string, version: 4 | 6): string | undefined {
  if (version === 4) return ip;
  const expanded = expandAddress(ip, version);
  if (expanded === undefined) return undefined;
  const groups = expanded.split(':').map((g) => g.replace(/^0+(?=[0-9a-f])/i, ''));
  const text = groups.join(':');
  // The longest run of ":0:0…" (the first of equally long ones) becomes "::".
  let best = '';
  const runs = /(?:^|:)0(?::0)+(?::|$)/g;
  for (let m = runs.exec(text); m; m = runs.exec(text)) if (m[0].length > best.length) best = m[0];
  if (best === '') return text;
  const at = text.indexOf(best);
  return `${text.slice(0, at)}::${text.slice(at + best.length)}`;
}
