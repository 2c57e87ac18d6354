import { buildClusterModel } from '../model';
import type { Topology } from '../model';
import { compileInputFor } from './node-input';
import type { CompileInput } from './ruleset-types';

/** A file's text and the path to report it under. */
export interface SourceText {
  readonly path: string;
  readonly text: string;
}

/** The files of one node's firewall: what `pvefw test` and `pvefw simulate` read from a folder. */
export interface FirewallTexts {
  readonly cluster?: SourceText;
  readonly host?: SourceText;
  readonly guests?: ReadonlyMap<number, SourceText>;
}

/**
 * Parses and loads the files as pve-firewall does before compiling, for the topology's local
 * node: a one-node cluster model (the one every door asks) and that node's compile input.
 * `sdnIpSets`: the SDN-generated sets (`+sdn/NAME`) by name, members as `[!]CIDR`.
 */
export function loadCompileInput(
  texts: FirewallTexts,
  topology: Topology,
  sdnIpSets?: ReadonlyMap<string, readonly string[]>,
): CompileInput {
  const model = buildClusterModel({
    ...(texts.cluster ? { cluster: texts.cluster } : {}),
    hosts: texts.host ? [{ node: undefined, file: texts.host }] : [],
    guests: [...(texts.guests ?? [])].map(([vmid, file]) => ({ vmid, file })),
    topology: { path: 'topology', topology },
    ...(sdnIpSets ? { sdnIpSets: [...sdnIpSets.keys()] } : {}),
  });
  const input = compileInputFor(model, topology.localNode);
  return sdnIpSets ? { ...input, sdnIpSets } : input;
}
