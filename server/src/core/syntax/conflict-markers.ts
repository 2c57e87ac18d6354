// The lines that mark a merge conflict in a firewall file, as git writes them: what the
// workspace had, then what the cluster had. They belong to no section and are no part of
// Proxmox's format: the parser reports each block as a merge-conflict error.

export const LOCAL_MARKER = '<<<<<<< local';
export const SEPARATOR = '=======';
export const CLUSTER_MARKER = '>>>>>>> cluster';

export type ConflictMarker = 'local' | 'separator' | 'cluster';

function runOf(content: string, ch: string): boolean {
  if (content.length < 7) return false;
  for (let i = 0; i < 7; i++) if (content[i] !== ch) return false;
  const next = content[7];
  return next === undefined || next === ' ' || next === '\t';
}

/** Which marker a line is: seven '<', '=' or '>' at its start, then the end or a blank. */
export function conflictMarkerOf(content: string): ConflictMarker | undefined {
  if (runOf(content, '<')) return 'local';
  if (runOf(content, '>')) return 'cluster';
  if (runOf(content, '=') && content.slice(7).trim() === '') return 'separator';
  return undefined;
}
