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
export type { Finding, Severity, ProxmoxVerdict, RelatedLocation } from './findings/finding';
export { findingText } from './findings/finding';
export type { SourceFile, CheckOptions } from './checks/check-file';
export { checkFile } from './checks/check-file';
export type { LoadedCheckOptions } from './checks/check-file';
export { checkLoadedFile, unknownKindFinding } from './checks/check-file';
export type { ClusterCheckOptions } from './checks/check-cluster';
export { checkCluster } from './checks/check-cluster';
export {
  DIAGNOSTIC_CODES,
  isDiagnosticCode,
  type CodeInfo,
  type DiagnosticCode,
} from './findings/codes';
export type { IdeFile, WorkspaceModel, WorkspaceSource } from './ide/workspace-model';
export { ParsedFwFile, loadIdeFile, buildWorkspaceModel } from './ide/workspace-model';
export type { CompletionEntry, CompletionKind, CompletionList } from './ide/completion';
export { completionsAt } from './ide/completion';
export type { HoverResult, HoverTarget, HoverSectionProvider } from './ide/hover';
export { hoverAt } from './ide/hover';
export type { FileSpan } from './ide/definition';
export { definitionAt } from './ide/definition';
export { referencesAt } from './ide/references';
export type { FileEdit, RenameResult, PrepareRenameResult } from './ide/rename';
export { renameAt, prepareRenameAt } from './ide/rename';
export type { Highlight } from './ide/highlights';
export { highlightsAt } from './ide/highlights';
export type { OutlineSymbol, OutlineKind, WorkspaceSymbol } from './ide/symbols';
export { documentSymbols, workspaceSymbols } from './ide/symbols';
export type { FoldingSpan } from './ide/folding';
export { foldingSpans } from './ide/folding';
export type { SemanticToken, TokenRole } from './ide/semantic-tokens';
export { semanticTokens } from './ide/semantic-tokens';
export type { TextEdit } from './ide/format';
export { formatEdits } from './ide/format';
export type { NormaliseResult } from './ide/normalise';
export { normaliseFile } from './ide/normalise';
export type { CodeActionEntry } from './ide/code-actions';
export { codeActionsAt } from './ide/code-actions';
export { applyEdits } from './ide/text-edits';
export type { ReachabilityOptions } from './checks/check-reachability';
export { checkReachability, ReachabilityMemo } from './checks/check-reachability';
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
} from './model/cluster-model';
export { buildClusterModel, loadSource, modelFiles } from './model/cluster-model';
export type { ClusterGroup, GroupedFiles } from './model/cluster-layout';
export {
  folderOf,
  groupByCluster,
  hostNodeFromPath,
  layoutRootOf,
  topologyCandidates,
} from './model/cluster-layout';
export type { SourcesOfPaths } from './model/cluster-sources';
export { clusterModelOfTexts, clusterSourcesOf } from './model/cluster-sources';
export { compileInputFor, modelNode } from './compile/node-input';
export { readTopology, TopologyError } from './model/read-topology';
export { PROXMOX_TEST_TOPOLOGY } from './model/proxmox-test-topology';
export type { Topology, TopologyGuest, TopologyNic, TopologyNode } from './model/topology';
export { checkReachabilityAsync } from './checks/check-reachability';
export { AnalysisCancelled } from './analysis/steps';
export type { SliceOptions } from './analysis/steps';
