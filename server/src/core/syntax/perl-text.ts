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
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : text;
}
