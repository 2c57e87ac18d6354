// One cluster operation in the editor: a progress notification with a Cancel button (wired to
// an AbortSignal), the client closed afterwards, and a ClusterError shown in plain words, with
// a way out where there is one (trusting a certificate, setting a token).
import { ProgressLocation, window } from 'vscode';
import type { LogOutputChannel, Progress, SecretStorage } from 'vscode';
import type { PveClient } from '../../../server/src/cluster/client';
import { trustHost, type Target } from '../../../server/src/cluster/connect';
import { ClusterError } from '../../../server/src/cluster/errors';
import type { TrustedHosts } from '../../../server/src/cluster/trusted-hosts';
import { readConfig, writeConfig } from '../../../server/src/cluster/workspace';
import { clientFor } from './token-command';
import { syncRoot, targetFor } from './workspace-root';

export interface SyncJob {
  readonly root: string;
  readonly target: Target;
  readonly client: PveClient;
  readonly signal: AbortSignal;
  readonly progress: Progress<{ message?: string; increment?: number }>;
}

/** What the user keeps for the cluster commands: tokens, and the hosts they trust. */
export interface SyncStores {
  readonly secrets: SecretStorage;
  readonly trusted: TrustedHosts;
}

async function offerTrust(
  root: string,
  target: Target,
  error: ClusterError,
  trusted: TrustedHosts,
): Promise<void> {
  const choice = await window.showWarningMessage(
    error.message,
    { modal: true },
    'Show fingerprint and trust',
  );
  if (!choice) return;
  const seen = await trustHost(root, target.baseUrl, trusted).catch((e: unknown) => e as Error);
  if (seen instanceof Error) void window.showErrorMessage(seen.message);
  else
    void window.showInformationMessage(
      `Trusted ${seen.host}, fingerprint ${seen.fingerprint}. Compare it with the Proxmox web interface (node > System > Certificates); run the command again.`,
    );
}

/** Runs `work` for the workspace's cluster; undefined when it did not run or failed (shown). */
export async function withCluster<T>(
  stores: SyncStores,
  output: LogOutputChannel,
  title: string,
  work: (job: SyncJob) => Promise<T>,
): Promise<T | undefined> {
  const root = syncRoot();
  if (!root) {
    void window.showErrorMessage(
      'Open a folder first: the cluster files live in a workspace folder.',
    );
    return undefined;
  }
  const target = await targetFor(root, stores.trusted);
  if (!target) return undefined;
  const client = await clientFor(stores.secrets, target);
  if (!client) return undefined;
  try {
    const result = await window.withProgress(
      { location: ProgressLocation.Notification, title, cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return work({ root, target, client, signal: controller.signal, progress });
      },
    );
    if (!readConfig(root).host) writeConfig(root, { ...readConfig(root), host: target.baseUrl });
    return result;
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    output.warn(`${title}: ${error.message}`);
    if (error.kind === 'tls-untrusted' || error.kind === 'fingerprint-mismatch')
      await offerTrust(root, target, error, stores.trusted);
    else if (error.kind !== 'cancelled') void window.showErrorMessage(error.message);
    return undefined;
  } finally {
    client.close();
  }
}
