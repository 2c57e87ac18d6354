import { loadFwConfig } from '../model/load-config';
import type { Topology } from '../model/topology';
import { parseFwSyntax } from '../syntax/parse-file';
import type { CompileInput, SourcedConfig } from './types';

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
 * Parses and loads the files as pve-firewall does before compiling: cluster.fw on its own,
 * host.fw and each guest's file against it (guests as 'vm' or 'ct' from the topology).
 * `sdnIpSets`: the SDN-generated sets (`+sdn/NAME`) by name, members as `[!]CIDR`.
 */
export function loadCompileInput(
  texts: FirewallTexts,
  topology: Topology,
  sdnIpSets?: ReadonlyMap<string, readonly string[]>,
): CompileInput {
  const sdn = sdnIpSets ? { sdnIpSets: new Set(sdnIpSets.keys()) } : {};
  const cluster: SourcedConfig | undefined = texts.cluster && {
    path: texts.cluster.path,
    config: loadFwConfig(parseFwSyntax(texts.cluster.text, 'cluster'), 'cluster', sdn).config,
  };
  const context = { ...sdn, ...(cluster ? { cluster: cluster.config } : {}) };
  const host: SourcedConfig | undefined = texts.host && {
    path: texts.host.path,
    config: loadFwConfig(parseFwSyntax(texts.host.text, 'host'), 'host', context).config,
  };
  const guests = new Map<number, SourcedConfig>();
  for (const [vmid, source] of texts.guests ?? []) {
    const kind = topology.guests.find((g) => g.vmid === vmid)?.kind ?? 'vm';
    const tree = parseFwSyntax(source.text, 'guest');
    const { config } = loadFwConfig(tree, 'guest', { ...context, guestEnv: kind });
    guests.set(vmid, { path: source.path, config });
  }
  return {
    topology,
    guests,
    ...(cluster ? { cluster } : {}),
    ...(host ? { host } : {}),
    ...(sdnIpSets ? { sdnIpSets } : {}),
  };
}
