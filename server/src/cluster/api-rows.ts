// Untyped API answers: the objects the loader returns plus what the API adds to them.

export type Row = Record<string, unknown>;

/** Drops what the API adds to the loader's objects: `digest` on every element, `pos` on rules. */
export function strip<T = Row>(row: Row): T {
  const copy: Row = { ...row };
  delete copy['digest'];
  delete copy['pos'];
  return copy as T;
}

/** A scalar of an answer as text ('' for anything else). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
