// Code actions: quick fixes for our findings, plus fixes for things on the cursor's line that
// need no finding (a disabled rule, an "any" address that is not, a GROUP name in the wrong
// case). A fix for a finding of our own checks is offered only if the file, checked again
// after the edit, has fewer of those findings and nothing new except on the line it fixed.
import { checkLoadedFile } from '../checks';
import type { Finding } from '../findings';
import { loadFwConfig } from '../model';
import { parseFwSyntax } from '../syntax';
import type { RuleLine } from '../syntax';
import { LineIndex } from '../text';
import type { Span } from '../text';
import {
  FIXES,
  lowerCaseEverywhere,
  type Fix,
  type FixContext,
  type FixProvider,
} from './code-action-fixes';
import { deleteRedundantRule, moveAboveBlockers, moveDefinitionUp } from './code-action-moves';
import type { FileEdit } from './rename';
import { resolveRef } from './resolve';
import { applyEdits, mapOffset } from './text-edits';
import { clusterOf, type IdeFile, type WorkspaceModel } from './workspace-model';

/** A quick fix: edits to apply, and the finding it fixes where there is one. */
export interface CodeActionEntry {
  readonly title: string;
  readonly edits: readonly FileEdit[];
  /** The finding this fixes, to pair it with the editor's diagnostic. */
  readonly fixes?: Finding;
  readonly preferred?: boolean;
}

const PROVIDERS: Readonly<Record<string, readonly FixProvider[]>> = {
  ...FIXES,
  'undefined-ipset': [...(FIXES['undefined-ipset'] ?? []), moveDefinitionUp],
  'undefined-alias': [...(FIXES['undefined-alias'] ?? []), moveDefinitionUp],
  'redundant-rule': [deleteRedundantRule],
  'shadowed-rule': [moveAboveBlockers],
};

/** CRLF: one fix for the whole file, however many lines report it. */
function crlfFix(text: string): Fix {
  const edits = [];
  for (let at = text.indexOf('\r\n'); at !== -1; at = text.indexOf('\r\n', at + 2))
    edits.push({ span: { start: at, end: at + 1 }, newText: '' });
  return {
    title: 'Convert the line ends to LF (Proxmox reads nothing in a CRLF file)',
    edits,
    verify: false,
    preferred: true,
  };
}

function findingKey(f: Finding): string {
  return `${f.code}\u0000${f.message}`;
}

/** The findings of the file as it is, and as it would read with other text (same cluster and clock). */
interface Recheck {
  now(): Finding[];
  with(text: string): Finding[];
}

function recheckerFor(ws: WorkspaceModel, file: IdeFile): Recheck {
  const cluster = file.kind === 'cluster' ? undefined : clusterOf(ws, file)?.load.config;
  const options = cluster ? { cluster, nowSeconds: 0 } : { nowSeconds: 0 };
  const context = cluster ? { cluster } : {};
  return {
    now: () => checkLoadedFile(file.load, file.kind, options),
    with: (text) =>
      checkLoadedFile(
        loadFwConfig(parseFwSyntax(text, file.kind), file.kind, context),
        file.kind,
        options,
      ),
  };
}

function improves(
  text: string,
  recheck: Recheck,
  before: readonly Finding[],
  fix: Fix,
  finding: Finding,
): boolean {
  const fixed = applyEdits(text, fix.edits);
  const after = recheck.with(fixed);
  const count = (list: readonly Finding[]): number =>
    list.filter((f) => f.code === finding.code).length;
  if (count(after) >= count(before)) return false;
  const index = new LineIndex(fixed);
  const fixedLine = index.positionAt(mapOffset(finding.span.start, fix.edits)).line;
  const remaining = new Map<string, number>();
  for (const f of before) remaining.set(findingKey(f), (remaining.get(findingKey(f)) ?? 0) + 1);
  for (const f of after) {
    const left = remaining.get(findingKey(f)) ?? 0;
    if (left > 0) remaining.set(findingKey(f), left - 1);
    else if (index.positionAt(f.span.start).line !== fixedLine) return false;
  }
  return true;
}

