// The editor's views of issue 19, in the workspace run.mjs opened: "Explain firewall log lines"
// on a selection (the explanation in one read-only document), and "Show what is exposed" (the
// report in a web view, read inside its frame). Every step waits on a condition.
/* global document */
import { activeEditorText, runCommand, tabLabels } from './workbench.mjs';
import { until } from './page.mjs';

// pve-firewall's log line for a packet to guest 100 on port 443 that its policy dropped.
const LOG_LINE =
  '100 6 tap100i0-IN 03/Dec/2026:13:56:43 +0100 policy DROP: IN=fwbr100i0 OUT=fwbr100i0 ' +
  'PHYSIN=fwln100i0 PHYSOUT=tap100i0 SRC=198.51.100.7 DST=192.168.1.100 LEN=60 PROTO=TCP ' +
  'SPT=40000 DPT=443 SYN';

/**
 * Runs a command from the palette without pressing Escape first (as runCommand does, to retry):
 * in an editor Escape clears the selection the command is to read.
 */
async function runCommandOnSelection(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const first = page.locator('.quick-input-widget .monaco-list-row').first();
  await until(page, `the palette to offer '${title}'`, async () =>
    (await first.innerText()).includes(title),
  );
  await page.keyboard.press('Enter');
}

/** The text of the web view whose document holds `marker`, read inside its frames. */
async function webviewText(page, marker) {
  for (const frame of page.frames()) {
    const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    if (body.includes(marker)) return body;
  }
  return undefined;
}

export async function toolsFlow({ page, step }) {
  await step('7a. Explain firewall log lines on a selection', async () => {
    // A new untitled document holding the log line, all of it selected.
    // The palette ranks "Compare New Untitled Text Files" first: the web keybinding instead.
    await page.keyboard.press('Control+Alt+N');
    await until(page, 'an untitled editor', async () =>
      (await tabLabels(page)).some((t) => t.startsWith('Untitled')),
    );
    await page.keyboard.insertText(LOG_LINE);
    await page.keyboard.press('Control+A');
    await runCommandOnSelection(page, 'Proxmox VE Firewall: Explain firewall log lines');
    const shown = await until(page, 'the explanation document', async () => {
      const labels = await tabLabels(page);
      if (!labels.some((t) => t.includes('Firewall log explained'))) return false;
      const body = await activeEditorText(page);
      return body.includes('Explained on node') && body;
    });
    if (!/100\.fw/.test(shown) || !/DROP/.test(shown))
      throw new Error(`the explanation names no rule of 100.fw:\n${shown}`);
    return shown
      .split('\n')
      .find((l) => l.includes('100.fw'))
      ?.trim()
      .slice(0, 110);
  });

  await step('7b. Show what is exposed: the report in a web view', async () => {
    await runCommand(page, 'Proxmox VE Firewall: Show what is exposed');
    const body = await until(page, 'the exposure report in a web view', () =>
      webviewText(page, 'What is exposed'),
    );
    for (const expected of ['guest 100', 'Service', 'From', 'Accepted by'])
      if (!body.includes(expected))
        throw new Error(`the report does not show '${expected}':\n${body.slice(0, 800)}`);
    return body
      .split('\n')
      .find((l) => l.includes('guest 100'))
      ?.trim();
  });
}
