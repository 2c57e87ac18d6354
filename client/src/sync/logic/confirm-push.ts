// Commit-confirmed push in the editor (as `pvefw push --confirm-within` and `pvefw confirm`): the
// push dialog offers it beside the plain push, with the window of the setting
// `pvefw.push.confirmWithin`; while the push awaits confirmation the status bar counts down and a
// notification offers "Confirm"; a revert (the deadline passed, a node stopped answering) is
// reported as the log .pvefw/confirm.log records it. No VS Code API here: tested with node:test
// (test/client/).
import type { ConfirmOutcome, RevertOutcome } from '../../../../server/src/cluster/confirm';
import {
  parseDuration,
  type PendingConfirmation,
} from '../../../../server/src/cluster/confirm-record';
import type { Notice } from './cluster-notice';
import { shownText } from './shown-text';

export const CONFIRM = 'Confirm';
export const CONFIRM_PUSH_COMMAND = 'pvefw.confirmPush';
export const DEFAULT_WINDOW = '5m';

/** The confirmation window the setting names (`90s`, `5m`, `1h`); the default when it is not one. */
export function confirmWindow(setting: unknown): { readonly ms: number; readonly text: string } {
  const text = typeof setting === 'string' ? setting.trim() : '';
  const ms = parseDuration(text);
  return ms === undefined
    ? { ms: parseDuration(DEFAULT_WINDOW)!, text: DEFAULT_WINDOW }
    : { ms, text };
}

export type PushChoiceId = 'push' | 'confirmed';

export interface PushChoice {
  readonly message: string;
  readonly detail: string;
  /** In button order: the plain push first (Enter), as before. */
  readonly buttons: readonly { readonly id: PushChoiceId; readonly title: string }[];
}

/**
 * The question before a push: its calls, and the two ways to make them. `windowText` is the
 * confirmation window; undefined when a commit-confirmed push cannot be offered (no earlier
 * pull: the nodes to watch come from it).
 */
export function pushChoice(
  calls: readonly string[],
  host: string,
  windowText: string | undefined,
): PushChoice {
  const listed = calls.slice(0, 15).map((c, i) => `${i + 1}. ${shownText(c, 300)}`);
  if (calls.length > 15) listed.push(`… and ${calls.length - 15} more (see "Show plan")`);
  const confirmed =
    windowText === undefined
      ? ''
      : `\n\n"Push with confirmation (${windowText})" reverts the push unless you confirm it ` +
        `within ${windowText} while every node's API still answers from this machine.`;
  return {
    message: `Push ${calls.length} calls to ${host}?`,
    detail: `${listed.join('\n')}${confirmed}`,
    buttons: [
      { id: 'push', title: 'Push' },
      ...(windowText === undefined
        ? []
        : [{ id: 'confirmed', title: `Push with confirmation (${windowText})` } as const]),
    ],
  };
}

/** `4:05`, `1:02:03`: the time left, never negative. */
export function timeLeft(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The status bar while a push awaits confirmation. */
export function pendingStatus(
  pending: PendingConfirmation,
  now: number,
): { readonly text: string; readonly tooltip: string } {
  const left = pending.deadline - now;
  return {
    text: `$(watch) PVE: confirm push (${left > 0 ? timeLeft(left) : 'due'})`,
    tooltip:
      left > 0
        ? `The push awaits confirmation: unless confirmed within ${timeLeft(left)}, it is reverted. Click to confirm it.`
        : 'The time to confirm the push is up: it is being reverted.',
  };
}

/** The notification right after a commit-confirmed push, while every node answers. */
export function awaitingNotice(pending: PendingConfirmation, now: number, calls: number): Notice {
  const nodes = pending.endpoints.map((e) => shownText(e.node, 100)).join(', ') || 'none known';
  return {
    level: 'warning',
    message:
      `Pushed ${calls} calls; confirm within ${timeLeft(pending.deadline - now)}, or the push is ` +
      `reverted. Every node answers (${nodes}); a watcher reverts at once if one stops answering.`,
    actions: [CONFIRM],
  };
}

/** What became of a revert, in a sentence. */
export function revertText(outcome: RevertOutcome): string {
  switch (outcome.outcome) {
    case 'nothing-pending':
      return 'No push awaits confirmation.';
    case 'reverted':
      return `The push was reverted through ${shownText(outcome.via, 200)} (${outcome.execution.applied.length} calls); your edits are still in the workspace, not pushed.`;
    case 'refused':
      return `The push was not reverted: ${shownText(outcome.reason, 500)}.`;
    case 'failed':
      return `The push could not be reverted: ${shownText(outcome.reason, 500)}. It is tried again.`;
  }
}

/** A revert done right after the push or after the deadline: `why` first. */
export function revertNotice(why: string, outcome: RevertOutcome): Notice {
  return {
    level: outcome.outcome === 'reverted' ? 'warning' : 'error',
    message: `${why} ${revertText(outcome)}`,
    actions: [],
  };
}

/** After "Confirm" (the command or the notification's button). */
export function confirmOutcomeNotice(outcome: ConfirmOutcome, last?: string): Notice {
  switch (outcome.outcome) {
    case 'confirmed':
      return { level: 'info', message: 'Push confirmed: it stays.', actions: [] };
    case 'nothing-pending':
      return {
        level: 'info',
        message: `No push awaits confirmation.${last ? ` Last: ${shownText(last, 300)}` : ''}`,
        actions: [],
      };
    case 'not-confirmed':
      return {
        level: outcome.revert.outcome === 'reverted' ? 'warning' : 'error',
        message: `Push not confirmed: ${shownText(outcome.why, 500)}. ${revertText(outcome.revert)}`,
        actions: [],
      };
  }
}

/**
 * When a pending push is gone and this editor did not settle it (the watcher reverted it, or
 * `pvefw confirm` ran): what the last line of .pvefw/confirm.log says, or nothing to say.
 */
export function settledNotice(logLine: string | undefined): Notice | undefined {
  if (!logLine) return undefined;
  const text = logLine.slice(logLine.indexOf(' ') + 1);
  if (text.startsWith('confirmed '))
    return { level: 'info', message: 'Push confirmed: it stays.', actions: [] };
  if (text.startsWith('reverted '))
    return {
      level: 'warning',
      message: `The push was not confirmed and has been reverted: ${shownText(text.slice('reverted '.length), 500)}. Your edits are still in the workspace, not pushed.`,
      actions: [],
    };
  return { level: 'error', message: `Commit-confirmed push: ${shownText(text, 500)}`, actions: [] };
}
