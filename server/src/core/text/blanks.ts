// Blanks (space and tab) at the end of a line, found by scanning backwards. A pattern such as
// /[ \t]+$/ is tried from every position of the line, so a long run of blanks followed by other
// text costs quadratic time (issue 15); these loops look at each character once.

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

/** The index just past the last non-blank of `text[0, end)`. */
export function blanksEnd(text: string, end = text.length): number {
  let at = end;
  while (at > 0 && isBlank(text[at - 1])) at--;
  return at;
}

/** The start of the run of non-blanks that ends at `end`. */
export function wordStart(text: string, end = text.length): number {
  let at = end;
  while (at > 0 && !isBlank(text[at - 1])) at--;
  return at;
}

/** `text` without trailing blanks. */
export function trimBlanksEnd(text: string): string {
  return text.slice(0, blanksEnd(text));
}
