// pve-common's JSONSchema check_object/check_prop for request parameters, as far as the firewall
// API uses it: the same checks in the same order with the same messages (JSONSchema.pm 1297-1692).
import { checkScalar } from './formats';
import type { ParamSchema } from './schema-types';

export type ParamValue = string | number | boolean | null | readonly unknown[] | object;

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

function checkProp(schema: ParamSchema, value: ParamValue, path: string): string | undefined {
  const got = scalar(value, schema.type);
  if ('error' in got) return got.error;
  return checkScalar(schema, got.text, path);
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
    const error = checkProp(schema, value, name);
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
