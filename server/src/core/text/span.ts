/** A half-open range [start, end) of UTF-16 code-unit offsets into a file's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export function span(start: number, end: number): Span {
  return { start, end };
}
