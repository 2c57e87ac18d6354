// The "n" of Net::IP's "ip + n" form. Net::IP hands it to Math::BigInt->new (1.9998x in
// Debian 12), takes as_bin() of the result and adds that string bit by bit to the address.
// pve-firewall never gets here (its tokens cannot hold the spaces around "+"), so this is
// about faithfulness, not reach.

import { WS } from './perl-text';

type BigIntValue = bigint | 'nan' | 'inf';

/**
 * What Net::IP ends up adding, or undefined when as_bin() is wider than the address
 * (Net::IP's "IP addresses of different length" error). The "-", "0b", "NaN" and "inf"
 * characters survive into that bit string and Perl reads each as the digit 0, so -n adds
 * |n| and non-numbers add nothing.
 */
export function plusOperand(text: string, width: number): bigint | undefined {
  const value = mathBigIntNew(text);
  if (value === 'nan' || value === 'inf') return 0n;
  const magnitude = value < 0n ? -value : value;
  const spelled = (value < 0n ? '-0b'.length : 0) + magnitude.toString(2).length;
  return spelled > width ? undefined : magnitude;
}

interface Spelling {
  prefix: string;
  digit: string;
  radix: bigint;
  /** Decimal exponents ("e") scale by 10, the others ("p") by 2. */
  expMark: string;
  expBase: bigint;
}

const HEX: Spelling = {
  prefix: '(?:0?[Xx]_*)?',
  digit: '[0-9a-fA-F]',
  radix: 16n,
  expMark: '[Pp]',
  expBase: 2n,
};
const OCTAL: Spelling = {
  prefix: '(?:0?[Oo]_*)?',
  digit: '[0-7]',
  radix: 8n,
  expMark: '[Pp]',
  expBase: 2n,
};
const BINARY: Spelling = {
  prefix: '(?:0?[Bb]_*)?',
  digit: '[01]',
  radix: 2n,
  expMark: '[Pp]',
  expBase: 2n,
};
const DECIMAL: Spelling = { prefix: '', digit: '[0-9]', radix: 10n, expMark: '[Ee]', expBase: 10n };

// The leading letters pick the base before the full grammar is tried, and octal without a
// letter ("01p+0") is only a last resort after decimal.
const BY_LEAD: ReadonlyArray<[RegExp, Spelling]> = [
  [new RegExp(`^${WS}*[+-]?0?[Xx]`), HEX],
  [new RegExp(`^${WS}*[+-]?0?[Oo]`), OCTAL],
  [new RegExp(`^${WS}*[+-]?0?[Bb]`), BINARY],
  [/^/, DECIMAL],
  [new RegExp(`^${WS}*[+-]?0_*[0-9]`), OCTAL],
];

const INFINITY = new RegExp(`^${WS}*[+-]?inf(?:inity)?${WS}*$`, 'i');

/** Math::BigInt->new: integers in any accepted spelling; non-integers become NaN. */
function mathBigIntNew(text: string): BigIntValue {
  if (INFINITY.test(text)) return 'inf';
  for (const [lead, spelling] of BY_LEAD) {
    const value = lead.test(text) ? parseSpelling(text, spelling) : undefined;
    if (value !== undefined) return value;
  }
  return 'nan';
}

function parseSpelling(text: string, spelling: Spelling): BigIntValue | undefined {
  const run = `${spelling.digit}+(?:_+${spelling.digit}+)*_*`;
  const m = new RegExp(
    `^${WS}*([+-]?)${spelling.prefix}(${run}(?:\\.(?:_*${run})?)?|\\.${run})` +
      `(?:${spelling.expMark}([+-]?)([0-9]+(?:_+[0-9]+)*_*))?${WS}*$`,
  ).exec(text);
  if (!m) return undefined;
  const [whole = '', fraction = ''] = (m[2] as string).replace(/_/g, '').split('.');
  let numerator = 0n;
  for (const c of whole + fraction)
    numerator = numerator * spelling.radix + BigInt(parseInt(c, 16));
  if (numerator === 0n) return 0n;
  let denominator = spelling.radix ** BigInt(fraction.length);
  const exponent = BigInt((m[4] ?? '0').replace(/_/g, '')) * (m[3] === '-' ? -1n : 1n);
  // Past this, a value is far wider than 128 bits or has no chance of being an integer;
  // clamping keeps a hostile exponent from building a gigantic number.
  const clamped = exponent > 4096n ? 4096n : exponent < -4096n ? -4096n : exponent;
  if (clamped >= 0n) numerator *= spelling.expBase ** clamped;
  else denominator *= spelling.expBase ** -clamped;
  if (numerator % denominator !== 0n) return 'nan';
  return m[1] === '-' ? -(numerator / denominator) : numerator / denominator;
}
