// "Normalise as Proxmox writes it": the text pve-firewall's writer would produce for this file,
// so that a later pull from the cluster shows no noise. It loses what Proxmox loses (comment
// lines, blank-line layout, lines it cannot read), which the caller should say before applying.
import { ProxmoxDies } from '../model';
import { writeFwConfig } from '../writer';
import type { IdeFile } from './workspace-model';

export type NormaliseResult =
  | {
      readonly text: string;
      readonly changed: boolean;
      /** Lines Proxmox drops while reading: the writer leaves them out. */
      readonly droppedLines: number;
      /** Standalone `#` comment lines, which the writer does not keep either. */
      readonly commentLines: number;
    }
  | { readonly error: string };

export function normaliseFile(file: IdeFile, nowSeconds?: number): NormaliseResult {
  const { tree } = file.parsed;
  if (tree.crlf)
    return {
      error:
        'the file has Windows (CRLF) line ends, so Proxmox reads nothing in it: convert them to LF first',
    };
  if (tree.lines.some((l) => l.kind === 'conflict-marker'))
    return {
      error:
        'the file has merge-conflict markers (pvefw pull): resolve them first, or the writer would keep both sides',
    };
  if (file.load.config.unloadable)
    return {
      error:
        'Proxmox cannot load this file at all (invalid log_ratelimit), so it would write nothing: fix that first',
    };
  let text: string;
  try {
    text = writeFwConfig(file.load.config, nowSeconds === undefined ? {} : { now: nowSeconds });
  } catch (error) {
    if (!(error instanceof ProxmoxDies)) throw error;
    return { error: `Proxmox's writer fails on this file: ${error.message}` };
  }
  const dropped = new Set(
    file.load.verdicts.filter((v) => v.verdict === 'dropped').map((v) => v.lineNumber),
  );
  return {
    text,
    changed: text !== file.parsed.text,
    droppedLines: dropped.size,
    commentLines: tree.lines.filter((l) => l.kind === 'comment').length,
  };
}
