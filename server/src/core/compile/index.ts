/**
 * The compiler: a port of pve-firewall's iptables ruleset generation (Firewall.pm `compile`,
 * filter table and ipsets) for one node.
 *
 *   compileRuleset(input: CompileInput): CompileResult
 *     input  { cluster?, host?, guests?: Map<vmid, {path, config}>, topology, sdnIpSets? }
 *     result { v4: Ruleset, v6: Ruleset, skipped: SkippedRule[], enabled }
 *     Ruleset = { chains: Map<chainName, CompiledRule[]>, ipsets: Map<kernelName, IpSetDefinition> }
 *     CompiledRule = { text: '-A CHAIN …' exactly as Proxmox writes it, origin? | builtin? }
 *
 *   loadCompileInput(texts, topology): CompileInput — parse and load the files as Proxmox does.
 *
 *   parseIptMatch(text): IptMatch — a compiled rule's conditions and target, structured.
 *
 * What follows Proxmox exactly: chain names and order of creation, every rule's text (including
 * the double blank Proxmox leaves where a rule has no match), the order of rules, which
 * rules are skipped at compile time and Proxmox's message for each (`skipped`, in Proxmox's
 * warning order), ipset names, members, nomatch flags and `create` lines. Quirks kept on
 * purpose: actions rewritten while compiling IPv4 show in IPv6 log prefixes; a group whose rule
 * fails to compile aborts the guest that references it (`guestAborted`).
 *
 * Not generated: the raw table (synflood protection, conntrack helpers) and ebtables. Ring
 * addresses given as host names are not resolved (a pure core cannot); Proxmox would.
 */
export { compileRuleset } from './compile-ruleset';
export { loadCompileInput } from './load-input';
export type { FirewallTexts, SourceText } from './load-input';
export { parseIptMatch, IptParseError, markValues } from './ipt-match';
export { ipsetKernelName, fnv31aHex } from './ipset-name';
export type {
  AddressRange,
  IcmpTypeMatch,
  IptAddress,
  IptMatch,
  IptTarget,
  PortItem,
} from './ipt-match-types';
export type {
  CompileInput,
  CompileResult,
  CompiledRule,
  Family,
  IpSetDefinition,
  IpSetMember,
  RuleOrigin,
  Ruleset,
  SkippedRule,
  SourceRef,
  SourcedConfig,
} from './ruleset-types';
export { compileRulesetSteps } from './compile-ruleset';
export { netIpCompressV6 } from './ipv6-text';
export { compileInputFor, modelNode } from './node-input';
export { optionTrue } from './options';
