// What pve-firewall compiles on one node, asked of the cluster model: cluster.fw, that node's
// host.fw, and the firewall files of the guests that run there, in the world seen from that node.
// (SDN sets are known by name only, so rules naming them compile as Proxmox's do without their
// members: the model never invents members.)
import type { ClusterModel, ClusterNode } from '../model';
import type { Topology } from '../model';
import type { CompileInput, SourcedConfig } from './ruleset-types';

export interface NodeInputOptions {
  /** Leave the guests out (only the host chains are asked about). */
  readonly hostOnly?: boolean;
  /** Changes to the world for one question, e.g. which address of the node is probed. */
  readonly topology?: (topology: Topology) => Topology;
}

/** The node of the model with this name; the local node when `name` is undefined. */
export function modelNode(model: ClusterModel, name?: string): ClusterNode | undefined {
  return model.nodes.find((n) => n.name === (name ?? model.localNode));
}

/** The compile input of one node of the model (see modelNode for `name`). */
export function compileInputFor(
  model: ClusterModel,
  name: string,
  options: NodeInputOptions = {},
): CompileInput {
  const node = modelNode(model, name);
  const sourced = (file: { path: string; load: { config: SourcedConfig['config'] } }) => ({
    path: file.path,
    config: file.load.config,
  });
  const guests = new Map<number, SourcedConfig>();
  if (!options.hostOnly)
    for (const g of model.guests)
      if (g.file && g.node === name) guests.set(g.vmid, sourced(g.file));
  // The topology's local network is its local node's; each node's own comes from the model.
  const seen: Topology = {
    localNode: name,
    nodes: model.topology.nodes,
    guests: model.topology.guests,
    ...(model.topology.corosyncTransport
      ? { corosyncTransport: model.topology.corosyncTransport }
      : {}),
    ...(model.topology.managedFrom ? { managedFrom: model.topology.managedFrom } : {}),
    ...(node?.localNetwork ? { localNetwork: node.localNetwork } : {}),
  };
  const topology = options.topology ? options.topology(seen) : seen;
  return {
    topology,
    guests,
    ...(model.cluster ? { cluster: sourced(model.cluster) } : {}),
    ...(node?.host ? { host: sourced(node.host) } : {}),
  };
}
