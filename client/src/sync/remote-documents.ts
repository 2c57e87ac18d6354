// Read-only documents holding what the last pull saw (`pvefw-remote:/firewall/cluster.fw`), so
// "Show plan" can open VS Code's diff of cluster versus workspace for each changed file.
import { EventEmitter, Uri, workspace } from 'vscode';
import type { Disposable, TextDocumentContentProvider } from 'vscode';
import { readState } from '../../../server/src/cluster/workspace';
import { syncRoot } from './workspace-root';

export const REMOTE_SCHEME = 'pvefw-remote';

class RemoteFiles implements TextDocumentContentProvider {
  readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;
  /** Texts of the live cluster from the latest plan, else those of the last pull. */
  live = new Map<string, string>();

  provideTextDocumentContent(uri: Uri): string {
    const path = uri.path.replace(/^\//, '');
    if (this.live.has(path)) return this.live.get(path)!;
    const root = syncRoot();
    return (root && readState(root)?.files[path]) ?? '';
  }
}

export const remoteFiles = new RemoteFiles();

export function registerRemoteDocuments(): Disposable {
  return workspace.registerTextDocumentContentProvider(REMOTE_SCHEME, remoteFiles);
}

export function remoteUri(path: string): Uri {
  return Uri.from({ scheme: REMOTE_SCHEME, path: `/${path}` });
}
