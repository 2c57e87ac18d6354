// The workbench's widgets as a person uses them, for the flows of run.mjs and sync-flow.mjs: the
// command palette, input boxes, modal dialogs (which button is primary, which has the focus),
// notifications, the status bar, editor tabs, typing and saving. Each waits on a condition.
/* global document */
import fs from 'node:fs';
import path from 'node:path';
import { editorLine, escapeRegExp, pointOf, until } from './page.mjs';

// ── Widgets ──────────────────────────────────────────────────────────────────

/**
 * Runs a command from the palette (F1), by its full title. Right after a window opens the palette
 * may not know the extension's commands yet: then it is closed and opened again.
 */
export async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const first = page.locator('.quick-input-widget .monaco-list-row').first();
  await until(page, `the palette to offer '${title}'`, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    await first.waitFor();
    return (await first.innerText()).includes(title);
  });
  await page.keyboard.press('Enter');
}

/**
 * Types into the open input box (its title must contain `title`) and presses Enter. The box shows
 * before the extension's settings for it arrive, which reset its value: typed again until the
 * box takes the answer and closes.
 */
export async function answerInput(page, title, value) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await until(page, `an input box '${title}' to take the answer`, async () => {
    if (!(await widget.isVisible())) return false;
    if (!(await widget.innerText()).includes(title)) return false;
    await input.fill(value);
    if ((await input.inputValue()) !== value) return false;
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 2000 }).catch(() => {});
    return !(await widget.isVisible());
  });
}

/**
 * The modal dialog on screen: its message, detail, button labels (in screen order), its primary
 * button, and the button that has the keyboard focus (the one Enter presses).
 */
export async function dialog(page, message) {
  const box = page.locator('.monaco-dialog-box');
  return until(page, `a dialog saying ${message}`, async () => {
    if (!(await box.isVisible())) return undefined;
    const shown = await box.evaluate((element) => {
      const label = (b) => b.innerText.trim();
      const buttons = [...element.querySelectorAll('.dialog-buttons .monaco-button')];
      const focused = buttons.find((b) => b === document.activeElement);
      // Without a detail, VS Code shows the message where the detail goes.
      const title = element.querySelector('.dialog-message-text');
      const detail = element.querySelector('.dialog-message-detail')?.innerText ?? '';
      return {
        message: title ? title.innerText : detail,
        detail: title ? detail : '',
        buttons: buttons.map(label),
        primary: buttons.filter((b) => !b.classList.contains('secondary')).map(label),
        focused: focused ? label(focused) : undefined,
      };
    });
    return message.test(shown.message) && shown;
  });
}

/**
 * Clicks `label` in the dialog on screen and waits for that dialog to close. A click in the first
 * moments of a dialog can go unheard: it is repeated while the same dialog is still there.
 */
export async function clickDialogButton(page, label) {
  const box = page.locator('.monaco-dialog-box');
  const shown = () => box.locator('.dialog-message-container').innerText({ timeout: 1000 });
  const message = await shown();
  const same = async () => (await box.isVisible()) && (await shown().catch(() => '')) === message;
  await until(page, `the dialog to close after '${label}'`, async () => {
    if (!(await same())) return true;
    await box
      .locator('.dialog-buttons .monaco-button')
      .filter({ hasText: new RegExp(`^${escapeRegExp(label)}$`) })
      .click({ timeout: 2000 });
    await box.waitFor({ state: 'hidden', timeout: 1000 }).catch(() => {});
    return !(await same());
  });
}

// Notifications are read in the notification center, not as toasts: VS Code shows at most three
// toasts in 800 ms and puts the rest in the center only, and this test is faster than a person.

/** The notification center, opened from the status bar's bell (a click toggles it). */
async function notificationCenter(page) {
  const center = page.locator('.notifications-center');
  await until(page, 'the notification center to open', async () => {
    if (await center.isVisible()) return true;
    await page.locator('#status\\.notifications').click();
    await center.waitFor({ timeout: 1000 }).catch(() => {});
    return center.isVisible();
  });
  return center;
}

function notificationRow(page, message) {
  return page
    .locator('.notifications-center .notification-list-item')
    .filter({ has: page.locator('.notification-list-item-message', { hasText: message }) })
    .first();
}

/** The text of the notification saying `message`, once there is one. */
export async function notified(page, message) {
  return until(page, `a notification saying '${message}'`, async () => {
    await notificationCenter(page);
    const row = notificationRow(page, message).locator('.notification-list-item-message');
    return (await row.isVisible()) ? (await row.innerText()).trim() : undefined;
  });
}

export async function clickNotificationButton(page, message, label) {
  await notificationCenter(page);
  const row = notificationRow(page, message);
  await row.click();
  await row.locator('.monaco-button', { hasText: label }).click();
}

/** Clears the notifications, so that old ones mislead no step (the center closes then). */
export async function clearNotifications(page) {
  const center = await notificationCenter(page);
  const items = center.locator('.notification-list-item:visible');
  const clearAll = center.locator('.codicon-notifications-clear-all');
  await until(page, 'the notifications to be cleared', async () => {
    if (!(await center.isVisible()) || (await items.count()) === 0) return true;
    // VS Code disables "Clear All" when its model holds no notification; a list still showing
    // rows then is stale (seen when one arrived while the center cleared): close the center.
    if ((await clearAll.getAttribute('aria-disabled')) === 'true') {
      await page.locator('#status\\.notifications').click();
      await center.waitFor({ state: 'hidden', timeout: 1000 }).catch(() => {});
      return !(await center.isVisible());
    }
    await clearAll.click({ timeout: 2000 });
    return false;
  });
}

function statusItem(page) {
  return page.locator('.statusbar-item', { hasText: 'PVE:' });
}

export async function statusSays(page, words) {
  await until(page, `the status bar to say 'PVE: ${words}'`, async () =>
    (await statusItem(page).innerText()).includes(`PVE: ${words}`),
  );
}

export function explorerRow(page, name) {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
  });
}

/** Brings the editor tab of `name` to the front. */
export async function showTab(page, name) {
  await page
    .locator('.tabs-container .tab')
    .filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
    })
    .click();
}

/** Puts the cursor at the start of `line` in the open editor and types `typed` + Enter there. */
export async function insertAbove(page, line, typed) {
  const point = await pointOf(page, line, line.split(' ')[0]);
  await page.mouse.click(point.x, point.y);
  await page.keyboard.press('Home');
  await page.keyboard.type(typed);
  // The completion list may be open after the last word typed: Enter would accept an item
  // instead of breaking the line. Escape closes it first (and does nothing when it is closed).
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await editorLine(page, typed).waitFor();
}

/**
 * Ctrl+S, then waits until the file on disk changed and, given `expected`, holds that line (a
 * file read in the middle of the editor's write can be empty or cut short).
 */
export async function save(page, file, expected) {
  const before = fs.readFileSync(file, 'utf8');
  await page.keyboard.press('Control+s');
  await until(page, `${path.basename(file)} to be saved`, async () => {
    const now = fs.readFileSync(file, 'utf8');
    return now !== before && (expected === undefined || now.split('\n').includes(expected));
  });
}

/** The text of the editor tabs, one label per entry. */
export async function tabLabels(page) {
  return (await page.locator('.tabs-container .tab .label-name').allInnerTexts()).map((t) =>
    t.trim(),
  );
}

/** The rendered text of the active editor (the plan document has few enough lines). */
export function activeEditorText(page) {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    return [...(editor?.querySelectorAll('.view-line') ?? [])]
      .map((l) => ({ top: parseFloat(l.style.top), text: l.textContent.replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text)
      .join('\n');
  });
}
