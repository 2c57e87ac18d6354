// The non-firewall endpoints a pull needs, in the real API's shapes: nodes, their guests and
// guest configs (netN lines with firewall=1), node addresses, SDN vnets, and the ticket login.
import { checkAll, hasPrivilege, type Caller } from '../auth';
import { dieError } from '../errors';
import type { SimStore } from '../store';
import { readConfig, updateConfig } from './guest-config';

export interface InventoryRoute {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly pattern: RegExp;
  readonly handle: (
    store: SimStore,
    caller: Caller,
    match: RegExpExecArray,
    params: Record<string, string>,
  ) => unknown;
}

function nodeOr500(store: SimStore, node: string): void {
  if (!store.config.nodes[node])
    throw dieError(
      `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`,
    );
}

function guestList(store: SimStore, caller: Caller, node: string, type: 'qemu' | 'lxc'): object[] {
  nodeOr500(store, node);
  return store
    .guests()
    .filter(
      (g) =>
        g.node === node && g.type === type && hasPrivilege(caller, `/vms/${g.vmid}`, 'VM.Audit'),
    )
    .map((g) => {
      const config = store.guestConfig(g);
      return {
        vmid: Number(g.vmid),
        name: config['name'] ?? config['hostname'] ?? `${type}${g.vmid}`,
        status: 'running',
        type,
      };
    });
}

export const INVENTORY_ROUTES: readonly InventoryRoute[] = [
  {
    method: 'GET',
    pattern: /^\/nodes$/,
    handle: (store, caller) =>
      Object.keys(store.config.nodes)
        .filter((node) => hasPrivilege(caller, `/nodes/${node}`, 'Sys.Audit'))
        .map((node) => ({ node, status: 'online', type: 'node', id: `node/${node}` })),
  },
  {
    method: 'GET',
    pattern: /^\/nodes\/([^/]+)\/(qemu|lxc)$/,
    handle: (store, caller, m) => guestList(store, caller, m[1]!, m[2] as 'qemu' | 'lxc'),
  },
  {
    method: 'GET',
    pattern: /^\/nodes\/([^/]+)\/(qemu|lxc)\/([1-9][0-9]{2,8})\/config$/,
    handle: (store, caller, m) => readConfig(store, caller, m[1]!, m[2] as 'qemu' | 'lxc', m[3]!),
  },
  {
    method: 'PUT',
    pattern: /^\/nodes\/([^/]+)\/(qemu|lxc)\/([1-9][0-9]{2,8})\/config$/,
    handle: (store, caller, m, params) =>
      updateConfig(store, caller, m[1]!, m[2] as 'qemu' | 'lxc', m[3]!, params),
  },
  {
    method: 'GET',
    pattern: /^\/nodes\/([^/]+)\/network$/,
    handle: (store, caller, m) => {
      nodeOr500(store, m[1]!);
      checkAll(caller, `/nodes/${m[1]!}`, ['Sys.Audit']);
      return store.config.nodes[m[1]!]!.network ?? [];
    },
  },
  {
    method: 'GET',
    pattern: /^\/cluster\/status$/,
    handle: (store, caller) => {
      checkAll(caller, '/', ['Sys.Audit']);
      const nodes = Object.entries(store.config.nodes);
      return [
        {
          type: 'cluster',
          id: 'cluster',
          name: store.config.clusterName ?? 'sim',
          nodes: nodes.length,
          quorate: 1,
          version: 1,
        },
        ...nodes.map(([name, node], i) => ({
          type: 'node',
          id: `node/${name}`,
          name,
          ip: node.ip,
          nodeid: i + 1,
          online: 1,
          local: i === 0 ? 1 : 0,
        })),
      ];
    },
  },
  {
    method: 'GET',
    pattern: /^\/cluster\/config\/nodes$/,
    handle: (store, caller) => {
      checkAll(caller, '/', ['Sys.Audit']);
      return Object.entries(store.config.nodes).map(([name, node], i) => ({
        node: name,
        name,
        nodeid: String(i + 1),
        quorum_votes: '1',
        ...Object.fromEntries(
          (node.ringAddresses ?? [node.ip]).map((addr, ring) => [`ring${ring}_addr`, addr]),
        ),
      }));
    },
  },
  {
    method: 'GET',
    pattern: /^\/cluster\/config\/totem$/,
    handle: (store, caller) => {
      checkAll(caller, '/', ['Sys.Audit']);
      const transport = store.config.corosyncTransport;
      return {
        cluster_name: store.config.clusterName ?? 'sim',
        config_version: '1',
        ip_version: 'ipv4',
        secauth: 'on',
        version: '2',
        ...(transport ? { transport } : {}),
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/cluster\/sdn\/vnets$/,
    handle: (store, caller) =>
      Object.entries(store.config.vnets ?? {})
        .filter(([vnet, v]) => hasPrivilege(caller, `/sdn/zones/${v.zone}/${vnet}`, 'SDN.Audit'))
        .map(([vnet, v]) => ({
          vnet,
          zone: v.zone,
          type: 'vnet',
          digest: '0000000000000000000000000000000000000000',
        })),
  },
];
