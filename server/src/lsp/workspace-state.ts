// The one owner of file contents: documents the client has open (their text wins) and `.fw`
// files read from disk. Every change gets a new revision number, so results can say exactly
// which contents they were computed from.
import { TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileKey } from './uris';
import type { FileKey } from './uris';

export interface FileSnapshot {
  readonly key: FileKey;
  /** The URI the client uses for an open document, else the key. */
  readonly uri: string;
  readonly text: string;
  /** Bumped by every change of this file's contents, open or on disk. */
  readonly revision: number;
  /** The client's document version, for open documents. */
  readonly version?: number;
}

export type FileChangeCause = 'content' | 'saved' | 'closed' | 'disk';

export interface FileChange {
  readonly key: FileKey;
  /** The client's URI of a document that was edited, saved or closed. */
  readonly uri?: string;
  readonly cause: FileChangeCause;
}

export type FileChangeListener = (changes: readonly FileChange[]) => void;

/** Reads files the disk cache has not seen (created since the scan, or outside the folders). */
export interface DiskFallback {
  read(key: FileKey): string | undefined;
  /** True when changes to the file will be reported (it lies in a watched folder). */
  isWatched(key: FileKey): boolean;
}

const NO_DISK: DiskFallback = { read: () => undefined, isWatched: () => false };

export class WorkspaceState {
  readonly documents = new TextDocuments(TextDocument);
  private readonly openUris = new Map<FileKey, string>();
  private readonly disk = new Map<FileKey, string>();
  /** Last text read from files nobody watches; re-read on every use, so never stale. */
  private readonly unwatched = new Map<FileKey, string>();
  private readonly revisions = new Map<FileKey, number>();
  private revisionCounter = 0;
  /** Bumped when a file may have come or gone (opened, closed, created, deleted). */
  private membership = 0;
  private readonly listeners: FileChangeListener[] = [];

  constructor(private readonly diskFallback: DiskFallback = NO_DISK) {
    this.documents.onDidChangeContent(({ document }) => {
      const key = fileKey(document.uri);
      if (!this.openUris.has(key)) this.membership++;
      this.openUris.set(key, document.uri);
      this.bump(key);
      this.emit([{ key, uri: document.uri, cause: 'content' }]);
    });
    this.documents.onDidSave(({ document }) => {
      this.emit([{ key: fileKey(document.uri), uri: document.uri, cause: 'saved' }]);
    });
    this.documents.onDidClose(({ document }) => {
      const key = fileKey(document.uri);
      this.openUris.delete(key);
      this.membership++;
      this.bump(key);
      this.emit([{ key, uri: document.uri, cause: 'closed' }]);
    });
  }

  onDidChange(listener: FileChangeListener): void {
    this.listeners.push(listener);
  }

  /** Every file known: open documents and files read from disk. */
  knownKeys(): FileKey[] {
    return [...new Set([...this.openUris.keys(), ...this.disk.keys()])];
  }

  /** Changes whenever the set of known files may have changed (not on edits). */
  membershipGeneration(): number {
    return this.membership;
  }

  /** The keys of the documents the client has open. */
  openKeys(): FileKey[] {
    return [...this.openUris.keys()];
  }

  isOpen(key: FileKey): boolean {
    return this.openUris.has(key);
  }

  /** The open document for a client URI. */
  openDocument(uri: string): TextDocument | undefined {
    return this.documents.get(uri) ?? this.documents.get(this.openUris.get(fileKey(uri)) ?? uri);
  }

  revisionOf(key: FileKey): number {
    return this.revisions.get(key) ?? 0;
  }

  /** The current contents of a file: the open document if any, else the disk. */
  snapshot(key: FileKey): FileSnapshot | undefined {
    const uri = this.openUris.get(key);
    const document = uri === undefined ? undefined : this.documents.get(uri);
    if (uri !== undefined && document !== undefined) {
      return {
        key,
        uri,
        text: document.getText(),
        revision: this.revisionOf(key),
        version: document.version,
      };
    }
    const cached = this.disk.get(key);
    if (cached !== undefined)
      return { key, uri: key, text: cached, revision: this.revisionOf(key) };
    const text = this.diskFallback.read(key);
    if (text !== undefined && this.diskFallback.isWatched(key)) {
      // Created since the scan; the watcher reports its later changes, so keep it.
      this.unwatched.delete(key);
      this.disk.set(key, text);
      this.membership++;
      this.bump(key);
    } else if (text !== this.unwatched.get(key)) {
      if ((text === undefined) !== (this.unwatched.get(key) === undefined)) this.membership++;
      if (text === undefined) this.unwatched.delete(key);
      else this.unwatched.set(key, text);
      this.bump(key);
    }
    return text === undefined ? undefined : { key, uri: key, text, revision: this.revisionOf(key) };
  }

  /** Records what is on disk (undefined: deleted). Notifies only when something changed. */
  setDiskText(key: FileKey, text: string | undefined): void {
    if (this.disk.get(key) === text) return;
    if ((text === undefined) !== (this.disk.get(key) === undefined)) this.membership++;
    if (text === undefined) this.disk.delete(key);
    else this.disk.set(key, text);
    this.bump(key);
    this.emit([{ key, cause: 'disk' }]);
  }

  diskKeys(): FileKey[] {
    return [...this.disk.keys()];
  }

  private bump(key: FileKey): void {
    this.revisions.set(key, ++this.revisionCounter);
  }

  private emit(changes: readonly FileChange[]): void {
    for (const listener of this.listeners) listener(changes);
  }
}
