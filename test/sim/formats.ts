// The parameter formats the firewall API registers (PVE::Firewall, pve-common's JSONSchema.pm):
// each returns the text the check dies with (its $@), or undefined when the value passes.
// Property-string formats (log_ratelimit) are parsed and checked as parse_property_string does.
import { PerlDie, evalError, perlKeys, splitList } from './pve/perl';
import {
  parseAddressList,
  parsePorts,
  verifyConntrackHelpers,
  verifyIcmpTypeSpec,
  verifyIface,
  verifyIpOrCidr,
  verifyIpOrCidrOrAlias,
  verifyProtocol,
} from './pve/verify';
import type { ParamSchema } from './schema-types';

const NAMED: Record<string, (value: string) => void> = {
  'pve-fw-addr-spec': (v) => void parseAddressList(v),
  'pve-fw-dport-spec': (v) => parsePorts(v, true),
  'pve-fw-sport-spec': (v) => parsePorts(v, false),
  'pve-fw-protocol-spec': verifyProtocol,
  'pve-fw-icmp-type-spec': verifyIcmpTypeSpec,
  'pve-fw-conntrack-helper': verifyConntrackHelpers,
  'pve-iface': verifyIface,
  IPorCIDR: verifyIpOrCidr,
  IPorCIDRorAlias: verifyIpOrCidrOrAlias,
  'pve-configid': (v) => {
    if (!/^[a-z][a-z0-9_-]+$/i.test(v)) throw new PerlDie(`invalid configuration ID '${v}'`);
  },
  'pve-node': (v) => {
    if (!/^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)$/.test(v))
      throw new PerlDie('value does not look like a valid node name');
  },
  'pve-vmid': (v) => {
    if (!/^[1-9][0-9]{2,8}$/.test(v)) throw new PerlDie('value does not look like a valid VM ID');
  },
  'pve-sdn-vnet-id': (v) => {
    if (!/^[a-z][a-z0-9]*[a-z0-9]$/i.test(v) || v.length > 8)
      throw new PerlDie(`vnet ID '${v}' contains illegal characters`);
  },
};

/** parse_boolean */
function parseBoolean(value: string): string | undefined {
  if (/^(1|on|yes|true)$/i.test(value)) return '1';
  if (/^(0|off|no|false)$/i.test(value)) return '0';
  return undefined;
}

const IS_INTEGER = /^[+-]?[0-9]+$/;
const IS_NUMBER = /^[+-]?([0-9]+\.[0-9]+|[0-9]+\.|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?$/;

/** check_prop for a scalar value: the first error, in pve-common's order of checks. */
export function checkScalar(schema: ParamSchema, text: string, path: string): string | undefined {
  if (schema.type === 'boolean' && text !== '0' && text !== '1')
    return `type check ('boolean') failed - got '${text}'`;
  if (schema.type === 'integer' && !IS_INTEGER.test(text))
    return `type check ('integer') failed - got '${text}'`;
  if (schema.type === 'number' && !IS_NUMBER.test(text))
    return `type check ('number') failed - got '${text}'`;
  if (schema.format !== undefined) {
    const error = checkFormat(schema.format, text, path);
    if (error !== undefined) return `invalid format - ${error}`;
  }
  // m/^$pattern$/: the pattern is not grouped.
  if (schema.pattern !== undefined && !new RegExp(`^${schema.pattern}$`).test(text))
    return 'value does not match the regex pattern';
  if (schema.maxLength !== undefined && [...text].length > schema.maxLength)
    return `value may only be ${schema.maxLength} characters long`;
  if (schema.minLength !== undefined && [...text].length < schema.minLength)
    return `value must be at least ${schema.minLength} characters long`;
  if (IS_NUMBER.test(text)) {
    if (schema.maximum !== undefined && Number(text) > schema.maximum)
      return `value must have a maximum value of ${schema.maximum}`;
    if (schema.minimum !== undefined && Number(text) < schema.minimum)
      return `value must have a minimum value of ${schema.minimum}`;
  }
  if (schema.enum !== undefined && !schema.enum.includes(text))
    return `value '${text}' does not have a value in the enumeration '${schema.enum.join(', ')}'`;
  return undefined;
}

/**
 * parse_property_string: the parsed hash, or a die. Its errors are raised as one exception
 * whose text is "format error" and a line per failing key (named below `path`).
 */
export function parsePropertyString(
  format: Readonly<Record<string, ParamSchema>>,
  data: string,
  path: string | undefined,
): Record<string, string> {
  const res: Record<string, string> = {};
  let defaultKey: string | undefined;
  const parts = data.split(',');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  for (let part of parts) {
    if (/^\s*$/.test(part)) continue;
    const pair = /^([^=]+)=(.+)$/.exec(part);
    if (pair) {
      const key = pair[1]!;
      let value = pair[2]!;
      if (res[key] !== undefined)
        throw new PerlDie(`duplicate key in comma-separated list property: ${key}`);
      const schema = format[key];
      if (!schema) throw new PerlDie(`invalid key in comma-separated list property: ${key}`);
      if (schema.type === 'boolean') value = parseBoolean(value) ?? value;
      res[key] = value;
    } else if (!part.includes('=')) {
      if (defaultKey)
        throw new PerlDie(`duplicate key in comma-separated list property: ${defaultKey}`);
      for (const key of perlKeys(format)) {
        if (!format[key]!.default_key) continue;
        defaultKey = key;
        if (res[key] !== undefined && res[key] !== '' && res[key] !== '0')
          throw new PerlDie(`duplicate key in comma-separated list property: ${key}`);
        if (format[key]!.type === 'boolean') part = parseBoolean(part) ?? part;
        res[key] = part;
        break;
      }
      if (!defaultKey)
        throw new PerlDie('value without key, but schema does not define a default key');
    } else throw new PerlDie('missing key in comma-separated list property');
  }
  const errors: Record<string, string> = {};
  for (const key of perlKeys(format)) {
    const schema = format[key]!;
    const at = path ? `${path}.${key}` : key;
    const value = res[key];
    if (value === undefined) {
      if (!schema.optional) errors[at] = 'property is missing and it is not optional';
      continue;
    }
    const error = checkScalar(schema, value, at);
    if (error !== undefined) errors[at] = error;
  }
  if (Object.keys(errors).length > 0)
    throw new PerlDie(
      `format error\n${perlKeys(errors)
        .map((key) => `${key}: ${errors[key]}\n`)
        .join('')}`,
    );
  return res;
}

/** check_format: the text of the die, with its "\n", or undefined. */
export function checkFormat(
  format: string | Readonly<Record<string, ParamSchema>>,
  value: string,
  path: string,
): string | undefined {
  try {
    if (typeof format === 'object') parsePropertyString(format, value, path);
    else if (format.endsWith('-list')) {
      const item = NAMED[format.slice(0, -'-list'.length)];
      if (!item) throw new Error(`the simulator does not know the format '${format}'`);
      for (const v of splitList(value)) item(v);
    } else {
      const check = NAMED[format];
      if (!check) throw new Error(`the simulator does not know the format '${format}'`);
      check(value);
    }
    return undefined;
  } catch (error) {
    if (error instanceof PerlDie) return evalError(error);
    throw error;
  }
}
