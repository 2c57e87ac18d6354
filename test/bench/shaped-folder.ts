// A firewall folder of issue 14's shapes on disk, as `pvefw check` reads it: shared by the
// shapes bench and the scripts that compare builds (count-instructions, compare-builds).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateShaped, type Placement, type Shape } from './generate';

/**
 * Writes `<root>/firewall/cluster.fw` (and `100.fw` for a guest placement) of `rules` rules of
 * the shape; returns the firewall folder and the size in bytes of the file the rules are in.
 */
export function writeShapedFolder(
  root: string,
  rules: number,
  shape: Shape,
  placement: Placement,
): { folder: string; bytes: number } {
  const ws = generateShaped(rules, shape, placement);
  const folder = join(root, 'firewall');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'cluster.fw'), ws.cluster);
  if (ws.guest !== undefined) writeFileSync(join(folder, '100.fw'), ws.guest);
  return { folder, bytes: (ws.guest ?? ws.cluster).length };
}