/** Fixes for a rule line that need no finding; `code` pairs one with a finding if present. */
function lineFixes(
  ws: WorkspaceModel,
  file: IdeFile,
  line: RuleLine,
  ctx: FixContext,
): (Fix & { code?: string })[] {
  const fixes: (Fix & { code?: string })[] = [];
  const { rule } = line;
  const start = line.line.start;
  if (!rule.enabled)
    fixes.push({
      title: "Enable the rule (remove '|')",
      edits: [{ span: { start, end: start + 1 }, newText: '' }],
      code: 'disabled-rule',
    });
  for (const field of ['source', 'dest'] as const) {
    const option = rule.options[field];
    if (!option || !/^(0\.0\.0\.0(\/32)?|::(\/128)?)$/.test(option.value.text)) continue;
    const blanks = /^[ \t]*/.exec(file.parsed.text.slice(option.value.span.end))![0].length;
    fixes.push({
      title: `Remove '${option.flag.text} ${option.value.text}': it matches only the address ${option.value.text.replace(/\/.*/, '')}; without it the rule matches any ${field === 'source' ? 'source' : 'destination'}`,
      edits: [
        {
          span: { start: option.flag.span.start, end: option.value.span.end + blanks },
          newText: '',
        },
      ],
    });
  }
  const group = file.parsed.names.refs.find((r) => r.kind === 'group' && r.line === line);
  if (group && !resolveRef(ws, file, group)) {
    const fix = lowerCaseEverywhere(ctx, group);
    if (fix)
      fixes.push({
        title: `${fix.title}; as written pve-firewall jumps to an empty group`,
        edits: fix.here,
        elsewhere: fix.elsewhere,
        code: 'skipped-by-proxmox',
      });
  }
  return fixes;
}

export function codeActionsAt(
  ws: WorkspaceModel,
  fileId: string,
  span: Span,
  findings: readonly Finding[],
): CodeActionEntry[] {
  const file = ws.file(fileId);
  if (!file) return [];
  const { text, lineIndex, tree } = file.parsed;
  const firstLine = lineIndex.positionAt(span.start).line;
  const lastLine = lineIndex.positionAt(span.end).line;
  const onLines = (s: Span): boolean =>
    lineIndex.positionAt(s.end).line >= firstLine && lineIndex.positionAt(s.start).line <= lastLine;
  const ctx: FixContext = {
    ws,
    file,
    text,
    lineAt: (offset) => tree.lines[lineIndex.positionAt(offset).line]!,
  };
  const recheck = recheckerFor(ws, file);
  let before: Finding[] | undefined;
  const actions: CodeActionEntry[] = [];
  const add = (fix: Fix, fixes?: Finding): void => {
    const edits = [...fix.edits.map((e) => ({ ...e, fileId })), ...(fix.elsewhere ?? [])];
    actions.push({
      title: fix.title,
      edits,
      ...(fixes ? { fixes } : {}),
      ...(fix.preferred ? { preferred: true } : {}),
    });
  };
  const crlf = findings.find((f) => f.code === 'crlf-line-endings');
  if (crlf) add(crlfFix(text), crlf);
  for (const finding of findings) {
    if (!onLines(finding.span)) continue;
    for (const provide of PROVIDERS[finding.code] ?? []) {
      for (const fix of provide(ctx, finding)) {
        before ??= recheck.now();
        if (fix.verify === false || improves(text, recheck, before, fix, finding))
          add(fix, finding);
      }
    }
  }
  for (let n = firstLine; n <= lastLine; n++) {
    const line = tree.lines[n];
    if (line?.kind !== 'rule') continue;
    for (const fix of lineFixes(ws, file, line, ctx)) {
      const paired = findings.find((f) => f.code === fix.code && ctx.lineAt(f.span.start) === line);
      add(fix, paired);
    }
  }
  return actions;
}
