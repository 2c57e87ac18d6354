// "Set API token": asks for USER@REALM!TOKENID=SECRET in a password box, checks it with one read
// of the cluster, and only then keeps it in VS Code's SecretStorage, keyed by the cluster's
// address (which .pvefw.json keeps, as for the pvefw command). A token the cluster refuses is not
// kept. The token never reaches settings, logs or messages.
import { ProgressLocation, window } from 'vscode';
import { checkToken, type PveClient } from '../../../server/src/cluster/client';
import { connect, resolveTarget, type Target } from '../../../server/src/cluster/connect';
import { ClusterError } from '../../../server/src/cluster/errors';
import { clusterErrorNotice, REVIEW_CERTIFICATE, TRUST_CERTIFICATE } from './logic/cluster-notice';
import { TOKEN_CHECK_PATH, tokenVerdict } from './logic/token-verdict';
import { hostPort } from './logic/trust-prompt';
import type { SyncStores } from './run-with-progress';
import { showNotice } from './dialogs';
import { trustCertificate } from './trust-command';
import { syncRoot, targetFor, tokenKey } from './workspace-root';

/** The token typed for `baseUrl` (its form checked as it is typed), or undefined when dismissed. */
async function askToken(baseUrl: string): Promise<string | undefined> {
  const token = await window.showInputBox({
    title: `API token for ${hostPort(baseUrl)}`,
    prompt:
      "USER@REALM!TOKENID=SECRET (Datacenter > Permissions > API Tokens); checked with the cluster, then kept in VS Code's secret storage",
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        checkToken(value, 'The token');
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  });
  return token ? token.trim() : undefined;
}

/** One read with the token; the ClusterError it caused, or undefined when it succeeded. */
function tryToken(target: Target, token: string): Thenable<ClusterError | undefined> {
  return window.withProgress(
    {
      location: ProgressLocation.Notification,
      title: `Checking the API token with ${hostPort(target.baseUrl)}`,
      cancellable: true,
    },
    async (_progress, cancel) => {
      const controller = new AbortController();
      cancel.onCancellationRequested(() => controller.abort());
      const client = connect(target, { PVEFW_TOKEN: token });
      try {
        await client.get(TOKEN_CHECK_PATH, {}, controller.signal);
        return undefined;
      } catch (error) {
        if (error instanceof ClusterError) return error;
        throw error;
      } finally {
        client.close();
      }
    },
  );
}

/**
 * Checks `token` against the cluster and keeps it when the cluster accepts it. A certificate not
 * trusted yet is offered for trust, then the same token is checked again. The token when kept.
 */
async function checkAndStore(
  stores: SyncStores,
  root: string,
  target: Target,
  token: string,
): Promise<string | undefined> {
  const error = await tryToken(target, token);
  const verdict = tokenVerdict(target.baseUrl, error);
  switch (verdict.kind) {
    case 'saved':
      await stores.secrets.store(tokenKey(target.baseUrl), token);
      if (verdict.level === 'info') void window.showInformationMessage(verdict.message);
      else void window.showWarningMessage(verdict.message);
      return token;
    case 'refused':
      if ((await window.showErrorMessage(verdict.message, verdict.retry)) === verdict.retry)
        return askAndCheckToken(stores, root, target);
      return undefined;
    case 'certificate': {
      const notice = clusterErrorNotice('Set API token', verdict.error, target.baseUrl)!;
      const answer = await showNotice(notice);
      if (answer !== TRUST_CERTIFICATE && answer !== REVIEW_CERTIFICATE) return undefined;
      if (!(await trustCertificate(stores.trusted, target.baseUrl))) return undefined;
      const trusted = await targetFor(root, stores.trusted);
      return trusted ? checkAndStore(stores, root, trusted, token) : undefined;
    }
    case 'unchecked': {
      const answer = await window.showWarningMessage(
        verdict.message,
        { modal: true, detail: verdict.detail },
        verdict.saveAnyway,
      );
      if (answer !== verdict.saveAnyway) return undefined;
      await stores.secrets.store(tokenKey(target.baseUrl), token);
      void window.showInformationMessage(
        `API token for ${hostPort(target.baseUrl)} saved without a check.`,
      );
      return token;
    }
    case 'cancelled':
      return undefined;
  }
}

/** Asks for the token of `target`, checks it, keeps it: the token, or undefined. */
export async function askAndCheckToken(
  stores: SyncStores,
  root: string,
  target: Target,
): Promise<string | undefined> {
  const token = await askToken(target.baseUrl);
  return token ? checkAndStore(stores, root, target, token) : undefined;
}

export async function setToken(stores: SyncStores): Promise<void> {
  const root = syncRoot();
  if (!root) {
    void window.showErrorMessage(
      'Open the folder that holds (or will hold) the cluster files first.',
    );
    return;
  }
  const target = await targetFor(root, stores.trusted);
  if (target) await askAndCheckToken(stores, root, target);
}

/** The client for `target`, asking for (and checking) the token first when none is kept yet. */
export async function clientFor(
  stores: SyncStores,
  root: string,
  target: Target,
): Promise<PveClient | undefined> {
  const token =
    (await stores.secrets.get(tokenKey(target.baseUrl))) ??
    (await askAndCheckToken(stores, root, target));
  // Checking a new token may have pinned the certificate on the way: connect with today's pin.
  return token
    ? connect(resolveTarget(root, undefined, stores.trusted), { PVEFW_TOKEN: token })
    : undefined;
}
