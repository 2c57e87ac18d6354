// A refused push, as the editor's dialog says it: the reason first (for a lock-out: which node,
// which address, which port, which line of which file, and the fix; for a change on the cluster:
// which lists changed), then the ways on. An override (push although it locks this machine out,
// push over someone's change) is a button that leads to a second confirmation, never the first
// button. No VS Code API here: tested with node:test (test/client/).
import type { LockedOut } from '../../../../server/src/core/plan';
import { parseListKey } from '../../../../server/src/core/plan';
import type { Operation } from '../../../../server/src/core/plan';
import type { PushReport } from '../../../../server/src/cluster/push-workspace';
import { reviewedPlanMismatch, type SavedPlan } from '../../../../server/src/cluster/saved-plan';
import { shownText } from './shown-text';

/** The web interface's and the API's port, which the lock-out check protects. */
const WEB_PORT = 8006;
const MAX_LISTS = 5;
const MAX_CALLS = 15;

/** What the user already agreed to override on the way to this push. */
export interface Overrides {
  readonly force?: boolean;
  readonly allowLockout?: boolean;
}

export type Override = 'allow-lockout' | 'force' | 'merge';
export type RefusalAction = { readonly id: 'show-plan' | Override; readonly title: string };

export interface Refusal {
  readonly kind: 'problems' | 'remote-changed' | 'lockout' | 'reviewed-plan-moved' | 'other';
  /** The reason, first. */
  readonly message: string;
  readonly detail: string;
  /** In button order: never an override first, so Enter cannot pick one. */
  readonly actions: readonly RefusalAction[];
}

export interface RefusalContext {
  readonly overrides: Overrides;
  /** The plan the user confirmed, when the push was to apply exactly that one. */
  readonly reviewed?: SavedPlan;
  /** `host:port`, as the client names the cluster. */
  readonly host: string;
  /** The workspace's firewall files (path → text), to find the line a cause names. */
  readonly files: ReadonlyMap<string, string>;
}

const SHOW_PLAN: RefusalAction = { id: 'show-plan', title: 'Show plan' };

/** `firewall/cluster.fw#ipset:mgmt` → `ipset mgmt in firewall/cluster.fw`. */
export function listInWords(key: string): string {
  const { path, name } = parseListKey(key);
  const where = shownText(path, 200);
  switch (name.list) {
    case 'ipset':
    case 'group':
      return `${name.list} ${shownText(name.name, 200)} in ${where}`;
    default:
      return `the ${name.list} of ${where}`;
  }
}

function listsInWords(keys: readonly string[]): string {
  const shown = keys.slice(0, MAX_LISTS).map(listInWords).join(', ');
  return keys.length > MAX_LISTS ? `${shown} and ${keys.length - MAX_LISTS} more` : shown;
}

function normalisedRule(line: string): string {
  const hash = line.indexOf('#');
  return (hash === -1 ? line : line.slice(0, hash)).trim().split(/\s+/).join(' ');
}

/** The same words in any order: the writer may order a rule's options differently. */
function sameWords(a: string, b: string): boolean {
  return a.split(' ').sort().join(' ') === b.split(' ').sort().join(' ');
}

/**
 * The `path:line` a lock-out cause names, found in the user's file: the decisive rule's line, or
 * the `policy_in:` line. Undefined when the cause names no line of a workspace file (the
 * default policy left unset, a rule the files no longer hold as written).
 */
export function causeLine(cause: string, files: ReadonlyMap<string, string>): string | undefined {
  const locate = (path: string, matches: (line: string) => boolean): string | undefined => {
    const lines = files.get(path)?.split('\n') ?? [];
    const index = lines.findIndex(matches);
    return index === -1 ? undefined : `${path}:${index + 1}`;
  };
  const rulePrefix = "the rule '";
  const ruleEnd = cause.lastIndexOf("' in ");
  if (cause.startsWith(rulePrefix) && ruleEnd > rulePrefix.length) {
    const rule = normalisedRule(cause.slice(rulePrefix.length, ruleEnd));
    const path = cause.slice(ruleEnd + "' in ".length);
    const exact = locate(path, (line) => normalisedRule(line) === rule);
    return exact ?? locate(path, (line) => sameWords(normalisedRule(line), rule));
  }
  const policy = /^the default policy \(policy_in: \w+ in (\S+)\)$/.exec(cause);
  if (policy)
    return locate(policy[1]!, (line) => /^policy_in\s*:/.test(line.trimStart().toLowerCase()));
  return undefined;
}

function nodeText(l: LockedOut): string {
  return `${shownText(l.node, 100)} (${shownText(l.address, 100)})`;
}

