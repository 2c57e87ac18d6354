// The checks layer's entry point: findings per file and per cluster.
export { checkBackends, loneNftablesFindings } from './check-backends';
export { checkCluster, type ClusterCheckOptions } from './check-cluster';
export {
  checkFile,
  checkLoadedFile,
  unknownKindFinding,
  type CheckOptions,
  type LoadedCheckOptions,
  type SourceFile,
} from './check-file';
export {
  checkReachability,
  checkReachabilityAsync,
  ReachabilityMemo,
  type ReachabilityOptions,
} from './check-reachability';
export { groupOption } from './hints';
export { referenceRemedy } from './reference-remedy';
export { originLookup } from './nft-reachability';
