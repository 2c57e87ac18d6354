// The syntax layer's entry point: each line of a .fw file as pve-firewall's parser splits it.
export { IPV4_RE, IPV6_RE, parseIpOrCidr } from './ip-or-cidr';
export { parseFwSyntax } from './parse-file';
export { shiftSpan } from './shift-lines';
export {
  MAX_ALIAS_NAME_LENGTH,
  MAX_GROUP_NAME_LENGTH,
  MAX_IPSET_NAME_LENGTH,
  NAME_PATTERN,
  SECTIONS_BY_KIND,
} from './parse-header';
export { FIELD_BY_FLAG, parseRuleSyntax } from './parse-rule';
export { expandAddress, ipToNumber, numberToIp } from './perl-net-ip-address';
export { perlNetIpNew } from './perl-net-ip';
export { asciiLower, NWS, perlSplitComma, perlTrue, trimPerlSpace, utf8Length } from './perl-text';
export {
  RULE_FIELDS,
  type AliasLine,
  type FwLine,
  type FwSyntaxTree,
  type HeaderLine,
  type IpSetEntryLine,
  type OptionLine,
  type RuleField,
  type RuleLine,
  type RuleSyntax,
  type SectionKind,
  type Token,
} from './tree';
export { CLUSTER_MARKER, conflictMarkerOf, LOCAL_MARKER, SEPARATOR } from './conflict-markers';
export { splitSourceLines, type SourceLine } from './source-lines';
export type { ConflictMarkerLine } from './tree';
