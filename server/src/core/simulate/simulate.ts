import type { CompileResult, Family } from '../compile';
import type { Topology } from '../model';
import { parseAddress } from './address';
import { ParsedRuleset } from './packet-walk';
import { conntrackState } from './conntrack';
import { routePacket } from './route';
import type { Packet, SimulateRequest, SimulationResult } from './simulation-types';
import { resolveZone, ZoneError } from './zones';

/** A compiled firewall ready to simulate many packets against. */
export interface SimulationRulesets {
  readonly v4: ParsedRuleset;
  readonly v6: ParsedRuleset;
}

export function prepareSimulation(compiled: CompileResult): SimulationRulesets {
  return { v4: new ParsedRuleset(compiled.v4), v6: new ParsedRuleset(compiled.v6) };
}

// Proxmox's simulator's stand-ins; the IPv6 pair is ours (documentation prefix).
const DEFAULT_SOURCE: Record<Family, string> = { 4: '100.100.1.2', 6: '2001:db8:100:1::2' };
const DEFAULT_DEST: Record<Family, string> = { 4: '100.200.3.4', 6: '2001:db8:200:3::4' };

function familyOf(text: string, what: string): Family {
  const address = parseAddress(text);
  if (!address) throw new ZoneError(`${what} '${text}' is not an IP address`);
  return address.family;
}

/** The packet a request describes (without the per-hook interfaces). */
export function requestPacket(request: SimulateRequest, topology: Topology): Packet {
  const from = resolveZone(request.from, topology);
  const to = resolveZone(request.to, topology);
  const hostIp = topology.nodes.find((n) => n.name === topology.localNode)?.address;
  const hostEnd = (
    end: typeof from,
    given: string | undefined,
    what: string,
  ): string | undefined => {
    if (given !== undefined || end.type !== 'host') return given;
    if (hostIp === undefined) {
      throw new ZoneError(
        `the topology has no address for node '${topology.localNode}'; give --${what}`,
      );
    }
    return hostIp;
  };
  const source = hostEnd(from, request.source, 'source');
  const dest = hostEnd(to, request.dest, 'dest');
  const families = [
    ...(source !== undefined ? [familyOf(source, 'source')] : []),
    ...(dest !== undefined ? [familyOf(dest, 'dest')] : []),
  ];
  const family = families[0] ?? 4;
  if (families.some((f) => f !== family)) {
    throw new ZoneError('source and destination are of different address families');
  }
  const proto = request.proto ?? 'tcp';
  const state = conntrackState(request.state, family, proto, request.dport);
  return {
    family,
    proto,
    ctstate: state.ctstate,
    ...(state.why !== undefined ? { ctWhy: state.why } : {}),
    source: source ?? DEFAULT_SOURCE[family],
    dest: dest ?? DEFAULT_DEST[family],
    srctype: request.srctype ?? 'UNICAST',
    dsttype: request.dsttype ?? 'UNICAST',
    ...(request.dport !== undefined ? { dport: request.dport } : {}),
    ...(request.sport !== undefined ? { sport: request.sport } : {}),
    ...(from.type === 'guest' && from.mac !== undefined ? { macSource: from.mac } : {}),
  };
}

/**
 * simulate_firewall: sends one packet from one zone to another through the compiled
 * ruleset of its family. Throws ZoneError for zones or addresses that do not fit the topology.
 */
export function simulatePacket(
  rulesets: SimulationRulesets,
  topology: Topology,
  request: SimulateRequest,
): SimulationResult & { readonly packet: Packet } {
  if (request.from === request.to) throw new ZoneError('from and to need to be different');
  const packet = requestPacket(request, topology);
  const from = resolveZone(request.from, topology);
  const to = resolveZone(request.to, topology);
  const rules = packet.family === 4 ? rulesets.v4 : rulesets.v6;
  return { ...routePacket(rules, packet, from, to), packet };
}
