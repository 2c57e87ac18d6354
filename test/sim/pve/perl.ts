// The few Perl semantics the simulator's port of Proxmox's code depends on, written down once.
//
// Strings: a .fw file is read as bytes, and Proxmox keeps every value as a byte string except
// comments, which it decodes from UTF-8. Here a byte string is a JS string of code points 0-255
// (latin1) and a decoded string is an ordinary JS string, so JSON.stringify sends either exactly
// as Perl's JSON encoder does, and the digests come out the same.

/** Perl's truth: undef, '' and '0' (and the number 0) are false. */
export function perlTrue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== '0' && value !== 0;
}

/** lc/uc of a byte string: ASCII letters only. */
export function lc(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export function uc(text: string): string {
  return text.replace(/[a-z]+/g, (s) => s.toUpperCase());
}

/** \s of a byte string (no Unicode rules): blank, \t, \n, \v, \f, \r. */
export const SPACE = ' \t\n\u000b\f\r';

export function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && SPACE.includes(ch);
}

/** \h, which Perl matches the same way in every string: blank, tab, no-break space, … */
export function isHorizontal(ch: string | undefined): boolean {
  if (ch === undefined || ch === '') return false;
  const c = ch.charCodeAt(0);
  return (
    c === 0x09 ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    c === 0x180e ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** The text without leading and trailing characters that `is` accepts. */
export function trimBy(text: string, is: (ch: string) => boolean): string {
  let start = 0;
  let end = text.length;
  while (start < end && is(text[start]!)) start++;
  while (end > start && is(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** PVE::Tools::split_list: a NUL-separated list, else items between commas, semicolons, blanks. */
export function splitList(text: string): string[] {
  if (text.includes('\0')) return text.split('\0');
  return text
    .replace(/[,;]/g, ' ')
    .split(/[ \t\n\v\f\r]+/)
    .filter((item) => item !== '');
}

/** A byte string read as UTF-8 (Encode::decode('utf8', …)): bad sequences become U+FFFD. */
export function decodeUtf8(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Encode::encode('utf8', …): a character string as a byte string. */
export function encodeUtf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The seed of Perl's hash order (PERL_HASH_SEED); fixed, so that tests see one order. */
let hashSeed = 0x5eed;

export function setHashSeed(seed: number): void {
  hashSeed = seed;
}

/**
 * The order of `keys %hash`: Perl's hash order, which is neither insertion nor sorted order and
 * differs between processes. Modelled as the keys sorted by a keyed hash of the seed.
 */
export function perlKeys(hash: Readonly<Record<string, unknown>>): string[] {
  const seed = hashSeed;
  const rank = (key: string): number => {
    // FNV-1a over the seed and the key's code units, then a final avalanche.
    let h = (0x811c9dc5 ^ seed) >>> 0;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x45d9f3b) >>> 0;
    h ^= h >>> 16;
    return h;
  };
  return Object.keys(hash)
    .map((key) => ({ key, rank: rank(key) }))
    .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : 1))
    .map((k) => k.key);
}

/** A plain `die "…\n"`: the API answers 500 with the message. */
export class PerlDie extends Error {
  constructor(message: string) {
    super(message.endsWith('\n') ? message : `${message}\n`);
  }
}

/** raise_param_exc: 400 "Parameter verification failed." with the errors per parameter. */
export class ParamException extends Error {
  constructor(readonly errors: Readonly<Record<string, string>>) {
    super('Parameter verification failed.\n');
  }
}

/** The text of $@ for what was thrown inside an eval. */
export function evalError(error: unknown): string {
  if (error instanceof ParamException) {
    // PVE::Exception stringifies as "400 <msg>" plus one line per error.
    return `400 ${error.message}${Object.entries(error.errors)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join('')}`;
  }
  if (error instanceof Error) return error.message;
  throw error;
}

/** Perl's numeric value of a string that looks like an integer (enough for the API's values). */
export function perlInt(text: string | number): number {
  if (typeof text === 'number') return Math.trunc(text);
  const match = /^\s*([+-]?[0-9]+)/.exec(text);
  return match ? Number(match[1]) : 0;
}
