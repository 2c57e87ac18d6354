// workspace/executeCommand `pvefw.explain` [{ text, uri?, node? }]: pve-firewall log lines
// explained against the cluster of `uri` (else the workspace's only cluster), as
// `pvefw explain` does: the rule that decided, the path, the smallest edit that turns it around.
import { explainLogLinesIn } from '../../core/explain';
import { explanationText } from '../../core/explain';
import { buildClusterModel } from '../../core/index';
import { commandClusterSources } from '../workspace-cluster-sources';
import type { WorkspaceClusters } from '../clusters';
import type { WorkspaceState } from '../workspace-state';

export const EXPLAIN_COMMAND = 'pvefw.explain';

export interface ExplainReply {
  readonly text?: string;
  readonly error?: string;
}

export function explainCommand(
  state: WorkspaceState,
  clusters: WorkspaceClusters,
  args: readonly unknown[],
): ExplainReply {
  const request = (args[0] ?? {}) as { text?: unknown; uri?: unknown; node?: unknown };
  if (typeof request.text !== 'string' || request.text.trim() === '')
    return { error: 'no log lines to explain (select them, or copy them to the clipboard)' };
  const found = commandClusterSources(
    state,
    clusters,
    request.uri,
    'open a file of the one that logged the lines',
  );
  if ('error' in found) return found;
  const node = typeof request.node === 'string' ? request.node : undefined;
  // Built here rather than inside the explanation: the reply names the node, the local one by
  // default, and one model serves both.
  const model = buildClusterModel(found.sources);
  const explained = explainLogLinesIn(
    { sources: found.sources, model },
    request.text.split('\n'),
    node,
  );
  return { text: `Explained on node ${node ?? model.localNode}.\n\n${explanationText(explained)}` };
}
