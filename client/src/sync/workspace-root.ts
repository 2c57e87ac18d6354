// Which folder is synchronised with a cluster, and which cluster (.pvefw.json, or asked for on
// first use), confirmed by the user before a token goes to a host only .pvefw.json names.
// Tokens are kept apart, in SecretStorage (token-command.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { window, workspace } from 'vscode';
import { normaliseHost, resolveTarget, type Target } from '../../../server/src/cluster/connect';
import { ClusterError } from '../../../server/src/cluster/errors';
import type { TrustedHosts } from '../../../server/src/cluster/trusted-hosts';
import { CONFIG_FILE, readConfig, writeConfig } from '../../../server/src/cluster/workspace';

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

/**
 * The cluster's address as .pvefw.json names it, else asked for and written there (where the
 * pvefw command reads it too): `https://host:port`, or undefined when dismissed.
 */
export async function clusterAddress(root: string): Promise<string | undefined> {
  const config = readConfig(root);
  if (config.host) return normaliseHost(config.host);
  const typed = await window.showInputBox({
    title: 'Proxmox VE cluster',
    prompt: 'Address of a node (https://host:8006, host:8006 or host); stored in .pvefw.json',
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        normaliseHost(value);
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  });
  if (!typed) return undefined;
  const baseUrl = normaliseHost(typed);
  writeConfig(root, { ...readConfig(root), host: baseUrl });
  return baseUrl;
}

/**
 * The cluster to talk to, with the user's consent: asked for when the workspace names none
 * (first use; the address the user types is theirs to trust, and is kept in .pvefw.json), and
 * confirmed in a modal the first time a host that only .pvefw.json names would get the token.
 * Undefined when dismissed.
 */
export async function targetFor(root: string, trusted: TrustedHosts): Promise<Target | undefined> {
  let target: Target;
  try {
    target = resolveTarget(root, undefined, trusted);
  } catch (error) {
    if (!(error instanceof ClusterError) || error.kind !== 'config') throw error;
    if (existsSync(join(root, CONFIG_FILE)) && readConfig(root).host) throw error;
    const host = await clusterAddress(root);
    if (!host) return undefined;
    const typed = resolveTarget(root, host, trusted);
    if (!typed.trusted) await trusted.set(typed.baseUrl, {});
    return resolveTarget(root, undefined, trusted);
  }
  if (target.trusted) return target;
  const recorded = target.config.fingerprint;
  const answer = await window.showWarningMessage(
    `Send your API token to ${target.baseUrl}?`,
    {
      modal: true,
      detail:
        `This folder's .pvefw.json names the cluster ${target.baseUrl}, and you have not used it ` +
        `from this editor before. A repository you cloned could point anywhere: continue only if ` +
        `this is your cluster.` +
        (recorded
          ? `\n\nThe certificate must have the SHA-256 fingerprint ${recorded} (compare it with ` +
            `the Proxmox web interface: node > System > Certificates).`
          : `\n\nThe certificate is checked against your system's certificate authorities.`),
    },
    'Trust and connect',
  );
  if (answer !== 'Trust and connect') return undefined;
  await trusted.set(target.baseUrl, recorded ? { fingerprint: recorded } : {});
  return resolveTarget(root, undefined, trusted);
}
