import type { Topology, TopologyGuest, TopologyNic, TopologyNode } from './topology';

/** topology.json that does not have the documented shape (docs/topology.md). */
export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TopologyError(`${where} must be an object`);
  }
  return value as Json;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new TopologyError(`${where} must be an array`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TopologyError(`${where} must be a non-empty string`);
  }
  return value;
}

function optionalText(o: Json, key: string, where: string): Record<string, string> {
  return o[key] === undefined ? {} : { [key]: text(o[key], `${where}.${key}`) };
}

function readNic(value: unknown, where: string): TopologyNic {
  const o = object(value, where);
  const name = text(o['name'], `${where}.name`);
  if (!/^net[0-9]+$/.test(name)) throw new TopologyError(`${where}.name must be netN`);
  if (typeof o['firewall'] !== 'boolean')
    throw new TopologyError(`${where}.firewall must be true or false`);
  return {
    name,
    bridge: text(o['bridge'], `${where}.bridge`),
    firewall: o['firewall'],
    ...optionalText(o, 'mac', where),
    ...optionalText(o, 'ip', where),
    ...optionalText(o, 'ip6', where),
  };
}

function readGuest(value: unknown, where: string): TopologyGuest {
  const o = object(value, where);
  const vmid = o['vmid'];
  if (typeof vmid !== 'number' || !Number.isInteger(vmid) || vmid < 1) {
    throw new TopologyError(`${where}.vmid must be a positive integer`);
  }
  if (o['kind'] !== 'vm' && o['kind'] !== 'ct')
    throw new TopologyError(`${where}.kind must be "vm" or "ct"`);
  return {
    vmid,
    kind: o['kind'],
    node: text(o['node'], `${where}.node`),
    nics: array(o['nics'], `${where}.nics`).map((n, i) => readNic(n, `${where}.nics[${i}]`)),
  };
}

function optionalTexts(o: Json, key: string, where: string): Record<string, string[]> {
  const value = o[key];
  if (value === undefined) return {};
  return {
    [key]: array(value, `${where}.${key}`).map((r, i) => text(r, `${where}.${key}[${i}]`)),
  };
}

function readNode(value: unknown, where: string): TopologyNode {
  const o = object(value, where);
  return {
    name: text(o['name'], `${where}.name`),
    ...optionalText(o, 'address', where),
    ...optionalTexts(o, 'ringAddresses', where),
    ...optionalTexts(o, 'addresses', where),
  };
}

/** Reads topology.json (already parsed from JSON); throws TopologyError saying what is wrong. */
export function readTopology(json: unknown): Topology {
  const o = object(json, 'topology');
  return {
    localNode: text(o['localNode'], 'localNode'),
    ...optionalText(o, 'localNetwork', 'topology'),
    ...optionalText(o, 'corosyncTransport', 'topology'),
    ...optionalText(o, 'managedFrom', 'topology'),
    nodes: array(o['nodes'] ?? [], 'nodes').map((n, i) => readNode(n, `nodes[${i}]`)),
    guests: array(o['guests'] ?? [], 'guests').map((g, i) => readGuest(g, `guests[${i}]`)),
  };
}
