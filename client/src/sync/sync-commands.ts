// The cluster commands: Trust cluster certificate, Set API token, Pull from cluster, Show plan
// (one read-only plan document, updated in place, and a diff of cluster versus workspace per
// changed file), Push to cluster (after a modal listing the calls; a refusal says its reason
// first and offers its override behind a second confirmation), and the status bar item.
import { join } from 'node:path';
import { commands, Uri, window, workspace } from 'vscode';
import type { Disposable, ExtensionContext, LogOutputChannel } from 'vscode';
import { ClusterError } from '../../../server/src/cluster/errors';
import { planWorkspace } from '../../../server/src/cluster/plan-workspace';
import { localEdits, pull } from '../../../server/src/cluster/pull';
import { pushWorkspace } from '../../../server/src/cluster/push-workspace';
import { planText, pushText } from '../../../server/src/cluster/report-text';
import { savedPlanOf, type SavedPlan } from '../../../server/src/cluster/saved-plan';
import { readFwFiles } from '../../../server/src/cluster/workspace';
import { formatFirewallState } from '../../../server/src/core/plan';
import { confirmedBy, showNotice, showRefusal } from './dialogs';
import { SET_TOKEN } from './logic/cluster-notice';
import { mergeNotice, type MergeWorkspace } from './logic/merge';
import { pushNotice, remoteChangedAfterPush, SHOW_PLAN } from './logic/push-outcome';
import { overrideConfirmation, pushConfirmation, refusalOf, type Overrides } from './logic/refusal';
import { shownText } from './logic/shown-text';
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
} as const;

const PULL = { name: 'Pull', progress: 'Pulling from the cluster' };
const PLAN = { name: 'Show plan', progress: 'Comparing with the cluster' };
const PUSH = { name: 'Push', progress: 'Pushing to the cluster' };
const MERGE = { name: 'Merge', progress: "Merging the cluster's changes" };

export interface SyncOptions {
  /** The sync core's three-way merge; without it a concurrent change offers pull and force. */
  readonly mergeWorkspace?: MergeWorkspace;
}

/** The workspace's `nodes` setting: only those nodes' host.fw are synchronised. */
function nodesOf(job: SyncJob): { nodes?: readonly string[] } {
  const nodes = job.target.config.nodes;
  return nodes ? { nodes } : {};
}

export function registerSyncCommands(
  context: ExtensionContext,
  output: LogOutputChannel,
  options: SyncOptions = {},
): Disposable[] {
  const status = new SyncStatus();
  const planView = new PlanView();
  const watcher = workspace.createFileSystemWatcher('**/*.fw');
  for (const event of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete])
    event(() => status.scheduleUpdate());
  const stores: SyncStores = { secrets: context.secrets, trusted: userTrustedHosts() };

  const doPull = async (): Promise<void> => {
    const root = syncRoot();
    const edited = root ? localEdits(root) : [];
    const force =
      edited.length > 0 &&
      (await window.showWarningMessage(
        `Pulling overwrites changes not on the cluster yet: ${edited.slice(0, 5).join(', ')}${edited.length > 5 ? ', …' : ''}`,
        { modal: true },
        'Overwrite',
      )) === 'Overwrite';
    if (edited.length > 0 && !force) return;
    const report = await withCluster(stores, output, PULL, (job) =>
      pull(job.root, job.client, { force, signal: job.signal, ...nodesOf(job) }),
    );
    if (!report) return;
    status.setRemoteChanged([]);
    void window.showInformationMessage(
      `Pulled: ${report.written.length} files written, ${report.deleted.length} deleted, ${report.unchanged.length} unchanged.`,
    );
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

  /** The sync core's merge, when there is one: runs it, says what it did, shows a conflict. */
  const runMerge = async (merge: MergeWorkspace): Promise<void> => {
    const report = await withCluster(stores, output, MERGE, (job) =>
      merge(job.root, job.client, { signal: job.signal, ...nodesOf(job) }),
    );
    if (!report) return;
    status.setRemoteChanged([]);
    const answer = await showNotice(mergeNotice(report));
    const root = syncRoot();
    const first = report.conflicts[0];
    if (answer && root && first)
      await window.showTextDocument(Uri.file(join(root, first)), { preview: false });
  };

  /**
   * Push; with `overrides` and the `reviewed` plan after the user confirmed an override: then
   * exactly that plan is pushed, or nothing when the cluster or the workspace moved meanwhile.
   */
  const doPush = async (overrides: Overrides = {}, reviewed?: SavedPlan): Promise<void> => {
    const result = await withCluster(stores, output, PUSH, async (job) => ({
      root: job.root,
      baseUrl: job.target.baseUrl,
      host: job.client.host,
      report: await pushWorkspace(job.root, job.client, {
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
        confirm: async (planned) =>
          reviewed !== undefined ||
          (await confirmedBy(pushConfirmation({ planned }, job.client.host))),
      }),
    }));
    if (!result) return;
    const { root, baseUrl, host, report } = result;
    output.info(pushText(baseUrl, report));
    status.setRemoteChanged(remoteChangedAfterPush(report));
    const refusal = refusalOf(report, {
      overrides,
      ...(reviewed ? { reviewed } : {}),
      host,
      files: readFwFiles(root),
      mergeAvailable: options.mergeWorkspace !== undefined,
    });
    if (refusal) {
      const action = await showRefusal(refusal);
      if (action === 'show-plan') await planView.show(planText(baseUrl, report.planned));
      else if (action === 'merge' && options.mergeWorkspace) await runMerge(options.mergeWorkspace);
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
    commands.registerCommand(REFRESH_STATUS, guarded('Show plan', doPlan)),
  ];
}
