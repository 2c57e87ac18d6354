// The flows that change verdict as people read them: lines for a terminal (the plan, `pvefw
// diff`) and Markdown for a pull-request comment. Texts come from files and servers: the
// terminal escapes them where it prints; Markdown escapes them here.
import type { FlowChange, ImpactSummary } from './impact';

/** What each side is called: `now` / `after push`, or the two revisions. */
export interface SideLabels {
  readonly before: string;
  readonly after: string;
}

/** One change as lines: the class, its example packet, what decides it on each side. */
export function changeLines(change: FlowChange, labels: SideLabels, lead = ''): string[] {
  const indent = ' '.repeat(8);
  const lines = [`${lead}${change.where}: ${change.flow}: ${change.before} → ${change.after}`];
  if (change.example) lines.push(`${indent}e.g. ${change.example}`);
  if (change.beforeBy?.length)
    lines.push(`${indent}${labels.before}: ${change.beforeBy.join('; ')}`);
  if (change.afterBy?.length) lines.push(`${indent}${labels.after}: ${change.afterBy.join('; ')}`);
  return lines;
}

/** Every change and note as text lines, each starting with `lead`. */
export function impactLines(impact: ImpactSummary, labels: SideLabels, lead = ''): string[] {
  const lines = impact.changes.flatMap((c) => changeLines(c, labels, lead));
  for (const note of impact.notes ?? []) lines.push(`${lead}${note}`);
  return lines;
}

/**
 * Text from files made inert in Markdown: no markup, no table cell break, no HTML, no mention
 * or reference that notifies someone (`@user`, `#12`).
 */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>|&#@~!]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\n/g, ' ');
}

function verdictCell(before: string, after: string): string {
  return `${before} → **${after}**`;
}

/** A pull-request comment: a table of classes, then the proof and the lines per class. */
export function impactMarkdown(impact: ImpactSummary, title: string, labels: SideLabels): string {
  const count = impact.changes.length;
  const out = [`### ${markdownText(title)}`, ''];
  if (count === 0) {
    out.push('No flow gets another verdict.');
    for (const note of impact.notes ?? []) out.push('', `- ${markdownText(note)}`);
    return `${out.join('\n')}\n`;
  }
  out.push(
    `${count} class${count === 1 ? '' : 'es'} of flows get${count === 1 ? 's' : ''} another verdict.`,
    '',
    '| Where | Flow | Verdict |',
    '| --- | --- | --- |',
  );
  for (const c of impact.changes)
    out.push(
      `| ${markdownText(c.where)} | ${markdownText(c.flow)} | ${verdictCell(c.before, c.after)} |`,
    );
  out.push('', '<details><summary>Proof and responsible lines</summary>', '');
  for (const c of impact.changes) {
    out.push(`- **${markdownText(c.where)}**: ${markdownText(c.flow)}`);
    if (c.example) out.push(`  - e.g. ${markdownText(c.example)}`);
    if (c.beforeBy?.length)
      out.push(`  - ${markdownText(labels.before)}: ${c.beforeBy.map(markdownText).join('; ')}`);
    if (c.afterBy?.length)
      out.push(`  - ${markdownText(labels.after)}: ${c.afterBy.map(markdownText).join('; ')}`);
  }
  for (const note of impact.notes ?? []) out.push(`- ${markdownText(note)}`);
  out.push('', '</details>');
  return `${out.join('\n')}\n`;
}
