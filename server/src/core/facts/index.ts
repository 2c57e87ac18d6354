// The facts layer's entry point: Proxmox's tables (macros, ICMP types, options, services),
// generated from data.
export { icmpConntrackClass, icmpInvalidWithoutConnection } from './conntrack';
export { FILE_KINDS, isFileKind, type FileKind } from './file-kinds';
export { CONNTRACK_HELPERS } from './generated/conntrack-helpers';
export { ICMP_TYPE_NAMES, ICMPV6_TYPE_NAMES } from './generated/icmp-types';
export { MACROS } from './generated/macros';
export { ACCEPTED_PROTOCOL_NUMBERS, ETHERTYPES, PROTOCOLS, SERVICES } from './generated/netbase';
export { LOG_LEVELS, OPTIONS } from './generated/options';
export { ICMP_CODES, icmpRange, ICMPV6_CODES } from './icmp-codes';
export type { MacroFact, MacroRuleTemplate, OptionFact } from './fact-types';
