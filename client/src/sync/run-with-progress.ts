// One cluster operation in the editor: a progress notification with a Cancel button (wired to
// an AbortSignal), the client closed afterwards, and a ClusterError shown reason first, with the
// way out as a button (logic/cluster-notice.ts): a refused token offers "Set API token", an
// untrusted or changed certificate the trust command; once that is done the operation runs again.
import { ProgressLocation, window } from 'vscode';
import type { LogOutputChannel, Progress, SecretStorage } from 'vscode';
import type { PveClient } from '../../../server/src/cluster/client';
import type { Target } from '../../../server/src/cluster/connect';
import { ClusterError } from '../../../server/src/cluster/errors';
import type { FileTrustedHosts } from '../../../server/src/cluster/trusted-hosts';
import {
  clusterErrorNotice,
  REVIEW_CERTIFICATE,
  SET_TOKEN,
  TRUST_CERTIFICATE,
} from './logic/cluster-notice';
import { showNotice } from './dialogs';
import { askAndCheckToken, clientFor } from './token-command';
import { trustCertificate } from './trust-command';
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
  readonly trusted: FileTrustedHosts;
}

/** An operation's name in messages ("Pull") and its progress title ("Pulling from the cluster"). */
export interface SyncWork {
  readonly name: string;
  readonly progress: string;
}

/** Runs `work` for the workspace's cluster; undefined when it did not run or failed (shown). */
export async function withCluster<T>(
  stores: SyncStores,
  output: LogOutputChannel,
  what: SyncWork,
  work: (job: SyncJob) => Promise<T>,
  again = true,
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
  const client = await clientFor(stores, root, target);
  if (!client) return undefined;
  let failure: ClusterError;
  try {
    return await window.withProgress(
      { location: ProgressLocation.Notification, title: what.progress, cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return work({ root, target, client, signal: controller.signal, progress });
      },
    );
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    failure = error;
  } finally {
    client.close();
  }
  output.warn(`${what.name}: ${failure.message}`);
  const notice = clusterErrorNotice(what.name, failure, target.baseUrl);
  if (!notice) return undefined;
  const answer = await showNotice(notice);
  // A failure that happens while reading (a refused token, an untrusted certificate) leaves
  // nothing half-done: once it is fixed, the same operation runs again, once.
  const fixed =
    answer === SET_TOKEN
      ? (await askAndCheckToken(stores, root, target)) !== undefined
      : answer === TRUST_CERTIFICATE || answer === REVIEW_CERTIFICATE
        ? await trustCertificate(stores.trusted, target.baseUrl)
        : false;
  return fixed && again ? withCluster(stores, output, what, work, false) : undefined;
}
