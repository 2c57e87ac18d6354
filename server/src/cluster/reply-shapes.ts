// What each read expects a reply's data to be, checked before anything uses it: a list of
// objects, an object, scalar fields, and names that are valid Proxmox identifiers. A server
// that answers anything else (a proxy's page, a list where an object belongs, a node named
// "../../x") gets a ClusterError naming the call and what was wrong, never a TypeError.
import { isGroupName, isIpSetName, isNodeName, isVmid, isVnetId } from '../core/model';
import type { Row } from './api-rows';
import { ClusterError } from './errors';

function badReply(call: string, problem: string): ClusterError {
  return new ClusterError('bad-reply', `${call}: ${problem}; nothing was written`, { call });
}

function isText(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}

function isObject(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The reply's data as an object. */
export function objectReply(data: unknown, call: string): Row {
  if (!isObject(data)) throw badReply(call, "the reply's data is not an object");
  return data;
}

/** The reply's data as a list of objects. */
export function listReply(data: unknown, call: string): Row[] {
  if (!Array.isArray(data)) throw badReply(call, "the reply's data is not a list");
  data.forEach((item, i) => {
    if (!isObject(item)) throw badReply(call, `item ${i} of the reply's data is not an object`);
  });
  return data as Row[];
}

/**
 * A firewall list (rules, entries, aliases, options): every field a string, a number or a
 * boolean, as the API's schemas say; nested objects have no place in a .fw file.
 */
export function scalarFields(rows: readonly Row[], call: string): Row[] {
  rows.forEach((row, i) => {
    for (const [key, value] of Object.entries(row)) {
      // verify_rule's findings come along as {field: message}.
      if (key === 'errors' && isObject(value) && Object.values(value).every(isText)) continue;
      if (!isText(value) && typeof value !== 'boolean')
        throw badReply(call, `item ${i}: '${key}' is not a string or a number`);
    }
  });
  return rows as Row[];
}

/** Rules: scalar fields, and a type and an action (the writer cannot write a rule without). */
export function ruleRows(rows: readonly Row[], call: string): Row[] {
  scalarFields(rows, call).forEach((row, i) => {
    for (const key of ['type', 'action'])
      if (typeof row[key] !== 'string') throw badReply(call, `item ${i}: '${key}' is not a string`);
  });
  return rows as Row[];
}

export type IdKind = 'node' | 'vmid' | 'vnet' | 'ipset' | 'group';

const IDS: Record<IdKind, { readonly valid: (text: string) => boolean; readonly what: string }> = {
  node: { valid: isNodeName, what: 'a valid Proxmox node name' },
  vmid: { valid: isVmid, what: 'a valid VM ID' },
  vnet: { valid: isVnetId, what: 'a valid SDN vnet id' },
  ipset: { valid: isIpSetName, what: 'a valid ipset name' },
  group: { valid: isGroupName, what: 'a valid security group name' },
};

/** `row[field]` as an identifier of `kind` (a number counts for vmids). */
export function idOf(row: Row, field: string, kind: IdKind, call: string): string {
  const value = row[field];
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const id = IDS[kind];
  if (!id.valid(text)) throw badReply(call, `${field} '${shown(text)}' is not ${id.what}`);
  return text;
}

/** A value as a message may show it: at most 80 characters. */
function shown(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
