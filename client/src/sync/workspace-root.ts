// Which folder is synchronised with a cluster, and which cluster (.pvefw.json, or asked for on
// first use). Tokens are kept apart, in SecretStorage (token-command.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { window, workspace } from 'vscode';
import { resolveTarget, type Target } from '../../../server/src/cluster/connect';
import { ClusterError } from '../../../server/src/cluster/errors';
import { CONFIG_FILE } from '../../../server/src/cluster/workspace';

export const TOKEN_KEY = 'pvefw.apiToken';

/** The first workspace folder holding .pvefw.json, else the first folder. */
export function syncRoot(): string | undefined {
  const folders = workspace.workspaceFolders ?? [];
  const configured = folders.find((f) => existsSync(join(f.uri.fsPath, CONFIG_FILE)));
  return (configured ?? folders[0])?.uri.fsPath;
}

export function tokenKey(baseUrl: string): string {
  return `${TOKEN_KEY}:${baseUrl}`;
}

/** Asks for the cluster address when the workspace has none yet (first pull). */
export async function targetFor(root: string): Promise<Target | undefined> {
  try {
    return resolveTarget(root, undefined);
  } catch (error) {
    if (!(error instanceof ClusterError) || error.kind !== 'config') throw error;
    const host = await window.showInputBox({
      title: 'Proxmox VE cluster',
      prompt: 'Address of a node (https://host:8006, host:8006 or host); stored in .pvefw.json',
      ignoreFocusOut: true,
    });
    return host ? resolveTarget(root, host) : undefined;
  }
}
