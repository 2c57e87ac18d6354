// The API's `digest`: SHA-1 over the loaded list or hash (copy_list_with_digest and
// copy_opject_with_digest in PVE::Firewall), never over the file's bytes.
import { createHash } from 'node:crypto';

/** Perl's string form of a scalar the loader stored; undefined for undef and references. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * copy_list_with_digest: for each element in order, `key:value\n` for its defined, non-reference
 * values in sorted key order, each value UTF-8 encoded (so a byte string's high bytes are encoded
 * twice, as Perl does). Returns the copies (undef values left out) with the digest on each.
 */
export function copyListWithDigest<T extends object>(
  list: readonly T[] | undefined,
): { list: (Record<string, unknown> & { digest: string })[]; digest: string } {
  const sha = createHash('sha1');
  const copies: Record<string, unknown>[] = [];
  for (const entry of list ?? []) {
    const copy: Record<string, unknown> = {};
    const record = entry as Record<string, unknown>;
    for (const key of Object.keys(record).sort()) {
      const value = record[key];
      if (value === undefined || value === null) continue;
      copy[key] = value;
      const text = scalarText(value);
      if (text !== undefined) sha.update(`${key}:${text}\n`, 'utf8');
    }
    copies.push(copy);
  }
  const digest = sha.digest('hex');
  return { list: copies.map((copy) => ({ ...copy, digest })), digest };
}

/**
 * copy_opject_with_digest: the same over one hash, but the values go in as they are (bytes):
 * Digest::SHA takes a byte string's characters as its bytes.
 */
export function copyObjectWithDigest(
  object: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> & { digest: string } {
  const sha = createHash('sha1');
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(object ?? {}).sort()) {
    const value = object![key];
    if (value === undefined || value === null) continue;
    copy[key] = value;
    sha.update(Buffer.from(`${key}:${scalarText(value) ?? ''}\n`, 'latin1'));
  }
  const digest = sha.digest('hex');
  return { ...copy, digest };
}
