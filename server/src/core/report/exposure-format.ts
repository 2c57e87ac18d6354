// The exposure report for people: text for a terminal, Markdown for a review, and a standalone
// HTML page (the editor's view shows it). Names and rule texts come from files: Markdown and
// HTML escape them here; the terminal escapes what it prints.
import { markdownText } from '../plan';
import type { ExposureEntry, ExposureReport } from './exposure';

function title(entry: ExposureEntry): string {
  return `${entry.where} (${entry.families})`;
}

export function exposureText(report: ExposureReport): string {
  const out: string[] = [];
  for (const entry of report.entries) {
    out.push(title(entry));
    for (const row of entry.rows) {
      const mark = row.fromAnywhere ? '  [from anywhere]' : '';
      out.push(`  ${row.service} from ${row.sources}${mark}`);
      for (const rule of row.acceptedBy) out.push(`      accepted by ${rule}`);
    }
    if (entry.rows.length === 0) out.push('  nothing: no connection is accepted');
    if (entry.more > 0) out.push(`  … and ${entry.more} more services`);
    out.push('');
  }
  for (const note of report.notes) out.push(`note: ${note}`);
  return `${out.join('\n')}\n`;
}

export function exposureMarkdown(report: ExposureReport): string {
  const out: string[] = ['## What is exposed', ''];
  for (const entry of report.entries) {
    out.push(`### ${markdownText(title(entry))}`, '');
    if (entry.rows.length === 0) {
      out.push('No connection is accepted.', '');
      continue;
    }
    out.push('| Service | From | Accepted by |', '| --- | --- | --- |');
    for (const row of entry.rows) {
      const from = row.fromAnywhere
        ? `**${markdownText(row.sources)}**`
        : markdownText(row.sources);
      out.push(
        `| ${markdownText(row.service)} | ${from} | ${row.acceptedBy.map(markdownText).join('<br>')} |`,
      );
    }
    if (entry.more > 0) out.push('', `… and ${entry.more} more services.`);
    out.push('');
  }
  for (const note of report.notes) out.push(`- ${markdownText(note)}`);
  return `${out.join('\n')}\n`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made inert in HTML. */
export function htmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * A standalone page: no script, no remote resource (the content security policy says so), so
 * it can be opened from a file, attached to a ticket, or shown in an editor's web view.
 */
export function exposureHtml(report: ExposureReport, heading = 'What is exposed'): string {
  const sections = report.entries.map((entry) => {
    const rows = entry.rows
      .map(
        (row) =>
          `<tr${row.fromAnywhere ? ' class="open"' : ''}><td>${htmlText(row.service)}</td>` +
          `<td>${htmlText(row.sources)}</td>` +
          `<td>${row.acceptedBy.map(htmlText).join('<br>')}</td></tr>`,
      )
      .join('\n');
    const body =
      entry.rows.length === 0
        ? '<p>No connection is accepted.</p>'
        : `<table>\n<thead><tr><th>Service</th><th>From</th><th>Accepted by</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>` +
          (entry.more > 0 ? `\n<p>… and ${entry.more} more services.</p>` : '');
    return `<section>\n<h2>${htmlText(title(entry))}</h2>\n${body}\n</section>`;
  });
  const notes = report.notes.map((n) => `<li>${htmlText(n)}</li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${htmlText(heading)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: CanvasText; background: Canvas; }
table { border-collapse: collapse; margin-bottom: 1em; }
th, td { border: 1px solid GrayText; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
tr.open td:nth-child(2) { font-weight: bold; }
</style>
</head>
<body>
<h1>${htmlText(heading)}</h1>
<p>Connections opened towards each node and guest NIC, and from where they are accepted. Sources in bold: from anywhere.</p>
${sections.join('\n')}
${notes ? `<ul class="notes">\n${notes}\n</ul>` : ''}
</body>
</html>
`;
}
