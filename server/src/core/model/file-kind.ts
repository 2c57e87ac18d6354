// Which kind a file is by its place in /etc/pve, and where a file finds its cluster.fw. The kinds
// themselves are facts (facts/file-kinds.ts), which the parser needs before any model exists.
import type { FileKind } from '../facts';

export { FILE_KINDS, isFileKind, type FileKind } from '../facts';

function segments(path: string): string[] {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s.length > 0);
}

/**
 * The kind Proxmox gives a file by its place in /etc/pve: `cluster.fw`, `host.fw`,
 * `<vmid>.fw`, or any `.fw` under a folder `sdn/firewall/`. Undefined when the name says nothing.
 */
export function fileKindFromPath(path: string): FileKind | undefined {
  const parts = segments(path);
  const name = parts[parts.length - 1] ?? '';
  const parent = parts[parts.length - 2];
  const grandParent = parts[parts.length - 3];
  if (parent === 'firewall' && grandParent === 'sdn' && name.endsWith('.fw')) return 'vnet';
  if (name === 'cluster.fw') return 'cluster';
  if (name === 'host.fw') return 'host';
  if (/^\d+\.fw$/.test(name)) return 'guest';
  return undefined;
}

/** The guest id of `<vmid>.fw`, or the vnet name of `sdn/firewall/<vnet>.fw`. */
export function fileStem(path: string): string {
  const parts = segments(path);
  return (parts[parts.length - 1] ?? '').replace(/\.fw$/, '');
}

/**
 * Where a host, guest or vnet file finds its cluster.fw, in order: the same folder, then
 * `firewall/cluster.fw` two levels up (the /etc/pve layout: `nodes/<node>/host.fw`,
 * `sdn/firewall/<vnet>.fw`). Paths use "/" and keep the input's leading "/" if any.
 */
export function clusterFileCandidates(path: string): string[] {
  const normalised = path.replace(/\\/g, '/');
  const absolute = normalised.startsWith('/');
  const parts = segments(normalised);
  const dir = parts.slice(0, -1);
  const join = (p: string[]): string => {
    const joined = p.join('/');
    return absolute ? '/' + joined : joined === '' ? '.' : joined;
  };
  const candidates = [join([...dir, 'cluster.fw'])];
  if (dir.length >= 2) {
    candidates.push(join([...dir.slice(0, -2), 'firewall', 'cluster.fw']));
  } else if (!absolute) {
    const up = new Array<string>(2 - dir.length).fill('..');
    candidates.push(join([...up, 'firewall', 'cluster.fw']));
  }
  return candidates;
}
