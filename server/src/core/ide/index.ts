// The ide layer's entry point: editor queries (completion, hover, rename…) without LSP types.
export { codeActionsAt, type CodeActionEntry } from './code-actions';
export {
  completionsAt,
  type CompletionEntry,
  type CompletionKind,
  type CompletionList,
} from './completion';
export { definitionAt, type FileSpan } from './definition';
export { foldingSpans, type FoldingSpan } from './folding';
export { formatEdits, type TextEdit } from './format';
export { highlightsAt, type Highlight } from './highlights';
export { hoverAt, type HoverResult, type HoverSectionProvider, type HoverTarget } from './hover';
export { normaliseFile, type NormaliseResult } from './normalise';
export { referencesAt } from './references';
export {
  prepareRenameAt,
  renameAt,
  type FileEdit,
  type PrepareRenameResult,
  type RenameResult,
} from './rename';
export { semanticTokens, type SemanticToken, type TokenRole } from './semantic-tokens';
export {
  documentSymbols,
  workspaceSymbols,
  type OutlineKind,
  type OutlineSymbol,
  type WorkspaceSymbol,
} from './symbols';
export { applyEdits } from './text-edits';
export {
  buildWorkspaceModel,
  loadIdeFile,
  ParsedFwFile,
  type IdeFile,
  type WorkspaceModel,
  type WorkspaceSource,
} from './workspace-model';
