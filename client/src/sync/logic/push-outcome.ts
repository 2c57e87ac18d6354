// After a push that was not refused: what the editor says (reason first), and which lists the
// status bar reports as changed on the cluster. A push stopped by another admin's change
// ("detected modified configuration") leaves "remote changed" until the next pull.
// No VS Code API here: tested with node:test (test/client/).
import type { PushReport } from '../../../../server/src/cluster/push-workspace';
import { SET_TOKEN, type Notice } from './cluster-notice';
import { shownText } from './shown-text';

export const SHOW_PLAN = 'Show plan';

/** Lists the cluster changed behind this workspace's back, as this push found them. */
export function remoteChangedAfterPush(report: PushReport): readonly string[] {
  switch (report.outcome) {
    case 'complete':
    case 'nothing-to-do':
    case 'unverified':
      return [];
    case 'refused':
    case 'cancelled':
      return report.planned.remoteChanged;
    case 'aborted': {
      const failed = report.execution?.failed;
      const conflict = failed?.error.kind === 'conflict' ? [failed.operation.list] : [];
      return [...new Set([...report.planned.remoteChanged, ...conflict])].sort();
    }
  }
}

/** `text` is the push report (report-text.ts's pushText); undefined: nothing to say. */
export function pushNotice(report: PushReport, text: string): Notice | undefined {
  const [first = '', ...rest] = text.trimEnd().split('\n');
  switch (report.outcome) {
    case 'complete':
    case 'nothing-to-do':
      return { level: 'info', message: shownText(first), actions: [] };
    case 'refused':
      return undefined;
    case 'cancelled':
      if (!report.execution) return undefined;
      break;
    case 'aborted':
    case 'unverified':
      break;
  }
  const auth = report.execution?.failed?.error.kind === 'auth';
  return {
    level: 'error',
    modal: true,
    message: shownText(first),
    detail: shownText(rest.join('\n'), 8000),
    actions: auth ? [SET_TOKEN, SHOW_PLAN] : [SHOW_PLAN],
  };
}
