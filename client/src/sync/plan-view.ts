// The plan, in one read-only document (`pvefw-plan:/Plan`) that every "Show plan" updates in
// place instead of opening another Untitled file; then a pick list of the changed files, each
// opening VS Code's diff of the cluster (left) and the workspace (right).
import { join } from 'node:path';
import { commands, EventEmitter, Uri, ViewColumn, window, workspace } from 'vscode';
import type { Disposable, TextDocumentContentProvider } from 'vscode';
import { changedSince } from '../../../server/src/cluster/local-state';
import type { WorkspacePlan } from '../../../server/src/cluster/plan-workspace';
import { formatFirewallState } from '../../../server/src/core/plan';
import { remoteUri } from './remote-documents';

export const PLAN_URI = Uri.from({ scheme: 'pvefw-plan', path: '/Plan' });

export class PlanView implements TextDocumentContentProvider, Disposable {
  private text = 'No plan yet: run "Show plan".\n';
  private readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = workspace.registerTextDocumentContentProvider(
    PLAN_URI.scheme,
    this,
  );

  provideTextDocumentContent(): string {
    return this.text;
  }

  /** Puts `text` into the plan document and shows it (the same tab every time). */
  async show(text: string): Promise<void> {
    this.text = text;
    this.changed.fire(PLAN_URI);
    const document = await workspace.openTextDocument(PLAN_URI);
    await window.showTextDocument(document, { preview: false, viewColumn: ViewColumn.Active });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

/** The plan document, then the changed files to compare with the cluster. */
export async function showPlan(
  view: PlanView,
  root: string,
  planned: WorkspacePlan,
  text: string,
): Promise<void> {
  await view.show(text);
  const changed = changedSince(
    Object.fromEntries(formatFirewallState(planned.snapshot.state)),
    planned.local.state,
  );
  if (changed.length === 0) return;
  const picked = await window.showQuickPick(changed, {
    title: 'Compare a changed file with the cluster',
    placeHolder: `${changed.length} file(s) differ from the cluster`,
  });
  if (!picked) return;
  await commands.executeCommand(
    'vscode.diff',
    remoteUri(picked),
    Uri.file(join(root, picked)),
    `${picked} (cluster ↔ workspace)`,
  );
}
