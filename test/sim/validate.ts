// pve-common's JSONSchema check_object/check_prop for request parameters, as far as the firewall
// API uses it: the same checks in the same order with the same messages (JSONSchema.pm 1297-1692).
import { checkFormat } from './formats';
import type { ParamSchema } from './schema-types';

export type ParamValue = string | number | boolean | null | readonly unknown[] | object;

function perlLength(text: string): number {
  return [...text].length;
}

const IS_INTEGER = /^[+-]?\d+$/;
const IS_NUMBER = /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/;

/** The scalar text of a parameter, or an error for arrays and objects. */
function scalar(value: ParamValue, type: string | undefined): { text: string } | { error: string } {
  if (typeof value === 'boolean') {
    return type === 'boolean'
      ? { text: value ? '1' : '0' }
      : { error: `type check ('${type}') failed - got JSON::PP::Boolean` };
  }
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { text: String(value) };
  return {
    error: `type check ('${type ?? 'string'}') failed - got ${Array.isArray(value) ? 'ARRAY' : 'HASH'}`,
  };
}

function checkProp(schema: ParamSchema, value: ParamValue): string | undefined {
  const got = scalar(value, schema.type);
  if ('error' in got) return got.error;
  const text = got.text;
  if (schema.type === 'boolean' && text !== '0' && text !== '1')
    return `type check ('boolean') failed - got '${text}'`;
  if (schema.type === 'integer' && !IS_INTEGER.test(text))
    return `type check ('integer') failed - got '${text}'`;
  if (schema.type === 'number' && !IS_NUMBER.test(text))
    return `type check ('number') failed - got '${text}'`;
  if (schema.format !== undefined) {
    const error = checkFormat(schema.format, text);
    if (error !== undefined)
      return `invalid format - ${error.endsWith('\n') ? error : `${error}\n`}`;
  }
  if (schema.pattern !== undefined && !new RegExp(`^(?:${schema.pattern})$`).test(text))
    return 'value does not match the regex pattern';
  if (schema.maxLength !== undefined && perlLength(text) > schema.maxLength)
    return `value may only be ${schema.maxLength} characters long`;
  if (schema.minLength !== undefined && perlLength(text) < schema.minLength)
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
 * Every parameter error, keyed by parameter, as in `{"errors": {...}}` of an HTTP 400. Values
 * come back as the strings handlers see (JSON numbers and booleans turned into Perl's text).
 */
export function validateParams(
  properties: Readonly<Record<string, ParamSchema>>,
  params: Readonly<Record<string, ParamValue>>,
): { errors: Record<string, string>; values: Record<string, string> } {
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  for (const [name, schema] of Object.entries(properties)) {
    const value = params[name];
    if (value === undefined || value === null) {
      if (!schema.optional) errors[name] = 'property is missing and it is not optional';
      continue;
    }
    const error = checkProp(schema, value);
    if (error !== undefined) errors[name] = error;
    else values[name] = (scalar(value, schema.type) as { text: string }).text;
  }
  for (const name of Object.keys(params)) {
    if (!(name in properties))
      errors[name] =
        'property is not defined in schema and the schema does not allow additional properties';
  }
  return { errors, values };
}
