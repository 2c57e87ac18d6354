// Fixes that move lines: a definition used before it is defined (Proxmox resolves names top to
// bottom), and a rule shadowed by rules above it (the reachability analysis names them).
import type { Finding } from '../findings';
import type { FwLine, HeaderLine } from '../syntax';
import type { FixProvider } from './code-action-fixes';
import type { TextEdit } from './format';
import { referencesTo, resolveRef } from './resolve';
import { lineText, lineWithBreak } from './text-edits';

function headerAbove(lines: readonly FwLine[], lineNumber: number): HeaderLine | undefined {
  for (const line of lines.slice(0, Math.max(0, lineNumber - 1)).reverse())
    if (line.kind === 'header') return line;
  return undefined;
}

/** Ensures a block of lines ends with a blank line before whatever follows it. */
function asBlock(text: string): string {
  const withBreak = text.endsWith('\n') ? text : `${text}\n`;
  return withBreak.endsWith('\n\n') ? withBreak : `${withBreak}\n`;
}

export const moveDefinitionUp: FixProvider = (ctx, finding) => {
  const { file, text } = ctx;
  const ref = file.parsed.names.refs.find(
    (r) => r.span.start >= finding.span.start && r.span.end <= finding.span.end,
  );
  const target = ref && resolveRef(ctx.ws, file, ref)?.target;
  if (!target || target.file.id !== file.id) return [];
  const [only, ...others] = target.defs;
  if (!only || others.length > 0) return [];
  const def = only.line;
  const lines = file.parsed.tree.lines;
  const uses = referencesTo(ctx.ws, target, [file]).map((h) => h.ref.line.line.number);
  const firstUse = Math.min(...uses);
  if (firstUse > def.line.number) return [];
  const useSection = headerAbove(lines, firstUse);
  if (!useSection) return [];
  const insertAt = useSection.line.full.start;
  const edits: TextEdit[] = [];
  if (target.kind === 'ipset') {
    const next = lines.slice(def.line.number).find((l) => l.kind === 'header');
    const end = next ? next.line.full.start : text.length;
    edits.push({
      span: { start: insertAt, end: insertAt },
      newText: asBlock(text.slice(def.line.full.start, end)),
    });
    edits.push({ span: { start: def.line.full.start, end }, newText: '' });
  } else {
    const aliases = lines
      .slice(0, firstUse - 1)
      .filter((l): l is HeaderLine => l.kind === 'header' && l.section === 'aliases')
      .pop();
    if (aliases) {
      const after = aliases.line.full.end + 1;
      edits.push({ span: { start: after, end: after }, newText: lineText(text, def) });
    } else {
      edits.push({
        span: { start: insertAt, end: insertAt },
        newText: `[ALIASES]\n${lineText(text, def)}\n`,
      });
    }
    edits.push({ span: lineWithBreak(text, def), newText: '' });
  }
  const what = target.kind === 'ipset' ? `[IPSET ${target.key}]` : `alias ${target.key}`;
  return [{ title: `Move ${what} above its first use (line ${firstUse})`, edits, preferred: true }];
};

/** Where the blockers start, when all of them are in this file (reachability names its path). */
function sameFileSpans(finding: Finding, path: string): number[] | undefined {
  const here = finding.related.filter((r) => r.path === undefined || r.path === path);
  const starts = here.map((r) => r.span.start);
  return starts.length > 0 && starts.length === finding.related.length ? starts : undefined;
}

export const moveAboveBlockers: FixProvider = (ctx, finding) => {
  const blockers = sameFileSpans(finding, ctx.file.path);
  if (!blockers) return [];
  const rule = ctx.lineAt(finding.span.start);
  const first = ctx.lineAt(Math.min(...blockers));
  if (first.line.number >= rule.line.number) return [];
  // Only within one section: across a header the rule would change its section or group.
  const between = ctx.file.parsed.tree.lines.slice(first.line.number - 1, rule.line.number - 1);
  if (between.some((l) => l.kind === 'header')) return [];
  const at = first.line.full.start;
  return [
    {
      title: `Move the rule above the rules that shadow it (line ${first.line.number})`,
      edits: [
        { span: { start: at, end: at }, newText: lineText(ctx.text, rule) },
        { span: lineWithBreak(ctx.text, rule), newText: '' },
      ],
      verify: false,
    },
  ];
};

export const deleteRedundantRule: FixProvider = (ctx, finding) => [
  {
    title: 'Delete the redundant rule',
    edits: [{ span: lineWithBreak(ctx.text, ctx.lineAt(finding.span.start)), newText: '' }],
    verify: false,
  },
];
