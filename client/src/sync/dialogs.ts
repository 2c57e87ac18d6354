// The dialogs the logic modules describe (logic/*.ts decides what they say and which button comes
// first; this only shows them): notices, refusals, and confirmations.
import { window } from 'vscode';
import type { Notice } from './logic/cluster-notice';
import type { PushChoice, PushChoiceId } from './logic/confirm-push';
import type { OverrideConfirmation, Refusal, RefusalAction } from './logic/refusal';

/** A notification, or a modal dialog when the notice asks for one; the button chosen. */
export async function showNotice(notice: Notice): Promise<string | undefined> {
  const show =
    notice.level === 'info'
      ? window.showInformationMessage
      : notice.level === 'warning'
        ? window.showWarningMessage
        : window.showErrorMessage;
  return notice.modal
    ? show(notice.message, { modal: true, detail: notice.detail ?? '' }, ...notice.actions)
    : show(notice.message, ...notice.actions);
}

/** The refusal, reason first, in a modal; the action chosen (undefined: Cancel). */
export async function showRefusal(refusal: Refusal): Promise<RefusalAction['id'] | undefined> {
  const answer = await window.showErrorMessage(
    refusal.message,
    { modal: true, detail: refusal.detail },
    ...refusal.actions.map((a) => a.title),
  );
  return refusal.actions.find((a) => a.title === answer)?.id;
}

/** A modal whose only button is `confirm` (and Cancel): true when it was pressed. */
export async function confirmedBy(question: OverrideConfirmation): Promise<boolean> {
  const answer = await window.showWarningMessage(
    question.message,
    { modal: true, detail: question.detail },
    question.confirm,
  );
  return answer === question.confirm;
}

/** The push question: which of its buttons was pressed (undefined: Cancel). */
export async function chosenBy(choice: PushChoice): Promise<PushChoiceId | undefined> {
  const answer = await window.showWarningMessage(
    choice.message,
    { modal: true, detail: choice.detail },
    ...choice.buttons.map((b) => b.title),
  );
  return choice.buttons.find((b) => b.title === answer)?.id;
}
