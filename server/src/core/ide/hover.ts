// Hover: what the thing under the cursor means to Proxmox. Callers can add sections (the
// reachability analysis adds what a rule actually matches) through `HoverSectionProvider`.
import { OPTIONS } from '../facts';
import type { MacroFact, OptionFact } from '../facts';
import { findMacro } from '../model';
import type { RuleLine } from '../syntax';
import type { Span } from '../text';
import { macroDocumentation, optionDocumentation } from './facts-text';
import { nameHoverSections } from './hover-names';
import { symbolAt, type Resolution, type SymbolTarget } from './resolve';
import { ruleSummary } from './rule-summary';
import type { IdeFile, WorkspaceModel } from './workspace-model';

export type HoverTarget =
  | { readonly kind: 'name'; readonly target: SymbolTarget; readonly resolution?: Resolution }
  | { readonly kind: 'macro'; readonly macro: MacroFact; readonly line: RuleLine }
  | { readonly kind: 'option'; readonly option: OptionFact }
  | { readonly kind: 'rule'; readonly line: RuleLine };

/** Extra Markdown sections for a target; undefined or [] when it has nothing to add. */
export type HoverSectionProvider = (
  ws: WorkspaceModel,
  file: IdeFile,
  target: HoverTarget,
) => readonly string[] | undefined;

export interface HoverResult {
  readonly span: Span;
  readonly target: HoverTarget;
  /** Markdown paragraphs, shown separated by rules. */
  readonly sections: readonly string[];
}

function touches(span: Span | undefined, offset: number): span is Span {
  return span !== undefined && span.start <= offset && offset <= span.end;
}

function targetAt(
  ws: WorkspaceModel,
  file: IdeFile,
  offset: number,
): { span: Span; target: HoverTarget } | undefined {
  const symbol = symbolAt(ws, file, offset);
  if (symbol) {
    const target: HoverTarget = {
      kind: 'name',
      target: symbol.target,
      ...(symbol.resolution ? { resolution: symbol.resolution } : {}),
    };
    return { span: symbol.span, target };
  }
  const line = file.parsed.tree.lines[file.parsed.lineIndex.positionAt(offset).line];
  if (!line) return undefined;
  const content = { start: line.line.start, end: line.line.start + line.line.content.length };
  if (line.kind === 'rule') {
    const macro = line.rule.macroToken && findMacro(line.rule.macroToken.text);
    if (macro && touches(line.rule.macroToken.span, offset))
      return { span: line.rule.macroToken.span, target: { kind: 'macro', macro, line } };
    return touches(content, offset) ? { span: content, target: { kind: 'rule', line } } : undefined;
  }
  if (line.kind === 'option') {
    const key = /^([A-Za-z0-9_]+):/.exec(line.line.content)?.[1]?.toLowerCase();
    const option = OPTIONS.find((o) => o.key === key && o.kinds.includes(file.kind));
    return option && touches(content, offset)
      ? { span: content, target: { kind: 'option', option } }
      : undefined;
  }
  return undefined;
}

function ownSections(ws: WorkspaceModel, file: IdeFile, target: HoverTarget): string[] {
  switch (target.kind) {
    case 'name':
      return nameHoverSections(ws, target.target, target.resolution);
    case 'macro':
      return [macroDocumentation(target.macro)];
    case 'option':
      return [optionDocumentation(target.option)];
    case 'rule':
      return [ruleSummary(file, target.line)];
  }
}

export function hoverAt(
  ws: WorkspaceModel,
  fileId: string,
  offset: number,
  providers: readonly HoverSectionProvider[] = [],
): HoverResult | undefined {
  const file = ws.file(fileId);
  const found = file && targetAt(ws, file, offset);
  if (!file || !found) return undefined;
  const sections = ownSections(ws, file, found.target);
  for (const provide of providers) sections.push(...(provide(ws, file, found.target) ?? []));
  return { span: found.span, target: found.target, sections };
}
