// The cluster commands: Pull from cluster, Show plan (the calls, and a diff of cluster versus
// workspace per changed file), Push to cluster (after a modal confirmation listing the plan),
// Set API token, and the status bar that says whether the workspace is in sync.
import { commands, window, workspace } from 'vscode';
import type { Disposable, ExtensionContext, LogOutputChannel } from 'vscode';
import { ClusterError } from '../../../server/src/cluster/errors';
import { planWorkspace } from '../../../server/src/cluster/plan-workspace';
import { localEdits, pull } from '../../../server/src/cluster/pull';
import { pushWorkspace } from '../../../server/src/cluster/push-workspace';
import { planText, pushText } from '../../../server/src/cluster/report-text';
import { formatFirewallState } from '../../../server/src/core/plan/firewall-state';
import { remoteFiles, remoteUri, registerRemoteDocuments } from './remote-documents';
import { withCluster, type SyncJob } from './run-with-progress';
import { REFRESH_STATUS, SyncStatus } from './status-bar';
import { setToken } from './token-command';
import { EditorTrustedHosts } from './trusted-hosts';
import { syncRoot } from './workspace-root';
import { showPlan } from './show-plan';

export const SYNC_COMMANDS = {
  pull: 'pvefw.pull',
  plan: 'pvefw.showPlan',
  push: 'pvefw.push',
  token: 'pvefw.setApiToken',
} as const;

const MAX_LISTED = 15;

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
  const watcher = workspace.createFileSystemWatcher('**/*.fw');
  for (const event of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete])
    event(() => status.scheduleUpdate());
  const stores = { secrets: context.secrets, trusted: new EditorTrustedHosts(context.globalState) };

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
    const report = await withCluster(stores, output, 'Pulling from the cluster', (job) =>
      pull(job.root, job.client, { force, signal: job.signal, ...nodesOf(job) }),
    );
    if (!report) return;
    status.setRemoteChanged([]);
    void window.showInformationMessage(
      `Pulled: ${report.written.length} files written, ${report.deleted.length} deleted, ${report.unchanged.length} unchanged.`,
    );
  };

  const doPlan = async (): Promise<void> => {
    const result = await withCluster(stores, output, 'Comparing with the cluster', async (job) => ({
      host: job.target.baseUrl,
      planned: await planWorkspace(job.root, job.client, { signal: job.signal, ...nodesOf(job) }),
    }));
    if (!result) return;
    const { host, planned } = result;
    remoteFiles.live = formatFirewallState(planned.snapshot.state);
    status.setRemoteChanged(planned.remoteChanged);
    await showPlan(planned, planText(host, planned), remoteUri);
  };

  const doPush = async (): Promise<void> => {
    const report = await withCluster(stores, output, 'Pushing to the cluster', (job) =>
      pushWorkspace(job.root, job.client, {
        ...nodesOf(job),
        signal: job.signal,
        onProgress: ({ done, total, operation }) =>
          job.progress.report({
            message: `${done + 1}/${total}: ${operation.summary}`,
            increment: 100 / total,
          }),
        confirm: async (planned) => {
          const ops = planned.plan.operations;
          const listed = ops
            .slice(0, MAX_LISTED)
            .map((op, i) => `${i + 1}. ${op.summary}`)
            .join('\n');
          const more =
            ops.length > MAX_LISTED
              ? `\n… and ${ops.length - MAX_LISTED} more (see "Show plan")`
              : '';
          const warn =
            planned.remoteChanged.length > 0 ? '\n\nThe cluster changed since the last pull.' : '';
          const answer = await window.showWarningMessage(
            `Push ${ops.length} calls to ${job.target.baseUrl}?`,
            { modal: true, detail: `${listed}${more}${warn}` },
            'Push',
          );
          return answer === 'Push';
        },
      }),
    );
    if (!report) return;
    const text = pushText('the cluster', report);
    output.info(text);
    status.setRemoteChanged(report.outcome === 'complete' ? [] : report.planned.remoteChanged);
    if (report.outcome === 'complete' || report.outcome === 'nothing-to-do')
      void window.showInformationMessage(text.split('\n')[0]!);
    else if (report.outcome !== 'cancelled' || report.execution)
      void window.showErrorMessage(text.split('\n')[0]!, { modal: true, detail: text });
  };

  const guarded = (name: string, fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch (error) {
      const message =
        error instanceof ClusterError || error instanceof Error ? error.message : String(error);
      output.error(`${name}: ${message}`);
      void window.showErrorMessage(`${name} failed: ${message}`);
    }
  };

  return [
    status,
    watcher,
    registerRemoteDocuments(),
    commands.registerCommand(SYNC_COMMANDS.pull, guarded('Pull', doPull)),
    commands.registerCommand(SYNC_COMMANDS.plan, guarded('Show plan', doPlan)),
    commands.registerCommand(SYNC_COMMANDS.push, guarded('Push', doPush)),
    commands.registerCommand(
      SYNC_COMMANDS.token,
      guarded('Set API token', () => setToken(stores)),
    ),
    commands.registerCommand(REFRESH_STATUS, guarded('Show plan', doPlan)),
  ];
}
