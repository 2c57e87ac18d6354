// Reads a whole cluster's firewall through the API into the model Proxmox's loader returns
// (one ProxmoxConf per file), plus the topology: nodes, guests with their NICs, vnets.
import type {
  ProxmoxAlias,
  ProxmoxConf,
  ProxmoxIpSetEntry,
  ProxmoxRule,
} from '../core/model/proxmox-conf';
import { asciiLower } from '../core/syntax/perl-text';
import type { FileState, FirewallState } from '../core/plan/firewall-state';
import { apiBase, workspacePath, type FwFileRef, type GuestType } from '../core/plan/fw-files';
import type { PulledTopology } from '../core/plan/topology';
import type { PveClient } from './client';
import { mapLimit } from './map-limit';
import { optional, readTopology } from './fetch-topology';
import { strip, text, type Row } from './api-rows';

const PARALLEL = 6;

async function readFile(
  client: PveClient,
  ref: FwFileRef,
  signal?: AbortSignal,
): Promise<ProxmoxConf> {
  const base = apiBase(ref);
  const get = <T>(path: string): Promise<T> => client.get<T>(`${base}${path}`, {}, signal);
  const conf: ProxmoxConf = {};
  conf.options = strip<Record<string, string | number>>(await get<Row>('/options'));
  conf.rules = (await get<Row[]>('/rules')).map((r) => strip<ProxmoxRule>(r));
  if (ref.kind === 'cluster' || ref.kind === 'guest') {
    conf.aliases = {};
    for (const alias of await get<Row[]>('/aliases')) {
      const value = strip<ProxmoxAlias>(alias);
      conf.aliases[asciiLower(value.name ?? '')] = value;
    }
    conf.ipset = {};
    conf.ipset_comments = {};
    const sets = await get<Row[]>('/ipset');
    const entries = await mapLimit(sets, PARALLEL, (set) =>
      get<Row[]>(`/ipset/${encodeURIComponent(text(set['name']))}`),
    );
    sets.forEach((set, i) => {
      const name = text(set['name']);
      conf.ipset![name] = entries[i]!.map((e) => strip<ProxmoxIpSetEntry>(e));
      if (typeof set['comment'] === 'string') conf.ipset_comments![name] = set['comment'];
    });
  }
  if (ref.kind === 'cluster') {
    conf.groups = {};
    conf.group_comments = {};
    const groups = await get<Row[]>('/groups');
    const rules = await mapLimit(groups, PARALLEL, (g) =>
      get<Row[]>(`/groups/${encodeURIComponent(text(g['group']))}`),
    );
    groups.forEach((group, i) => {
      const name = text(group['group']);
      conf.groups![name] = rules[i]!.map((r) => strip<ProxmoxRule>(r));
      if (typeof group['comment'] === 'string') conf.group_comments![name] = group['comment'];
    });
  }
  return conf;
}

export interface ClusterSnapshot {
  readonly state: FirewallState;
  readonly topology: PulledTopology;
  readonly warnings: readonly string[];
}

/** Every firewall file of the cluster and its topology, as the API shows them now. */
export async function fetchCluster(
  client: PveClient,
  signal?: AbortSignal,
): Promise<ClusterSnapshot> {
  const warnings: string[] = [];
  const nodes = (await client.get<Row[]>('/nodes', {}, signal)).map((n) => text(n['node'])).sort();
  const status = await optional(
    () => client.get<Row[]>('/cluster/status', {}, signal),
    [],
    warnings,
    'node addresses',
  );
  const guests: { vmid: string; node: string; type: GuestType; name?: string }[] = [];
  for (const node of nodes) {
    for (const type of ['qemu', 'lxc'] as const) {
      for (const row of await client.get<Row[]>(`/nodes/${node}/${type}`, {}, signal)) {
        guests.push({
          vmid: text(row['vmid']),
          node,
          type,
          ...(text(row['name']) ? { name: text(row['name']) } : {}),
        });
      }
    }
  }
  const vnets = await optional(
    () => client.get<Row[]>('/cluster/sdn/vnets', {}, signal),
    [],
    warnings,
    'SDN vnets',
  );
  const sdnRefs = await optional(
    () => client.get<Row[]>('/cluster/firewall/refs', { type: 'ipset' }, signal),
    [],
    warnings,
    'SDN ipsets',
  );

  const refs: FwFileRef[] = [
    { kind: 'cluster' },
    ...nodes.map((node): FwFileRef => ({ kind: 'host', node })),
    ...guests.map((g): FwFileRef => ({ kind: 'guest', vmid: g.vmid, node: g.node, type: g.type })),
    ...vnets.map((v): FwFileRef => ({ kind: 'vnet', vnet: text(v['vnet']) })),
  ];
  const confs = await mapLimit(refs, PARALLEL, (ref) => readFile(client, ref, signal));
  const files = new Map<string, FileState>(
    refs.map((ref, i) => [workspacePath(ref), { ref, conf: confs[i]! }]),
  );

  const topology = await readTopology(client, nodes, guests, status, vnets, warnings, signal);
  const sdnIpSets = new Set(
    sdnRefs.filter((r) => r['scope'] === 'sdn').map((r) => text(r['name'])),
  );
  return { state: { files, sdnIpSets }, topology, warnings };
}
