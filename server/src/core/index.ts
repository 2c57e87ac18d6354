// The façade the CLI, the language server, the client and the tests import.
export type { Span } from './text/span';
export { LineIndex } from './text/line-index';
export type { Position } from './text/line-index';
export type { FileKind } from './model/file-kind';
export {
  FILE_KINDS,
  isFileKind,
  fileKindFromPath,
  fileStem,
  clusterFileCandidates,
} from './model/file-kind';
export type { Finding, Severity, ProxmoxVerdict, RelatedLocation } from './checks/finding';
export { findingText } from './checks/finding';
export type { SourceFile, CheckOptions } from './checks/check-file';
export { checkFile } from './checks/check-file';
export { DIAGNOSTIC_CODES } from './checks/codes';
export type { CodeInfo } from './checks/codes';
export type { ReachabilityFiles } from './checks/check-reachability';
export { checkReachability } from './checks/check-reachability';
export type { Topology, TopologyGuest, TopologyNic, TopologyNode } from './model/topology';
export { checkReachabilityAsync } from './checks/check-reachability';
export { AnalysisCancelled } from './analysis/steps';
export type { SliceOptions } from './analysis/steps';
