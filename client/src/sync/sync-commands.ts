// The cluster commands: Trust cluster certificate, Set API token, Pull from cluster (which merges
// the cluster's changes with your edits, never overwrites them), Show plan (one read-only plan
// document, updated in place, and a diff of cluster versus workspace per changed file), Push to
// cluster (after a modal listing the calls, plain or commit-confirmed; a refusal says its reason
// first and offers its override behind a second confirmation), Confirm push, and the status bar
// item.
import { join } from 'node:path';
import { commands, Position, Range, Uri, window, workspace } from 'vscode';
import type { Disposable, ExtensionContext, LogOutputChannel } from 'vscode';
import { ClusterError } from '../../../server/src/cluster/errors';
import { planWorkspace } from '../../../server/src/cluster/plan-workspace';
import { nodeEndpoints, pushConfirmed } from '../../../server/src/cluster/confirm';
import { normaliseHost } from '../../../server/src/cluster/connect';
import { pull } from '../../../server/src/cluster/pull';
import { pushWorkspace, type PushOptions } from '../../../server/src/cluster/push-workspace';
import { planText, pushText } from '../../../server/src/cluster/report-text';
import { savedPlanOf, type SavedPlan } from '../../../server/src/cluster/saved-plan';
import { readFwFiles, readState } from '../../../server/src/cluster/workspace';
import { formatFirewallState } from '../../../server/src/core/plan';
import { chosenBy, confirmedBy, showNotice, showRefusal } from './dialogs';
import { SET_TOKEN } from './logic/cluster-notice';
import {
  CONFIRM_PUSH_COMMAND,
  confirmWindow,
  pushChoice,
  type PushChoiceId,
} from './logic/confirm-push';
import { firstConflictLine, OPEN_CONFLICT, pullNotice } from './logic/merge';
import { pushNotice, remoteChangedAfterPush, SHOW_PLAN } from './logic/push-outcome';
import { overrideConfirmation, refusalOf, type Overrides } from './logic/refusal';
import { shownText } from './logic/shown-text';
import { PendingPush } from './pending-push';
import { PlanView, showPlan } from './plan-view';
import { remoteFiles, registerRemoteDocuments } from './remote-documents';
import { withCluster, type SyncJob, type SyncStores } from './run-with-progress';
import { REFRESH_STATUS, SyncStatus } from './status-bar';
import { setToken } from './token-command';
import { TRUST_CERTIFICATE_COMMAND, trustCertificate } from './trust-command';
import { userTrustedHosts } from './trusted-hosts';
import { syncRoot } from './workspace-root';

export const SYNC_COMMANDS = {
  pull: 'pvefw.pull',
  plan: 'pvefw.showPlan',
  push: 'pvefw.push',
  token: 'pvefw.setApiToken',
  trust: TRUST_CERTIFICATE_COMMAND,
  confirm: CONFIRM_PUSH_COMMAND,
} as const;

const PULL = { name: 'Pull', progress: 'Pulling from the cluster' };
const PLAN = { name: 'Show plan', progress: 'Comparing with the cluster' };
const PUSH = { name: 'Push', progress: 'Pushing to the cluster' };

/** The workspace's `nodes` setting: only those nodes' host.fw are synchronised. */
function nodesOf(job: SyncJob): { nodes?: readonly string[] } {
  const nodes = job.target.config.nodes;
  return nodes ? { nodes } : {};
}

