// Perl's view of a line of bytes, as pve-firewall's regular expressions see it. JavaScript's
// \s, \d and "." differ from Perl's (Unicode spaces, "\r"), so patterns spell classes out.

/** Perl's \s on a byte string: space, \t, \n, \r, \f and \v. */
export const WS = '[ \\t\\n\\r\\f\\v]';
/** Perl's \S on a byte string. */
export const NWS = '[^ \\t\\n\\r\\f\\v]';

const WS_CHARS = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

export function isPerlSpace(char: string | undefined): boolean {
  return char !== undefined && WS_CHARS.has(char);
}

// Trimming by hand, not with /\s*$/: a pattern anchored only at the end is tried from every
// position of the text, which makes a long run of blanks before other text quadratic (issue 15).

/** The index just past the last character of `text[0, end)` that is not a Perl blank. */
export function perlSpaceEnd(text: string, end = text.length): number {
  let at = end;
  while (at > 0 && WS_CHARS.has(text[at - 1]!)) at--;
  return at;
}

/** The index of the first character at or after `from` that is not a Perl blank. */
export function perlSpaceStart(text: string, from = 0): number {
  let at = from;
  while (at < text.length && WS_CHARS.has(text[at]!)) at++;
  return at;
}

/** `text` without its trailing Perl blanks (s/\s+$//). */
export function trimPerlSpaceEnd(text: string): string {
  return text.slice(0, perlSpaceEnd(text));
}

/** `text` without Perl blanks at either end. */
export function trimPerlSpace(text: string): string {
  const start = perlSpaceStart(text);
  return text.slice(start, Math.max(start, perlSpaceEnd(text)));
}

/** Perl's truth of a string value: undefined, '' and '0' are false. */
export function perlTrue(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value !== '0';
}

/** Length in bytes as Perl counts an undecoded UTF-8 string. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Splits like Perl's split(/,/, s): empty trailing fields are removed. */
export function perlSplitComma(text: string): string[] {
  const parts = text.split(',');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Perl's lc on an undecoded string: only ASCII letters change. */
export function asciiLower(text: string): string {
  // Read by hand, not by two patterns and a callback: every rule's direction goes through here.
  let upper = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Beyond ASCII, toLowerCase would change more than Perl's lc does.
    if (c > 127) return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
    if (c >= 65 && c <= 90) upper = true;
  }
  return upper ? text.toLowerCase() : text;
}
