// What every feature handler needs: the snapshot owner, the settings, the log, and one way to
// turn a request's URI and position into a file of the model and an offset (and back).
import type { CancellationToken, Connection, Position, Range } from 'vscode-languageserver/node';
import type { FileSpan, Span } from '../../core/index';
import { guarded } from '../guard';
import type { Logger } from '../guard';
import type { LocatedFile, WorkspaceSnapshots } from '../snapshot';
import { fileKey } from '../uris';
import type { ServerSettings } from './settings';

export interface FeatureContext {
  readonly connection: Connection;
  readonly snapshots: WorkspaceSnapshots;
  readonly settings: ServerSettings;
  readonly log: Logger;
}

/**
 * A guarded handler that answers `fallback()` when the request was cancelled before it ran
 * (a newer edit supersedes it), when it throws, or when its promise rejects.
 */
export function handler<P, R>(
  ctx: FeatureContext,
  name: string,
  fallback: () => R,
  body: (params: P, token: CancellationToken | undefined) => R,
): (params: P, token?: CancellationToken) => R {
  return guarded(ctx.log, name, fallback, (params: P, token?: CancellationToken) =>
    token?.isCancellationRequested ? fallback() : body(params, token),
  );
}

export function locate(ctx: FeatureContext, uri: string): LocatedFile | undefined {
  return ctx.snapshots.locate(fileKey(uri));
}

/** The file at `uri` and the offset of `position` in it. */
export function at(
  ctx: FeatureContext,
  uri: string,
  position: Position,
): { located: LocatedFile; offset: number } | undefined {
  const located = locate(ctx, uri);
  return located && { located, offset: located.index.offsetAt(position) };
}

export function rangeOf(located: LocatedFile, span: Span): Range {
  return {
    start: located.index.positionAt(span.start),
    end: located.index.positionAt(Math.max(span.start, span.end)),
  };
}

export function spanOf(located: LocatedFile, range: Range): Span {
  return { start: located.index.offsetAt(range.start), end: located.index.offsetAt(range.end) };
}

/** A core location as an LSP one; undefined when the file is gone. */
export function locationOf(
  ctx: FeatureContext,
  place: FileSpan,
): { uri: string; range: Range } | undefined {
  const located = ctx.snapshots.locate(place.fileId);
  return located && { uri: located.uri, range: rangeOf(located, place.span) };
}