export function registerSyncCommands(
  context: ExtensionContext,
  output: LogOutputChannel,
): Disposable[] {
  const status = new SyncStatus();
  const planView = new PlanView();
  const watcher = workspace.createFileSystemWatcher('**/*.fw');
  for (const event of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete])
    event(() => status.scheduleUpdate());
  const stores: SyncStores = { secrets: context.secrets, trusted: userTrustedHosts() };
  const pending = new PendingPush(status, stores);
  pending.follow();

  /**
   * Pull, merging: files only the cluster changed are taken, your edits are kept, a file both
   * changed is merged against the last pull, and what both changed differently is marked.
   */
  const doPull = async (): Promise<void> => {
    const report = await withCluster(stores, output, PULL, (job) =>
      pull(job.root, job.client, { signal: job.signal, ...nodesOf(job) }),
    );
    if (!report) return;
    status.setRemoteChanged([]);
    status.update();
    for (const w of report.warnings) output.warn(`Pull: ${w}`);
    const answer = await showNotice(pullNotice(report));
    const root = syncRoot();
    const first = report.conflicts[0]?.file;
    if (answer === OPEN_CONFLICT && root && first) {
      const uri = Uri.file(join(root, first));
      const line = firstConflictLine((await workspace.openTextDocument(uri)).getText());
      const at = new Position(line, 0);
      await window.showTextDocument(uri, { preview: false, selection: new Range(at, at) });
    }
  };

  const doPlan = async (): Promise<void> => {
    const result = await withCluster(stores, output, PLAN, async (job) => ({
      root: job.root,
      host: job.target.baseUrl,
      planned: await planWorkspace(job.root, job.client, { signal: job.signal, ...nodesOf(job) }),
    }));
    if (!result) return;
    const { root, host, planned } = result;
    remoteFiles.live = formatFirewallState(planned.snapshot.state);
    status.setRemoteChanged(planned.remoteChanged);
    await showPlan(planView, root, planned, planText(host, planned));
  };

  /**
   * Push; with `overrides` and the `reviewed` plan after the user confirmed an override: then
   * exactly that plan is pushed, or nothing when the cluster or the workspace moved meanwhile.
   */
  const doPush = async (overrides: Overrides = {}, reviewed?: SavedPlan): Promise<void> => {
    const result = await withCluster(stores, output, PUSH, async (job) => {
      // Commit-confirmed needs an earlier pull: the nodes to watch come from it.
      const base = readState(job.root);
      const confirmIn = confirmWindow(
        workspace.getConfiguration('pvefw').get('push.confirmWithin'),
      );
      let choice: PushChoiceId = 'push';
      const options: PushOptions = {
        ...nodesOf(job),
        ...overrides,
        ...(reviewed ? { reviewed } : {}),
        signal: job.signal,
        onProgress: ({ done, total, operation }) =>
          job.progress.report({
            message: `${done + 1}/${total}: ${shownText(operation.summary, 200)}`,
            increment: 100 / total,
          }),
        // An override was confirmed with the plan's calls listed: no third question.
        confirm: async (planned) => {
          if (reviewed !== undefined) return true;
          const calls = planned.plan.operations.map((op) => op.summary);
          const picked = await chosenBy(
            pushChoice(calls, job.client.host, base ? confirmIn.text : undefined),
          );
          if (!picked) return false;
          choice = picked;
          return true;
        },
      };
      const report = base
        ? await pushConfirmed(job.root, job.client, {
            ...options,
            confirmWithinMs: () => (choice === 'confirmed' ? confirmIn.ms : undefined),
            endpoints: nodeEndpoints(base.topology, job.target.config.nodeHosts, normaliseHost),
          })
        : { ...(await pushWorkspace(job.root, job.client, options)), awaitingConfirmation: false };
      return { root: job.root, baseUrl: job.target.baseUrl, host: job.client.host, report };
    });
    if (!result) return;
    const { root, baseUrl, host, report } = result;
    output.info(pushText(baseUrl, report));
    status.setRemoteChanged(remoteChangedAfterPush(report));
    const refusal = refusalOf(report, {
      overrides,
      ...(reviewed ? { reviewed } : {}),
      host,
      files: readFwFiles(root),
    });
    if (refusal) {
      const action = await showRefusal(refusal);
      if (action === 'show-plan') await planView.show(planText(baseUrl, report.planned));
      else if (action === 'merge') await doPull();
      else if (
        (action === 'force' || action === 'allow-lockout') &&
        (await confirmedBy(overrideConfirmation(action, report)))
      )
        await doPush(
          { ...overrides, ...(action === 'force' ? { force: true } : { allowLockout: true }) },
          savedPlanOf(host, report.planned),
        );
      return;
    }
    if (report.awaitingConfirmation) {
      await pending.afterPush(root, report.execution?.applied.length ?? 0);
      return;
    }
    const notice = pushNotice(report, pushText('the cluster', report));
    const answer = notice && (await showNotice(notice));
    if (answer === SET_TOKEN) await setToken(stores);
    else if (answer === SHOW_PLAN) await doPlan();
  };

  const guarded = (name: string, fn: () => Promise<unknown>) => async () => {
    try {
      await fn();
    } catch (error) {
      const message =
        error instanceof ClusterError || error instanceof Error ? error.message : String(error);
      output.error(`${name}: ${message}`);
      void window.showErrorMessage(`${name} failed: ${shownText(message)}`);
    }
  };

  return [
    pending,
    status,
    watcher,
    planView,
    registerRemoteDocuments(),
    commands.registerCommand(SYNC_COMMANDS.pull, guarded('Pull', doPull)),
    commands.registerCommand(SYNC_COMMANDS.plan, guarded('Show plan', doPlan)),
    commands.registerCommand(
      SYNC_COMMANDS.push,
      guarded('Push', () => doPush()),
    ),
    commands.registerCommand(
      SYNC_COMMANDS.token,
      guarded('Set API token', () => setToken(stores)),
    ),
    commands.registerCommand(
      SYNC_COMMANDS.trust,
      guarded('Trust cluster certificate', () => trustCertificate(stores.trusted)),
    ),
    commands.registerCommand(
      SYNC_COMMANDS.confirm,
      guarded('Confirm push', () => pending.confirm()),
    ),
    commands.registerCommand(REFRESH_STATUS, guarded('Show plan', doPlan)),
  ];
}
