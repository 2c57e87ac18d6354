// "Show plan": the calls a push would make in a read-only document, then a pick list of the
// changed files, each opening VS Code's diff of the cluster (left) and the workspace (right).
import { join } from 'node:path';
import { commands, Uri, window, workspace } from 'vscode';
import type { WorkspacePlan } from '../../../server/src/cluster/plan-workspace';
import { changedSince } from '../../../server/src/cluster/local-state';
import { formatFirewallState } from '../../../server/src/core/plan/firewall-state';
import { syncRoot } from './workspace-root';

export async function showPlan(
  planned: WorkspacePlan,
  text: string,
  remoteUri: (path: string) => Uri,
): Promise<void> {
  const document = await workspace.openTextDocument({ content: text, language: 'plaintext' });
  await window.showTextDocument(document, { preview: true });
  const root = syncRoot();
  if (!root) return;
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
