// The façade the CLI, the language server, the client and the tests import.
export type { Span } from './text';
export { commonEnds, LineIndex } from './text';
export type { Position } from './text';
export type { FileKind } from './model';
export { FILE_KINDS, isFileKind, fileKindFromPath, fileStem, clusterFileCandidates } from './model';
export type { Finding, Severity, ProxmoxVerdict, RelatedLocation } from './findings';
export { findingText } from './findings';
export type { SourceFile, CheckOptions } from './checks';
export { checkFile } from './checks';
export type { LoadedCheckOptions } from './checks';
export { checkLoadedFile, unknownKindFinding } from './checks';
export type { ClusterCheckOptions } from './checks';
export { checkCluster } from './checks';
export { DIAGNOSTIC_CODES, isDiagnosticCode, type CodeInfo, type DiagnosticCode } from './findings';
export type { IdeFile, WorkspaceModel, WorkspaceSource } from './ide';
export { ParsedFwFile, loadIdeFile, buildWorkspaceModel } from './ide';
export { RuleJudgements } from './model';
export type { CompletionEntry, CompletionKind, CompletionList } from './ide';
export { completionsAt } from './ide';
export type { HoverResult, HoverTarget, HoverSectionProvider } from './ide';
export { hoverAt } from './ide';
export type { FileSpan } from './ide';
export { definitionAt } from './ide';
export { referencesAt } from './ide';
export type { FileEdit, RenameResult, PrepareRenameResult } from './ide';
export { renameAt, prepareRenameAt } from './ide';
export type { Highlight } from './ide';
export { highlightsAt } from './ide';
export type { OutlineSymbol, OutlineKind, WorkspaceSymbol } from './ide';
export { documentSymbols, workspaceSymbols } from './ide';
export type { FoldingSpan } from './ide';
export { foldingSpans } from './ide';
export type { SemanticToken, TokenRole } from './ide';
export { semanticTokens } from './ide';
export type { TextEdit } from './ide';
export { formatEdits } from './ide';
export type { NormaliseResult } from './ide';
export { normaliseFile } from './ide';
export type { CodeActionEntry } from './ide';
export { codeActionsAt } from './ide';
export { applyEdits } from './ide';
export type { ReachabilityOptions } from './checks';
export { checkReachability, ReachabilityMemo } from './checks';
export type {
  ClusterFile,
  ClusterGuest,
  ClusterModel,
  ClusterNode,
  ClusterSources,
  ClusterVnet,
  FileLoader,
  FirewallBackend,
  ModelSource,
  TopologySource,
} from './model';
export { buildClusterModel, loadSource, modelFiles } from './model';
export type { ClusterGroup, GroupedFiles } from './model';
export {
  folderOf,
  groupByCluster,
  hostNodeFromPath,
  layoutRootOf,
  topologyCandidates,
} from './model';
export type { SourcesOfPaths } from './model';
export { clusterModelOfTexts, clusterSourcesOf } from './model';
export { compileInputFor, modelNode } from './compile';
export { readTopology, TopologyError } from './model';
export { PROXMOX_TEST_TOPOLOGY } from './model';
export type { Topology, TopologyGuest, TopologyNic, TopologyNode } from './model';
export { checkReachabilityAsync } from './checks';
export { AnalysisCancelled } from './steps';
export type { SliceOptions } from './steps';
