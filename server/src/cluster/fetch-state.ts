// Reads a whole cluster's firewall through the API into the model Proxmox's loader returns
// (one ProxmoxConf per file), plus the topology: nodes, guests with their NICs, vnets.
import type { ProxmoxAlias, ProxmoxConf, ProxmoxIpSetEntry, ProxmoxRule } from '../core/model';
import { asciiLower } from '../core/syntax';
import type { FileState, FirewallState } from '../core/plan';
import { apiBase, workspacePath, type FwFileRef } from '../core/plan';
import type { PulledTopology } from '../core/plan';
import type { GuestNetConfig } from '../core/plan';
import type { Params, PveClient } from './client';
import { ClusterError } from './errors';
import { mapLimit } from './map-limit';
import { optional, readTopology, type GuestEntry } from './fetch-topology';
import { strip, text, type Row } from './api-rows';
import { idOf, listReply, objectReply, ruleRows, scalarFields } from './reply-shapes';

const PARALLEL = 6;

/** GETs whose data must be a list of objects, or an object; checked before any use. */
export interface Reads {
  list(path: string, params?: Params): Promise<Row[]>;
  object(path: string): Promise<Row>;
  /** A firewall list: objects whose fields are all scalars. */
  rows(path: string): Promise<Row[]>;
  /** A firewall object (options): scalar fields only. */
  fields(path: string): Promise<Row>;
}

export function readsOf(client: PveClient, signal?: AbortSignal): Reads {
  const list = async (path: string, params: Params = {}): Promise<Row[]> =>
    listReply(await client.get(path, params, signal), `GET ${path}`);
  const object = async (path: string): Promise<Row> =>
    objectReply(await client.get(path, {}, signal), `GET ${path}`);
  return {
    list,
    object,
    rows: async (path) => scalarFields(await list(path), `GET ${path}`),
    fields: async (path) => {
      const row = await object(path);
      scalarFields([row], `GET ${path}`);
      return row;
    },
  };
}

async function readFile(reads: Reads, ref: FwFileRef): Promise<ProxmoxConf> {
  const base = apiBase(ref);
  const rows = (path: string): Promise<Row[]> => reads.rows(`${base}${path}`);
  const conf: ProxmoxConf = {};
  conf.options = strip<Record<string, string | number>>(await reads.fields(`${base}/options`));
  const rules = async (path: string): Promise<ProxmoxRule[]> =>
    ruleRows(await rows(path), `GET ${base}${path}`).map((r) => strip<ProxmoxRule>(r));
  conf.rules = await rules('/rules');
  if (ref.kind === 'cluster' || ref.kind === 'guest') {
    conf.aliases = {};
    for (const alias of await rows('/aliases')) {
      const value = strip<ProxmoxAlias>(alias);
      conf.aliases[asciiLower(value.name ?? '')] = value;
    }
    conf.ipset = {};
    conf.ipset_comments = {};
    const sets = (await rows('/ipset')).map((set) => ({
      set,
      name: idOf(set, 'name', 'ipset', `GET ${base}/ipset`),
    }));
    const read = await mapLimit(sets, PARALLEL, async ({ set, name }) => ({
      set,
      name,
      entries: await rows(`/ipset/${encodeURIComponent(name)}`),
    }));
    for (const { set, name, entries } of read) {
      conf.ipset[name] = entries.map((e) => strip<ProxmoxIpSetEntry>(e));
      if (typeof set['comment'] === 'string') conf.ipset_comments[name] = set['comment'];
    }
  }
  if (ref.kind === 'cluster') {
    conf.groups = {};
    conf.group_comments = {};
    const groups = (await rows('/groups')).map((group) => ({
      group,
      name: idOf(group, 'group', 'group', `GET ${base}/groups`),
    }));
    const read = await mapLimit(groups, PARALLEL, async ({ group, name }) => ({
      group,
      name,
      list: await rules(`/groups/${encodeURIComponent(name)}`),
    }));
    for (const { group, name, list } of read) {
      conf.groups[name] = list;
      if (typeof group['comment'] === 'string') conf.group_comments[name] = group['comment'];
    }
  }
  return conf;
}

export interface ClusterSnapshot {
  readonly state: FirewallState;
  readonly topology: PulledTopology;
  readonly warnings: readonly string[];
  /** Each guest's config digest and net<N> values (what a NIC's firewall flag is set with). */
  readonly guestConfigs: ReadonlyMap<number, GuestNetConfig>;
}

/** Every firewall file of the cluster and its topology, as the API shows them now. */
export async function fetchCluster(
  client: PveClient,
  signal?: AbortSignal,
): Promise<ClusterSnapshot> {
  const warnings: string[] = [];
  const reads = readsOf(client, signal);
  const nodes = (await reads.list('/nodes'))
    .map((n) => idOf(n, 'node', 'node', 'GET /nodes'))
    .sort();
  const status = await optional(
    () => reads.list('/cluster/status'),
    [],
    warnings,
    'node addresses',
  );
  const guests: GuestEntry[] = [];
  for (const node of nodes) {
    for (const type of ['qemu', 'lxc'] as const) {
      const call = `/nodes/${node}/${type}`;
      for (const row of await reads.list(call)) {
        const vmid = idOf(row, 'vmid', 'vmid', `GET ${call}`);
        const twice = guests.find((g) => g.vmid === vmid);
        if (twice)
          throw new ClusterError(
            'bad-reply',
            `GET ${call}: guest ${vmid} is listed on ${twice.node} already; nothing was written`,
            { call: `GET ${call}` },
          );
        guests.push({
          vmid,
          node,
          type,
          ...(text(row['name']) ? { name: text(row['name']) } : {}),
        });
      }
    }
  }
  const vnetRows = await optional(
    () => reads.list('/cluster/sdn/vnets'),
    [],
    warnings,
    'SDN vnets',
  );
  const vnets = vnetRows.map((v) => ({
    vnet: idOf(v, 'vnet', 'vnet', 'GET /cluster/sdn/vnets'),
    ...(text(v['zone']) ? { zone: text(v['zone']) } : {}),
  }));
  const sdnRefs = await optional(
    () => reads.list('/cluster/firewall/refs', { type: 'ipset' }),
    [],
    warnings,
    'SDN ipsets',
  );

  const refs: FwFileRef[] = [
    { kind: 'cluster' },
    ...nodes.map((node): FwFileRef => ({ kind: 'host', node })),
    ...guests.map((g): FwFileRef => ({ kind: 'guest', vmid: g.vmid, node: g.node, type: g.type })),
    ...vnets.map((v): FwFileRef => ({ kind: 'vnet', vnet: v.vnet })),
  ];
  const files = new Map<string, FileState>(
    await mapLimit(refs, PARALLEL, async (ref) => [
      workspacePath(ref),
      { ref, conf: await readFile(reads, ref) },
    ]),
  );

  const guestConfigs = new Map<number, GuestNetConfig>();
  const topology = await readTopology(reads, nodes, guests, status, vnets, warnings, guestConfigs);
  const sdnIpSets = new Set(
    sdnRefs.filter((r) => r['scope'] === 'sdn').map((r) => text(r['name'])),
  );
  return { state: { files, sdnIpSets }, topology, warnings, guestConfigs };
}
