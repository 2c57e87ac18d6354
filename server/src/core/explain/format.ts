// Explanations as people read them: the CLI prints this, the editor shows it.
import type { Explanation } from './explain';

function where(e: Explanation): string {
  const by = e.decidedBy;
  if (by?.origin) return `${by.origin.path}:${by.origin.lineNumber}`;
  if (by?.builtin) return `Proxmox's built-in rule (${by.builtin})`;
  return e.verdict ? 'the chain policy' : '-';
}

function linesOf(e: Explanation): string[] {
  if (e.error) return [`${e.line}`, `  cannot explain: ${e.error}`];
  const p = e.packet!;
  const lines = [
    `${p.time ?? ''} ${p.chain} (vmid ${p.vmid}): logged '${p.message}'`.trim(),
    `  pvefw: ${e.verdict} by ${where(e)} on node ${e.node} (connection ${e.state})${e.agrees === false ? ` — NOT what the log says (${p.action}): the files differ from what the node ran` : ''}`,
    ...e.trace.map((t) => `  ${t}`),
  ];
  if (e.flip)
    lines.push(
      `  to turn it around: add '${e.flip.rule}' to ${e.flip.path} ${e.flip.where}; then: ${e.flip.then}`,
    );
  else if (e.noFlip) lines.push(`  no edit turns it around: ${e.noFlip}`);
  return lines;
}

/** Lines per deciding rule, most first. */
export function explanationSummary(
  explained: readonly Explanation[],
): { by: string; verdict: string; count: number }[] {
  const counts = new Map<string, { by: string; verdict: string; count: number }>();
  for (const e of explained) {
    const by = e.error ? 'not explained' : where(e);
    const verdict = e.verdict ?? '-';
    const key = `${by} ${verdict}`;
    const entry = counts.get(key) ?? { by, verdict, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

/** Every explanation, then (for several lines) how many each rule decided. */
export function explanationText(explained: readonly Explanation[]): string {
  const out = explained.flatMap((e) => [...linesOf(e), '']);
  if (explained.length > 1) {
    out.push(`${explained.length} lines:`);
    for (const s of explanationSummary(explained))
      out.push(`  ${String(s.count).padStart(5)}  ${s.verdict.padEnd(6)} ${s.by}`);
  }
  return `${out.join('\n')}\n`;
}
