// Where each firewall file lives: in the workspace (the /etc/pve layout) and in the API.
import type { FileKind } from '../model';
import type { RuleEnv } from '../model';
import { isNodeName, isVmid, isVnetId } from '../model';

export type GuestType = 'qemu' | 'lxc';

export type FwFileRef =
  | { readonly kind: 'cluster' }
  | { readonly kind: 'host'; readonly node: string }
  | {
      readonly kind: 'guest';
      readonly vmid: string;
      readonly node: string;
      readonly type: GuestType;
    }
  | { readonly kind: 'vnet'; readonly vnet: string };

export const CLUSTER_FILE = 'firewall/cluster.fw';

/** The path below the workspace root, as below /etc/pve. */
export function workspacePath(ref: FwFileRef): string {
  switch (ref.kind) {
    case 'cluster':
      return CLUSTER_FILE;
    case 'host':
      return `nodes/${ref.node}/host.fw`;
    case 'guest':
      return `firewall/${ref.vmid}.fw`;
    case 'vnet':
      return `sdn/firewall/${ref.vnet}.fw`;
  }
}

/** The API folder of the file, below /api2/json. */
export function apiBase(ref: FwFileRef): string {
  switch (ref.kind) {
    case 'cluster':
      return '/cluster/firewall';
    case 'host':
      return `/nodes/${ref.node}/firewall`;
    case 'guest':
      return `/nodes/${ref.node}/${ref.type}/${ref.vmid}/firewall`;
    case 'vnet':
      return `/cluster/sdn/vnets/${ref.vnet}/firewall`;
  }
}

export function ruleEnvOf(ref: FwFileRef): RuleEnv {
  if (ref.kind === 'guest') return ref.type === 'lxc' ? 'ct' : 'vm';
  return ref.kind;
}

export function fileKindOf(ref: FwFileRef): FileKind {
  return ref.kind;
}

/** What a workspace path names, before the topology says which node a guest runs on. */
export type PathName =
  | { readonly kind: 'cluster' }
  | { readonly kind: 'host'; readonly node: string }
  | { readonly kind: 'guest'; readonly vmid: string }
  | { readonly kind: 'vnet'; readonly vnet: string };

/** A firewall file's path with names Proxmox accepts: the only paths a pull writes. */
export function isValidWorkspacePath(path: string): boolean {
  const name = parseWorkspacePath(path);
  if (!name) return false;
  switch (name.kind) {
    case 'cluster':
      return true;
    case 'guest':
      return isVmid(name.vmid);
    case 'host':
      return isNodeName(name.node);
    case 'vnet':
      return isVnetId(name.vnet);
  }
}

/** Reads a workspace path in the /etc/pve layout; undefined for anything else. */
export function parseWorkspacePath(path: string): PathName | undefined {
  const [top, second, third, ...more] = path.replace(/\\/g, '/').split('/');
  if (path === CLUSTER_FILE) return { kind: 'cluster' };
  if (more.length > 0 || second === undefined) return undefined;
  if (top === 'firewall' && third === undefined) {
    const guest = /^([1-9][0-9]{2,8})\.fw$/.exec(second);
    if (guest) return { kind: 'guest', vmid: guest[1]! };
  }
  if (top === 'nodes' && third === 'host.fw' && second !== '')
    return { kind: 'host', node: second };
  if (top === 'sdn' && second === 'firewall' && third !== undefined) {
    const vnet = /^(.+)\.fw$/.exec(third);
    if (vnet) return { kind: 'vnet', vnet: vnet[1]! };
  }
  return undefined;
}
