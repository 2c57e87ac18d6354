// The plan layer's entry point: sync as pure functions, the lock-out check and the impact of a
// change.
export { EMPTY_DIGEST, listDigest, objectDigest } from './digest';
export {
  DeciderNames,
  decisionsOrAccept,
  entryOf,
  familyModel,
  knownAddresses,
  modelAddresses,
  whyUnfiltered,
} from './entries';
export {
  formatFirewallState,
  loadFirewallState,
  type FileState,
  type FirewallState,
} from './firewall-state';
export {
  addressesText,
  coalesce,
  serviceText,
  UNREAL_SOURCES,
  unrealOnly,
  type NamedAddresses,
} from './flow-classes';
export {
  apiBase,
  CLUSTER_FILE,
  isValidWorkspacePath,
  parseWorkspacePath,
  workspacePath,
  type FwFileRef,
  type GuestType,
} from './fw-files';
export { analyseImpact, compareClusterModels } from './impact-analysis';
export { impactLines, impactMarkdown, markdownText } from './impact-format';
export type {
  ImpactAnalyzer,
  ImpactSummary,
  LockedOut,
  LockoutCheck,
  LockoutVerdict,
} from './impact';
export { allDigests, parseListKey } from './lists';
export { checkLockout } from './lockout-check';
export { deciderName, flowEntry, setNames, tablesOf } from './nft-impact';
export type { Operation } from './operations';
export { planPush, type PushPlan } from './plan-push';
export { roundTripFailure } from './round-trip';
export {
  ipv4Network,
  nicsFromConfig,
  sortTopology,
  type PulledGuest,
  type PulledNode,
  type PulledTopology,
} from './topology';
export { replaceLists, type ListName } from './lists';
export {
  planNicCalls,
  topologyEdits,
  withNicFlags,
  type GuestNetConfig,
  type NicCall,
  type NicFlagChange,
} from './nic-flags';
export { replayCalls, type JournalCall } from './replay';
