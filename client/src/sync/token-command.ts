// "Set API token": asks for USER@REALM!TOKENID=SECRET in a password box and keeps it in
// VS Code's SecretStorage, keyed by the cluster address. It never reaches settings or logs.
import { window } from 'vscode';
import type { SecretStorage } from 'vscode';
import { checkToken, type PveClient } from '../../../server/src/cluster/client';
import { connect, type Target } from '../../../server/src/cluster/connect';
import type { SyncStores } from './run-with-progress';
import { syncRoot, targetFor, tokenKey } from './workspace-root';

/** Asks for the token of `baseUrl` and stores it; the token, or undefined when dismissed. */
export async function askToken(
  secrets: SecretStorage,
  baseUrl: string,
): Promise<string | undefined> {
  const token = await window.showInputBox({
    title: `API token for ${baseUrl}`,
    prompt:
      "USER@REALM!TOKENID=SECRET (Datacenter > Permissions > API Tokens); kept in VS Code's secret storage",
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
  if (!token) return undefined;
  await secrets.store(tokenKey(baseUrl), token.trim());
  return token.trim();
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
  if (!target) return;
  if (await askToken(stores.secrets, target.baseUrl))
    void window.showInformationMessage(`API token for ${target.baseUrl} saved.`);
}

/** The client for `target`, asking for the token first when none is stored yet. */
export async function clientFor(
  secrets: SecretStorage,
  target: Target,
): Promise<PveClient | undefined> {
  const token =
    (await secrets.get(tokenKey(target.baseUrl))) ?? (await askToken(secrets, target.baseUrl));
  return token ? connect(target, { PVEFW_TOKEN: token }) : undefined;
}
