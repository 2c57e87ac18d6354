// A push awaiting confirmation, as the editor follows it. Right after a commit-confirmed push every
// node's API is probed once (a node that does not answer: reverted at once); then the CLI's own
// watcher (`pvefw confirm --watch`, dist/cli.js) is started detached with the token in its
// environment, as `pvefw push --confirm-within` does, so that closing the editor does not stop
// the revert. Meanwhile the status bar counts down (a click confirms), a notification offers
// "Confirm", and when the record is gone without this editor settling it (the watcher reverted,
// `pvefw confirm` ran) the last line of .pvefw/confirm.log is reported. A push past its deadline
// whose watcher is gone is reverted by the editor itself, a little after the deadline.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProgressLocation, window } from 'vscode';
import type { Disposable } from 'vscode';
import {
  confirmPending,
  lastConfirmOutcome,
  readPending,
  revertIfDue,
  revertPending,
  type ClientFor,
} from '../../../server/src/cluster/confirm';
import { endpointClient, resolveTarget } from '../../../server/src/cluster/connect';
import { unreachableEndpoints } from '../../../server/src/cluster/probe';
import { spawnConfirmWatcher } from '../../../server/src/cluster/watcher';
import { showNotice } from './dialogs';
import {
  awaitingNotice,
  CONFIRM,
  confirmOutcomeNotice,
  pendingStatus,
  revertNotice,
  settledNotice,
} from './logic/confirm-push';
import type { SyncStores } from './run-with-progress';
import type { SyncStatus } from './status-bar';
import { syncRoot, tokenKey } from './workspace-root';

/** How long after the deadline the editor reverts itself, when no watcher has (it may be gone). */
const EDITOR_REVERT_GRACE_MS = 15_000;

export class PendingPush implements Disposable {
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** A pending push this editor has seen and not settled itself. */
  private followed = false;
  /** This editor is confirming or reverting: the record's end is its to report. */
  private settling = false;
  private reverting = false;

  constructor(
    private readonly status: SyncStatus,
    private readonly stores: SyncStores,
  ) {}

  /** Follows the folder's pending push, if there is one (at start, and after a push). */
  follow(): void {
    this.tick();
    if (this.followed && !this.ticker) this.ticker = setInterval(() => this.tick(), 1000);
  }

  /** The token's clients for the workspace host and the node endpoints the user trusts. */
  private async clients(root: string): Promise<ClientFor> {
    const target = resolveTarget(root, undefined, this.stores.trusted);
    const token = await this.stores.secrets.get(tokenKey(target.baseUrl));
    return endpointClient(target, this.stores.trusted, token ? { PVEFW_TOKEN: token } : {});
  }

  private async settle<T>(work: () => Promise<T>): Promise<T> {
    this.settling = true;
    try {
      return await work();
    } finally {
      this.settling = false;
      this.followed = false;
      this.tick();
    }
  }

  private tick(): void {
    const root = syncRoot();
    let pending;
    try {
      pending = root ? readPending(root) : undefined;
    } catch {
      pending = undefined;
    }
    if (root && pending) {
      if (!this.settling) this.followed = true;
      const now = Date.now();
      this.status.setPending(pendingStatus(pending, now));
      if (now >= pending.deadline + EDITOR_REVERT_GRACE_MS && !this.reverting && !this.settling) {
        this.reverting = true;
        void this.revertDue(root).finally(() => (this.reverting = false));
      }
      return;
    }
    this.status.setPending(undefined);
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    if (root && this.followed && !this.settling) {
      this.followed = false;
      const notice = settledNotice(lastConfirmOutcome(root));
      if (notice) void showNotice(notice);
    }
  }

  /** The watcher did not revert in time (it is gone): the editor does. */
  private async revertDue(root: string): Promise<void> {
    try {
      const outcome = await this.settle(async () =>
        revertIfDue(root, { clientFor: await this.clients(root) }),
      );
      if (outcome) void showNotice(revertNotice('The push was not confirmed in time.', outcome));
    } catch (error) {
      void window.showErrorMessage(
        `The push awaiting confirmation could not be reverted: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /**
   * After a push that awaits confirmation: every node must answer now, else it is reverted at
   * once; then the watcher starts and the notification offers "Confirm".
   */
  async afterPush(root: string, calls: number): Promise<void> {
    const pending = readPending(root);
    if (!pending) return;
    const down = await unreachableEndpoints(pending.endpoints, 5000);
    if (down.length > 0) {
      const why = `${down.map((d) => `${d.endpoint.node} (${d.endpoint.url}: ${d.reason})`).join(', ')} stopped answering`;
      const outcome = await this.settle(async () =>
        revertPending(root, { clientFor: await this.clients(root), why }),
      );
      void showNotice(revertNotice(`Right after the push, ${why}.`, outcome));
      return;
    }
    await this.startWatcher(root);
    this.follow();
    const answer = await showNotice(awaitingNotice(pending, Date.now(), calls));
    if (answer === CONFIRM) await this.confirm();
  }

  /** The CLI's watcher, detached, with the token in its environment (never on its command line). */
  private async startWatcher(root: string): Promise<void> {
    const script = join(__dirname, 'cli.js');
    if (!existsSync(script)) return;
    const target = resolveTarget(root, undefined, this.stores.trusted);
    const token = await this.stores.secrets.get(tokenKey(target.baseUrl));
    if (!token) return;
    spawnConfirmWatcher(
      root,
      { node: process.execPath, script },
      { ...process.env, PVEFW_TOKEN: token, ELECTRON_RUN_AS_NODE: '1' },
    );
  }

  /** "Confirm" (the command, the status bar, the notification's button). */
  async confirm(): Promise<void> {
    const root = syncRoot();
    if (!root) return;
    const outcome = await window.withProgress(
      { location: ProgressLocation.Notification, title: 'Confirming the push' },
      () => this.settle(async () => confirmPending(root, { clientFor: await this.clients(root) })),
    );
    void showNotice(confirmOutcomeNotice(outcome, lastConfirmOutcome(root)));
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
