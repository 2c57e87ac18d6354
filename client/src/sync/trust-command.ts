// "Trust cluster certificate": reads the certificate the cluster presents, shows its SHA-256
// fingerprint as the Proxmox web interface does, and pins it only after the user says so. A
// certificate that differs from the pin takes two steps (a modal whose first button keeps the
// pin, then typing the new fingerprint's end). Pins go to the store the pvefw command uses.
import { ProgressLocation, window } from 'vscode';
import { normaliseHost, trustHost } from '../../../server/src/cluster/connect';
import { ClusterError } from '../../../server/src/cluster/errors';
import { readCertificate } from '../../../server/src/cluster/read-certificate';
import { normaliseFingerprint } from '../../../server/src/cluster/tls';
import type { FileTrustedHosts } from '../../../server/src/cluster/trusted-hosts';
import { readConfig } from '../../../server/src/cluster/workspace';
import { shownText } from './logic/shown-text';
import { hostPort, replacementInput, replacementProblem, trustPrompt } from './logic/trust-prompt';
import { clusterAddress, syncRoot } from './workspace-root';

export const TRUST_CERTIFICATE_COMMAND = 'pvefw.trustCertificate';

/** Asks until the user confirms (true) or turns the certificate down (false). */
async function confirmed(
  prompt: ReturnType<typeof trustPrompt>,
  baseUrl: string,
  fingerprint: string,
): Promise<boolean> {
  switch (prompt.kind) {
    case 'already-trusted':
      return true;
    case 'first-use':
      return (
        (await window.showWarningMessage(
          prompt.message,
          { modal: true, detail: prompt.detail },
          prompt.trust,
        )) === prompt.trust
      );
    case 'changed': {
      // The first button is the one Enter presses: it keeps the pin.
      const answer = await window.showWarningMessage(
        prompt.message,
        { modal: true, detail: prompt.detail },
        prompt.keep,
        prompt.replace,
      );
      if (answer !== prompt.replace) return false;
      const input = replacementInput(baseUrl, fingerprint);
      const typed = await window.showInputBox({
        ...input,
        ignoreFocusOut: true,
        validateInput: (value) => replacementProblem(value, fingerprint),
      });
      return typed !== undefined && replacementProblem(typed, fingerprint) === undefined;
    }
  }
}

/**
 * Shows the certificate of the workspace's cluster (or `host`) and pins it once confirmed.
 * True when the user trusts the certificate the host presents now.
 */
export async function trustCertificate(trusted: FileTrustedHosts, host?: string): Promise<boolean> {
  const root = syncRoot();
  if (!root) {
    void window.showErrorMessage(
      'Open the folder that holds (or will hold) the cluster files first.',
    );
    return false;
  }
  try {
    const baseUrl = host ? normaliseHost(host) : await clusterAddress(root);
    if (!baseUrl) return false;
    const seen = await window.withProgress(
      {
        location: ProgressLocation.Notification,
        title: `Reading the certificate of ${hostPort(baseUrl)}`,
      },
      () => readCertificate(baseUrl),
    );
    const config = readConfig(root);
    const recorded =
      config.host && config.fingerprint && normaliseHost(config.host) === baseUrl
        ? config.fingerprint
        : undefined;
    const pinned = trusted.get(baseUrl)?.fingerprint;
    const prompt = trustPrompt({
      baseUrl,
      seen,
      storePath: trusted.path,
      ...(pinned ? { pinned } : {}),
      ...(recorded ? { recorded } : {}),
    });
    if (!(await confirmed(prompt, baseUrl, seen.fingerprint))) return false;
    // Pins exactly what was shown: should the host present another certificate by now, nothing
    // is stored (trustHost's `expected`).
    const result = await trustHost(root, baseUrl, trusted, seen.fingerprint);
    void window.showInformationMessage(
      prompt.kind === 'already-trusted'
        ? prompt.message
        : `Trusted ${hostPort(baseUrl)}: its certificate (SHA-256 ${normaliseFingerprint(result.fingerprint)}) is pinned.`,
    );
    return true;
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    void window.showErrorMessage(`Trust cluster certificate: ${shownText(error.message)}`);
    return false;
  }
}
