// cluster option log_ratelimit is a Proxmox property string parsed with the schema
// {enable: boolean, default key, required; rate: /[1-9][0-9]*\/(second|minute|hour|day)/;
// burst: integer >= 0}. Loading cluster.fw dies on any error here, so mirror it exactly.

const BOOLEAN_TRUE = /^(1|on|yes|true)$/i;
const BOOLEAN_FALSE = /^(0|off|no|false)$/i;
const RATE = /^(?:[1-9][0-9]*\/(second|minute|hour|day))$/;
const INTEGER = /^[+-]?[0-9]+$/;
const KEYS = new Set(['enable', 'rate', 'burst']);

function parseBoolean(value: string): string {
  if (BOOLEAN_TRUE.test(value)) return '1';
  if (BOOLEAN_FALSE.test(value)) return '0';
  return value;
}

/** Undefined when valid, else the text Proxmox dies with. */
export function validateLogRatelimit(text: string): string | undefined {
  const values = new Map<string, string>();
  let sawDefaultKey = false;
  for (const part of text.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const pair = /^([^=]+)=(.+)$/s.exec(part);
    if (pair) {
      const key = pair[1]!;
      if (values.has(key)) return `duplicate key in comma-separated list property: ${key}`;
      if (!KEYS.has(key)) return `invalid key in comma-separated list property: ${key}`;
      values.set(key, key === 'enable' ? parseBoolean(pair[2]!) : pair[2]!);
    } else if (!part.includes('=')) {
      if (sawDefaultKey) return 'duplicate key in comma-separated list property: enable';
      sawDefaultKey = true;
      // Perl tests the stored value for truth: only a true earlier value blocks the bare one.
      const earlier = values.get('enable');
      if (earlier !== undefined && earlier !== '' && earlier !== '0') {
        return 'duplicate key in comma-separated list property: enable';
      }
      values.set('enable', parseBoolean(part));
    } else {
      return 'missing key in comma-separated list property';
    }
  }

  const errors: string[] = [];
  const enable = values.get('enable');
  if (enable === undefined) errors.push('enable: property is missing and it is not optional');
  else if (enable !== '0' && enable !== '1')
    errors.push(`enable: type check ('boolean') failed - got '${enable}'`);
  const rate = values.get('rate');
  if (rate !== undefined && !RATE.test(rate))
    errors.push('rate: value does not match the regex pattern');
  const burst = values.get('burst');
  if (burst !== undefined) {
    if (!INTEGER.test(burst)) errors.push(`burst: type check ('integer') failed - got '${burst}'`);
    else if (parseInt(burst, 10) < 0) errors.push('burst: value must have a minimum value of 0');
  }
  return errors.length > 0 ? `format error; ${errors.join('; ')}` : undefined;
}
