// What plan and push report (the CLI prints it, the editor shows it): the calls in order, problems, warnings, and after a push exactly
// what was applied and what was not. JSON output carries the same facts for scripts.
import type { ImpactSummary } from '../core/plan';
import { impactLines } from '../core/plan';
import type { Operation } from '../core/plan';
import { lockoutText, type WorkspacePlan } from './plan-workspace';
import type { PushReport } from './push-workspace';
import type { NicCall } from '../core/plan';
import { BEFORE_PULL_DIR, type PullReport } from './pull';

function line(op: Operation, index: number): string {
  return `  ${String(index + 1).padStart(4)}. ${op.request.method.padEnd(6)} ${op.summary}\n`;
}

function nicLine(call: NicCall): string {
  return `     - ${call.request.method.padEnd(6)} ${call.summary} (${call.request.path})\n`;
}

/** The guest config calls of a plan, before and after the firewall calls. */
function nicLines(planned: WorkspacePlan): string {
  const { calls } = planned.nics;
  if (calls.length === 0) return '';
  const first = calls.filter((c) => c.when === 'first');
  const last = calls.filter((c) => c.when === 'last');
  let text = '';
  if (first.length > 0)
    text += `NIC firewall flags, set before the firewall calls (topology.json):\n${first.map(nicLine).join('')}`;
  if (last.length > 0)
    text += `NIC firewall flags, set after the firewall calls (topology.json):\n${last.map(nicLine).join('')}`;
  return text;
}

/** How many calls a push makes: the firewall calls and the guest config calls. */
export function callCount(planned: WorkspacePlan): number {
  return planned.plan.operations.length + planned.nics.calls.length;
}

function noteLines(planned: WorkspacePlan): string {
  let text = '';
  const { plan, local, remoteChanged } = planned;
  if (!planned.pulled)
    text += `note: no earlier pull in this folder, so changes made on the cluster meanwhile cannot be told apart\n`;
  if (remoteChanged.length > 0) {
    text += `warning: the cluster changed since the last pull; pushing would undo these changes ('pvefw pull' merges them into your files):\n`;
    for (const key of remoteChanged) text += `  ${key}\n`;
  }
  for (const warning of [...planned.snapshot.warnings, ...plan.warnings])
    text += `warning: ${warning}\n`;
  for (const drop of local.dropped)
    text += `warning: ${drop.file}:${drop.line}: Proxmox drops this line, so it is not pushed: ${drop.message}\n`;
  const problems = [
    ...[...local.problems, ...plan.problems].map((p) =>
      p.message.startsWith(p.file) ? p.message : `${p.file}: ${p.message}`,
    ),
    ...planned.nics.problems,
  ];
  if (problems.length > 0) {
    text += `problems (nothing is pushed until they are fixed):\n`;
    for (const p of problems) text += `  ${p}\n`;
  }
  return text;
}

/** The lock-out check's answer, as plan shows it before push would refuse. */
function lockoutLines(planned: WorkspacePlan): string {
  const { lockout } = planned;
  if (!lockout.checked) return `note: the lock-out check could not run: ${lockout.reason}\n`;
  const text = lockoutText(planned);
  if (text) return `refused at push: ${text} (push --allow-lockout overrides)\n`;
  const nodes = [...new Set(planned.snapshot.topology.nodes.map((n) => n.name))];
  return nodes.length > 0 && planned.plan.operations.length > 0
    ? `lock-out check: this machine (${planned.clientAddress}) keeps port 8006 of ${nodes.join(', ')}\n`
    : '';
}

function impactText(impact: ImpactSummary | undefined, changes: boolean): string {
  if (!impact) return changes ? 'impact: not computed\n' : '';
  const lines = impactLines(impact, { before: 'now', after: 'after push' }, 'impact: ');
  if (lines.length === 0 && changes) lines.push('impact: no flow gets another verdict');
  return lines.map((l) => `${l}\n`).join('');
}

export function planText(host: string, planned: WorkspacePlan): string {
  const ops = planned.plan.operations;
  const total = callCount(planned);
  let text =
    total === 0
      ? `No changes: ${host} already holds the workspace.\n`
      : `Plan: ${total} calls to ${host}\n`;
  ops.forEach((op, i) => (text += line(op, i)));
  text += nicLines(planned);
  text += noteLines(planned);
  text += lockoutLines(planned);
  text += impactText(planned.plan.impact, total > 0);
  return text;
}

function operationJson(op: Operation): object {
  return {
    file: op.file,
    phase: op.phase,
    method: op.request.method,
    path: op.request.path,
    params: op.request.params,
    summary: op.summary,
    list: op.list,
    digestChecked: op.digestChecked,
    digestBefore: op.digestBefore,
    digestAfter: op.digestAfter,
  };
}

export function planJson(host: string, planned: WorkspacePlan): object {
  return {
    host,
    operations: planned.plan.operations.map(operationJson),
    nicCalls: planned.nics.calls.map((c) => ({
      when: c.when,
      method: c.request.method,
      path: c.request.path,
      params: c.request.params,
      summary: c.summary,
      changes: c.changes,
    })),
    problems: [
      ...planned.local.problems,
      ...planned.plan.problems,
      ...planned.nics.problems.map((message) => ({ file: 'topology.json', message })),
    ],
    warnings: [...planned.snapshot.warnings, ...planned.plan.warnings],
    dropped: planned.local.dropped,
    remoteChanged: planned.remoteChanged,
    pulled: planned.pulled,
    impact: planned.plan.impact ?? null,
    lockout: planned.lockout,
    clientAddress: planned.clientAddress,
  };
}

