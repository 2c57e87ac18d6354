// The analysis layer's entry point: the packet space, chain walks and what they prove (dead rules,
// lock-outs).
export { networksOf } from './address-text';
export { analyseReachabilitySteps } from './analyse';
export { buildFamily, type FamilyModel } from './family-model';
export { NodeMemo } from './node-memo';
export type {
  Blocker,
  DeadRule,
  Overlap,
  ReachabilityReport,
  RemovableRule,
} from './reachability-report';
export { walkChain, type Decision } from './symbolic-walk';
export { cidrRange } from './cidr-range';
export type { EnablingImpact } from './enabling';
export {
  contains,
  equals,
  isEmpty,
  isSubset,
  normalise,
  size,
  subtract,
  type Interval,
  type IntervalSet,
} from './intervals';
export { setMembership, sweepMembership } from './ipset-membership';
export { addInterfaceNames, InterfaceNames } from './ipt-to-box';
export { findLockouts, type Lockout } from './lockout';
export {
  ANY_MARK,
  boxesOverlap,
  boxIntersect,
  boxOf,
  boxWith,
  withMark,
  DIMENSIONS,
  DST_TYPES,
  sharedRange,
  fullBox,
  regionSubtract,
  type Box,
  type Dimension,
  type Family,
} from './packet-space';
export { lineKey } from './what-if';
export {
  describePacket,
  icmpName,
  naturalness,
  pickPacket,
  type PreferredAddresses,
} from './witness';
export { ChainIndex } from './chain-index';
export { NO_MARK } from './packet-space';
export type {
  AbstractChains,
  AbstractRule,
  AbstractTarget,
  RuleRef,
  Verdict,
} from './symbolic-walk';
export { pickPacketFrom, type Packet } from './witness';