function lockoutLines(locked: readonly LockedOut[], files: ReadonlyMap<string, string>): string {
  return locked
    .map((l) => {
      const where = l.cause ? causeLine(l.cause, files) : undefined;
      const cause = l.cause ? shownText(l.cause, 500) : 'the new rules (no single line decides)';
      return `${nodeText(l)}, port ${WEB_PORT}: cut off by ${cause}${where ? `, at ${where}` : ''}.`;
    })
    .join('\n');
}

function callList(ops: readonly Operation[]): string {
  const listed = ops
    .slice(0, MAX_CALLS)
    .map((op, i) => `${i + 1}. ${shownText(op.summary, 300)}`)
    .join('\n');
  return ops.length > MAX_CALLS
    ? `${listed}\n… and ${ops.length - MAX_CALLS} more (see "Show plan")`
    : listed;
}

/** Undefined when the report is no refusal. The checks mirror push's own order. */
export function refusalOf(report: PushReport, context: RefusalContext): Refusal | undefined {
  if (report.outcome !== 'refused') return undefined;
  const { planned } = report;
  const reviewedMoved =
    context.reviewed && reviewedPlanMismatch(context.reviewed, context.host, planned);
  if (reviewedMoved)
    return {
      kind: 'reviewed-plan-moved',
      message: `Push refused: ${shownText(reviewedMoved)}.`,
      detail: `You confirmed a plan that no longer holds. Nothing was sent; push again to see the new plan.`,
      actions: [SHOW_PLAN],
    };
  const problems = [...planned.local.problems, ...planned.plan.problems];
  if (problems.length > 0)
    return {
      kind: 'problems',
      message: `Push refused: ${shownText(problems[0]!.message, 500)}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`,
      detail: `Nothing was sent. Fix these first:\n${problems.map((p) => shownText(p.message, 500)).join('\n')}`,
      actions: [SHOW_PLAN],
    };
  if (planned.remoteChanged.length > 0 && !context.overrides.force) {
    const lists = listsInWords(planned.remoteChanged);
    return {
      kind: 'remote-changed',
      message: `Push refused: the cluster changed since your last pull: ${lists}.`,
      detail:
        `Pushing now would undo those changes. Nothing was sent.\n\n` +
        `A pull merges them with your edits (which it keeps; what both changed is marked in ` +
        `the file), then push; or overwrite them on the cluster.`,
      actions: [
        SHOW_PLAN,
        { id: 'merge', title: 'Pull and merge their changes' },
        { id: 'force', title: 'Overwrite their changes…' },
      ],
    };
  }
  const { lockout } = report;
  if (lockout.checked && lockout.lockedOut.length > 0 && !context.overrides.allowLockout) {
    const address = shownText(planned.clientAddress, 100);
    const nodes = lockout.lockedOut.map(nodeText).join(', ');
    return {
      kind: 'lockout',
      message: `Push refused: this machine (${address}) would lose port ${WEB_PORT} of ${nodes}.`,
      detail:
        `${lockoutLines(lockout.lockedOut, context.files)}\n\n` +
        `Fix: accept this machine first, e.g. 'IN ACCEPT -source ${address} -p tcp -dport ${WEB_PORT}' ` +
        `at the top of [RULES] in firewall/cluster.fw, then push again.\n\nNothing was sent.`,
      actions: [SHOW_PLAN, { id: 'allow-lockout', title: 'Push anyway (allow lock-out)…' }],
    };
  }
  return {
    kind: 'other',
    message: `Push refused: ${shownText(report.reason ?? 'no reason given')}`,
    detail: 'Nothing was sent.',
    actions: [SHOW_PLAN],
  };
}

export interface OverrideConfirmation {
  readonly message: string;
  readonly detail: string;
  readonly confirm: string;
}

/** The second confirmation of an override: what will happen, and the calls. */
export function overrideConfirmation(
  override: 'allow-lockout' | 'force',
  report: PushReport,
): OverrideConfirmation {
  const { planned } = report;
  const calls = `The ${planned.plan.operations.length} calls:\n${callList(planned.plan.operations)}`;
  if (override === 'force') {
    const lists = listsInWords(planned.remoteChanged);
    return {
      message: `Overwrite what someone changed on the cluster since your last pull?`,
      detail:
        `This push undoes the changes to ${lists}. The push applies exactly the plan below, ` +
        `or nothing if the cluster changes again meanwhile.\n\n${calls}`,
      confirm: 'Overwrite and push',
    };
  }
  const locked = report.lockout.checked ? report.lockout.lockedOut : [];
  const nodes = locked.map(nodeText).join(', ');
  return {
    message: `Push although this machine loses port ${WEB_PORT} of ${nodes}?`,
    detail:
      `After this push the web interface and the API of ${nodes} no longer answer ` +
      `${shownText(planned.clientAddress, 100)}: undoing it takes the node's console or another ` +
      `machine. The push applies exactly the plan below, or nothing if the cluster changes ` +
      `meanwhile.\n\n${calls}`,
    confirm: 'Push and lose access',
  };
}
