// workspace/executeCommand `pvefw.report` [{ uri? }]: what is exposed in the cluster of `uri`
// (else the workspace's only cluster), as `pvefw report` says it: an HTML page for an editor's
// web view, and Markdown for clients that show text.
import { buildClusterModel } from '../../core/index';
import { exposureReport } from '../../core/report';
import { exposureHtml, exposureMarkdown } from '../../core/report';
import { commandClusterSources } from '../workspace-cluster-sources';
import type { WorkspaceClusters } from '../clusters';
import type { WorkspaceState } from '../workspace-state';

export const REPORT_COMMAND = 'pvefw.report';

export interface ReportReply {
  readonly html?: string;
  readonly markdown?: string;
  readonly error?: string;
}

export function reportCommand(
  state: WorkspaceState,
  clusters: WorkspaceClusters,
  args: readonly unknown[],
): ReportReply {
  const request = (args[0] ?? {}) as { uri?: unknown };
  const found = commandClusterSources(
    state,
    clusters,
    request.uri,
    'open a file of the one to report on',
  );
  if ('error' in found) return found;
  const report = exposureReport(buildClusterModel(found.sources));
  return { html: exposureHtml(report), markdown: exposureMarkdown(report) };
}