const CONSISTENT =
  'The cluster is consistent: each applied call completed on its own, and rules this push created ' +
  'but did not enable yet are disabled, so they have no effect. What was applied is recorded as ' +
  'pushed. ';

const CONTINUE = "Run 'pvefw plan' to see what is left; 'pvefw push' continues from there.\n";

const MERGE_FIRST =
  "Someone else changed the cluster during the push: 'pvefw pull' merges their change into your " +
  'files (your edits are kept; what both changed is marked), then ' +
  "'pvefw push' continues with what is left.\n";

export function pushText(host: string, report: PushReport): string {
  const all = report.planned.plan.operations;
  switch (report.outcome) {
    case 'nothing-to-do':
      return `No changes: ${host} already holds the workspace; nothing was sent.\n`;
    case 'refused':
      return `${planText(host, report.planned)}Push refused, nothing was sent: ${report.reason}\n`;
    case 'cancelled':
      if (!report.execution) return 'Push cancelled, nothing was sent.\n';
      break;
    case 'complete':
      return `Pushed ${callCount(report.planned)} calls to ${host}; read back, the cluster holds the workspace.\n`;
    case 'unverified':
      return (
        `Pushed ${all.length} calls to ${host}, but ${report.reason}.\napplied:\n` +
        all.map((op, i) => line(op, i)).join('')
      );
    case 'aborted':
      break;
  }
  const execution = report.execution!;
  const failed = execution.failed;
  const done = execution.applied.length + (report.nics?.applied.length ?? 0);
  let text = `Push stopped after ${done} of ${callCount(report.planned)} calls`;
  text += failed
    ? `: ${failed.error.message}\n`
    : report.reason
      ? `: ${report.reason}\n`
      : ' (cancelled)\n';
  const index = (op: Operation): number => all.indexOf(op);
  if (execution.applied.length > 0)
    text += 'applied:\n' + execution.applied.map((op) => line(op, index(op))).join('');
  if (failed) {
    const effect =
      failed.stage === 'verify'
        ? 'applied, but the list it changed is not what was predicted'
        : failed.error.outcomeUnknown
          ? 'unknown whether it took effect'
          : 'not applied';
    text += `failed (${effect}):\n${line(failed.operation, index(failed.operation))}`;
  }
  if (execution.notApplied.length > 0)
    text += 'not applied:\n' + execution.notApplied.map((op) => line(op, index(op))).join('');
  const nics = report.nics;
  if (nics && nics.applied.length > 0)
    text += `NIC flags set:\n${nics.applied.map(nicLine).join('')}`;
  if (nics?.failed) text += `NIC flag failed (not applied):\n${nicLine(nics.failed.call)}`;
  if (nics && nics.notApplied.length > 0)
    text += `NIC flags not set:\n${nics.notApplied.map(nicLine).join('')}`;
  // After another admin's change a push alone would refuse: the way on is a pull that merges.
  return text + CONSISTENT + (failed?.error.kind === 'conflict' ? `\n${MERGE_FIRST}` : CONTINUE);
}

export function pushJson(host: string, report: PushReport): object {
  const execution = report.execution;
  return {
    host,
    outcome: report.outcome,
    reason: report.reason ?? null,
    lockout: report.lockout,
    calls: report.calls,
    applied: execution?.applied.map(operationJson) ?? [],
    failed: execution?.failed
      ? {
          ...operationJson(execution.failed.operation),
          stage: execution.failed.stage,
          kind: execution.failed.error.kind,
          message: execution.failed.error.message,
          outcomeUnknown: execution.failed.error.outcomeUnknown,
        }
      : null,
    notApplied: execution?.notApplied.map(operationJson) ?? [],
    nics: report.nics
      ? {
          applied: report.nics.applied.map((c) => c.summary),
          failed: report.nics.failed
            ? {
                summary: report.nics.failed.call.summary,
                message: report.nics.failed.error.message,
              }
            : null,
          notApplied: report.nics.notApplied.map((c) => c.summary),
        }
      : null,
    plan: planJson(host, report.planned),
  };
}

/** What a pull did, merges and conflicts included. */
export function pullText(host: string, report: PullReport): string {
  let text = `Pulled ${host}: ${report.written.length} files written, ${report.unchanged.length} unchanged, ${report.deleted.length} deleted.\n`;
  for (const file of report.kept)
    text += `kept your edits in ${file} (the cluster did not change it)\n`;
  for (const file of report.merged) {
    const conflicts = report.conflicts.find((c) => c.file === file)?.conflicts ?? [];
    text +=
      conflicts.length === 0
        ? `merged ${file}: your edits and the cluster's changes\n`
        : `merged ${file} with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''} (in ${[...new Set(conflicts.map((c) => c.list))].join(', ')}), marked with <<<<<<< local / ======= / >>>>>>> cluster\n`;
  }
  if (report.merged.length > 0)
    text += `(each merged file as it was before the pull is in ${BEFORE_PULL_DIR}/)\n`;
  if (report.conflicts.length > 0)
    text += `Resolve the conflicts (keep what you want, delete the marker lines), then 'pvefw plan' and 'pvefw push'; push refuses while a marker is left.\n`;
  return text;
}
