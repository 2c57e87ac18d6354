// The nftables layer's entry point: proxmox-firewall's parser, its ruleset and a packet's walk
// through it.
export { nftIpsetHover, nftLineHover, nftLinesOf, type NftLines } from './line-rules';
export type { NodeTables } from './nft-model';
export {
  addNftInterfaceNames,
  entryDecisions,
  nftEntries,
  type NftDecider,
  type NftDecision,
  type NftEntry,
} from './nft-space';
export { matchText, statementText } from './nft-text';
export { buildNodeRuleset } from './ruleset';
export { loadRustConfig, rustKnowsOption, type RustConfig } from './rust-config';
export { rustMacroNames } from './rust-macros';
export type { IpAddrMatch, RustRule } from './rust-types';
export { formatNftSimulation, nftAsResult, simulateNft } from './simulate-nft';
export { analyseNftTables, type NftReachReport, type OriginLookup } from './nft-reach';
