// Helpers for the page of a code-server workbench, driven by playwright-core: the rendered
// editor lines, a point on a word, and waiting on a condition with a deadline (never a fixed
// sleep). Used by run.mjs and sync-flow.mjs.
/* global document, window */

export const STEP_TIMEOUT = Number(process.env.PVEFW_E2E_TIMEOUT ?? 60) * 1000;

// ── The editor ─────────────────────────────────────────────────────────────────────────────────

export const LINE_SELECTOR = '.editor-instance .monaco-editor .view-lines .view-line';

/** The rendered editor line that reads `text`, give or take trailing blanks (shown as U+00A0). */
export function editorLine(page, text) {
  const blank = '[ \\u00a0]';
  const pattern = `^${escapeRegExp(text.trimEnd()).replace(/ /g, blank)}${blank}*$`;
  return page.locator(LINE_SELECTOR).filter({ hasText: new RegExp(pattern) });
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The screen point in the middle of `word` in the rendered line `line`. Monaco re-renders a line
 * when semantic tokens arrive, so the line is looked up and measured in one go, and again until
 * it measures (a line replaced in between measures as an empty box).
 */
export function pointOf(page, line, word) {
  return until(page, `'${word}' to be on screen in the line '${line}'`, () =>
    page.evaluate(
      ([selector, wanted, target]) => {
        const norm = (s) => s.replace(/\u00a0/g, ' ');
        const element = [...document.querySelectorAll(selector)].find(
          (e) => norm(e.textContent).trimEnd() === wanted,
        );
        if (!element) return undefined;
        const walker = document.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */);
        const nodes = [];
        let text = '';
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          nodes.push({ node, start: text.length });
          text += node.data;
        }
        const at = norm(text).indexOf(target);
        if (at < 0) return undefined;
        const locate = (offset) => {
          const hit = nodes.findLast((n) => n.start <= offset);
          return [hit.node, offset - hit.start];
        };
        const range = document.createRange();
        range.setStart(...locate(at));
        range.setEnd(...locate(at + target.length - 1));
        const box = range.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) return undefined;
        return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
      },
      [LINE_SELECTOR, line.trimEnd(), word],
    ),
  );
}

/** Waits until `read()` returns a truthy value; returns it, or throws `what` at the deadline. */
export async function until(page, what, read, timeout = STEP_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await read().catch((error) => error);
    if (last && !(last instanceof Error)) return last;
    if (Date.now() > deadline)
      throw new Error(
        `${what} (waited ${timeout / 1000}s)${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    // Let the page run a frame before looking again: a condition poll, not a fixed sleep.
    await page.evaluate(() => new Promise((r) => window.requestAnimationFrame(() => r())));
  }
}

export const text = (locator) =>
  locator.evaluateAll((els) => els.map((e) => e.innerText).join('\n'));
