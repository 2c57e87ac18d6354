// The text layer's entry point: spans, line indexes and linear text helpers.
export { blanksEnd, trimBlanksEnd, wordStart } from './blanks';
export { commonEnds } from './common-ends';
export { detached } from './detached';
export { LineIndex, type Position } from './line-index';
export type { Span } from './span';
