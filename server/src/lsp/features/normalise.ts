// workspace/executeCommand `pvefw.normalise` [uri, { apply?: boolean }]: the document as
// Proxmox's writer would write it, as a whole-document edit. With apply (the default) the
// server also asks the client to apply it; the VS Code client asks first (apply: false), warns
// when lines would be lost, and applies the returned edit itself.
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { normaliseFile } from '../../core/index';
import { background } from '../guard';
import { locate, rangeOf } from './context';
import type { FeatureContext } from './context';

export const NORMALISE_COMMAND = 'pvefw.normalise';

export interface NormaliseReply {
  readonly edit?: WorkspaceEdit;
  readonly changed: boolean;
  readonly droppedLines: number;
  readonly commentLines: number;
  readonly error?: string;
}

function normalise(
  ctx: FeatureContext,
  uri: unknown,
  options: unknown,
  applyEdit: boolean,
): NormaliseReply {
  const located = typeof uri === 'string' ? locate(ctx, uri) : undefined;
  if (!located)
    return {
      changed: false,
      droppedLines: 0,
      commentLines: 0,
      error: 'not a firewall file the server knows',
    };
  const result = normaliseFile(located.file);
  if ('error' in result)
    return { changed: false, droppedLines: 0, commentLines: 0, error: result.error };
  const whole = rangeOf(located, { start: 0, end: located.file.parsed.text.length });
  const edits: TextEdit[] = result.changed ? [{ range: whole, newText: result.text }] : [];
  const edit: WorkspaceEdit = { changes: { [located.uri]: edits } };
  const apply = (options as { apply?: unknown } | undefined)?.apply !== false;
  if (apply && applyEdit && result.changed)
    background(
      ctx.log,
      'workspace/applyEdit',
      ctx.connection.workspace.applyEdit({ label: 'Normalise as Proxmox writes it', edit }),
    );
  return {
    edit,
    changed: result.changed,
    droppedLines: result.droppedLines,
    commentLines: result.commentLines,
  };
}

/** The `pvefw.normalise` command, for the command registry (features/commands.ts). */
export function normaliseCommand(
  ctx: FeatureContext,
  applyEdit: boolean,
): (args: readonly unknown[]) => NormaliseReply {
  return (args) => normalise(ctx, args[0], args[1], applyEdit);
}
