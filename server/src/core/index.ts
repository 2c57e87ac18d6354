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
