// The status bar item: in sync, local changes (the workspace differs from the last pull), or
// remote changed (the cluster differs from the last pull). Local state is recomputed when .fw
// files change; the cluster is only asked after a pull, plan or push, or on a click. While a
// push awaits confirmation, the item says so, counts down, and a click confirms it.
import { StatusBarAlignment, window } from 'vscode';
import type { Disposable, StatusBarItem } from 'vscode';
import { localEdits } from '../../../server/src/cluster/pull';
import { readState } from '../../../server/src/cluster/workspace';
import { CONFIRM_PUSH_COMMAND } from './logic/confirm-push';
import { syncRoot } from './workspace-root';

export const REFRESH_STATUS = 'pvefw.refreshSyncStatus';

export class SyncStatus implements Disposable {
  private readonly item: StatusBarItem;
  /** Lists the cluster changed since the last pull, as the latest plan found them. */
  private remoteChanged: readonly string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A push awaiting confirmation: shown before anything else. */
  private pending: { readonly text: string; readonly tooltip: string } | undefined;

  constructor() {
    this.item = window.createStatusBarItem('pvefw.sync', StatusBarAlignment.Left, 10);
    this.item.name = 'Proxmox VE cluster sync';
    this.item.command = REFRESH_STATUS;
    this.update();
  }

  /** What the latest contact with the cluster found (empty after a pull or a push). */
  setRemoteChanged(lists: readonly string[]): void {
    this.remoteChanged = lists;
    this.update();
  }

  /** The push awaiting confirmation (pending-push.ts), or undefined when there is none. */
  setPending(pending: { readonly text: string; readonly tooltip: string } | undefined): void {
    this.pending = pending;
    this.update();
  }

  /** Debounced: typing in a .fw file must not re-read the workspace on every keystroke. */
  scheduleUpdate(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(), 500);
  }

  update(): void {
    if (this.pending) {
      this.item.text = this.pending.text;
      this.item.tooltip = this.pending.tooltip;
      this.item.command = CONFIRM_PUSH_COMMAND;
      this.item.show();
      return;
    }
    this.item.command = REFRESH_STATUS;
    const root = syncRoot();
    if (!root || !readState(root)) {
      this.item.hide();
      return;
    }
    let edited: string[];
    try {
      edited = localEdits(root);
    } catch {
      edited = ['(unreadable)'];
    }
    if (this.remoteChanged.length > 0) {
      this.item.text = '$(cloud-download) PVE: remote changed';
      this.item.tooltip = `The cluster changed since the last pull:\n${this.remoteChanged.join('\n')}\nClick to check again.`;
    } else if (edited.length > 0) {
      this.item.text = '$(cloud-upload) PVE: local changes';
      this.item.tooltip = `Changed since the last pull:\n${edited.join('\n')}\nClick to compare with the cluster.`;
    } else {
      this.item.text = '$(check) PVE: in sync';
      this.item.tooltip = 'The workspace holds what the last pull saw. Click to check the cluster.';
    }
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
  }
}
