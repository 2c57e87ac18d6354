// Proxmox's `digest` values (copy_list_with_digest and copy_opject_with_digest in
// pve-firewall's src/PVE/Firewall.pm): SHA-1 over the parsed list or options hash, never over
// the file bytes. Exact to the byte, so a push can send the digest the server will compute.
import { sha1Hex, utf8Bytes } from './sha1';

export type DigestRecord = Readonly<Record<string, unknown>>;

/** SHA-1 of no input: the digest of an empty list (whose GET carries no element to show it). */
export const EMPTY_DIGEST = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

// Comments are the only values the parser decodes from UTF-8 (FW:3166, 3415, 3489, 3516, 3565).
// Every other value is a Perl byte string, and encode_utf8 in copy_list_with_digest then encodes
// each of its bytes once more (a byte >= 0x80 becomes two bytes).
const DECODED_KEYS = new Set(['comment']);

/** A string whose UTF-8 encoding is the double encoding Perl applies to a byte string. */
function asPerlBytes(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return String.fromCharCode(...utf8Bytes(text));
}

/** Perl's string form of a scalar the loader stores: integers print in decimal. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '';
  return undefined;
}

function sortedKeys(record: DigestRecord): string[] {
  // Keys are ASCII, where Perl's byte order and JavaScript's code-unit order agree.
  return Object.keys(record).sort();
}

/**
 * copy_list_with_digest (FW:1253-1281): for each element in order, for each key in sorted order
 * whose value is defined and not a reference, `key:value\n` with the value UTF-8 encoded.
 * `errors` is a reference and so never counts.
 */
export function listDigest(list: readonly DigestRecord[]): string {
  const parts: string[] = [];
  for (const entry of list) {
    for (const key of sortedKeys(entry)) {
      const text = scalarText(entry[key]);
      if (text === undefined) continue;
      parts.push(key, ':', DECODED_KEYS.has(key) ? text : asPerlBytes(text), '\n');
    }
  }
  return sha1Hex(utf8Bytes(parts.join('')));
}

/** copy_opject_with_digest (FW:1233-1251): the same over one hash, values added as raw bytes. */
export function objectDigest(object: DigestRecord): string {
  const parts: string[] = [];
  for (const key of sortedKeys(object)) {
    const text = scalarText(object[key]);
    if (text !== undefined) parts.push(key, ':', text, '\n');
  }
  return sha1Hex(utf8Bytes(parts.join('')));
}
