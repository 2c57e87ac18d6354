// The push lock-out check: would the new configuration cut the pushing machine off the web UI
// (port 8006) of a node? Each node's host chains come from the cluster model, as every other
// door's do, and one packet from the client's address to each of the node's addresses is walked
// through them by the simulator.
import { compileRuleset } from '../compile';
import { compileInputFor } from '../compile';
import { modelFiles, type ClusterModel, type ClusterNode } from '../model';
import { clusterModelOfTexts } from '../model';
import type { Topology } from '../model';
import { buildNodeRuleset } from '../nftables';
import { simulateNft } from '../nftables';
import { prepareSimulation, simulatePacket } from '../simulate';
import { formatFirewallState, type FirewallState } from './firewall-state';
import { decidingRule, deciderText, type Decider } from '../simulate';
import type { LockedOut, LockoutCheck, LockoutVerdict } from './impact';
import { ipv4Network, type PulledTopology } from './topology';

/** The world seen from `node` when `address` of it is probed: its local network is that address's. */
function probed(node: string, address: string, pulled: PulledTopology | undefined) {
  return (topology: Topology): Topology => {
    const known = pulled?.nodes.find((n) => n.name === node);
    // pve-firewall's local network is the node's own subnet: it feeds the management allowances.
    const own = known?.addresses?.find((a) => a.split('/')[0] === address);
    const localNetwork = own ? ipv4Network(own) : topology.localNetwork;
    const named = topology.nodes.some((n) => n.name === node);
    const nodes = named
      ? topology.nodes.map((n) => (n.name === node ? { ...n, address } : n))
      : [...topology.nodes, { name: node, address }];
    return { ...topology, nodes, ...(localNetwork ? { localNetwork } : {}) };
  };
}

type Verdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'off';

interface Answer {
  readonly verdict: Verdict;
  readonly cause?: string;
}

/** The verdict for TCP 8006 from `client` to `address` of `node`, in the cluster `model`. */
function webUiVerdict(
  model: ClusterModel,
  node: string,
  address: string,
  client: string,
  pulled: PulledTopology | undefined,
): Answer {
  const found = model.nodes.find((n) => n.name === node);
  if (found?.backend === 'proxmox-firewall')
    return { verdict: nftWebUiVerdict(model, node, address, client, pulled) };
  const input = compileInputFor(model, node, {
    hostOnly: true,
    topology: probed(node, address, pulled),
  });
  const compiled = compileRuleset(input);
  // With the cluster firewall off nothing is filtered.
  if (!compiled.enabled) return { verdict: 'off' };
  const result = simulatePacket(
    prepareSimulation(compiled),
    input.topology,
    webUiRequest(client, address),
  );
  return { verdict: result.verdict, cause: causeOf(decidingRule(result), model) };
}

/** What decided, in words a person can act on: the rule's line, or the policy and where it is set. */
function causeOf(decider: Decider | undefined, model: ClusterModel): string {
  // The model's texts are the files as Proxmox would write them after the push, not the user's:
  // name the rule by what it says, which is the same in both.
  const origin = decider?.origin;
  if (origin) {
    const file = modelFiles(model).find((f) => f.path === origin.path);
    const rule = file?.text.slice(origin.span.start, origin.span.end);
    return rule ? `the rule '${rule}' in ${origin.path}` : deciderText(decider);
  }
  if (decider?.builtin?.startsWith('policy ')) {
    const policy = model.cluster?.load.config.options.get('policy_in')?.value;
    return policy !== undefined
      ? `the default policy (policy_in: ${policy} in ${model.cluster!.path})`
      : `the default policy (policy_in is DROP unless cluster.fw sets it)`;
  }
  return deciderText(decider);
}

/** TCP 8006 from the pushing machine to one address of a node. */
function webUiRequest(client: string, address: string) {
  return {
    from: 'outside',
    to: 'host',
    proto: 'tcp',
    dport: '8006',
    source: client,
    dest: address,
  };
}

/**
 * The same question for a node on proxmox-firewall: its own table, where port 8006 from the
 * management set passes before any user rule. A file that fails to load keeps the node's rules
 * as they are: nothing this push changes locks anyone out there ('off' for the check).
 */
function nftWebUiVerdict(
  model: ClusterModel,
  node: string,
  address: string,
  client: string,
  pulled: PulledTopology | undefined,
): Verdict {
  const topology = probed(node, address, pulled)(model.topology);
  const own = pulled?.nodes
    .find((n) => n.name === node)
    ?.addresses?.find((a) => a.split('/')[0] === address);
  const nodes = model.nodes.map((n): ClusterNode => {
    if (n.name !== node || !own) return n;
    // The probed address's own network replaces whatever the topology said.
    const { localNetwork: _previous, ...rest } = n;
    const localNetwork = ipv4Network(own);
    return localNetwork === undefined ? rest : { ...rest, localNetwork };
  });
  const probedModel: ClusterModel = { ...model, nodes, topology };
  if (
    buildNodeRuleset(
      probedModel,
      nodes.find((n) => n.name === node)!,
    ).ruleset.state !== 'active'
  )
    return 'off';
  return simulateNft(probedModel, node, webUiRequest(client, address)).verdict;
}

function modelOf(state: FirewallState, pulled: PulledTopology | undefined): ClusterModel {
  return clusterModelOfTexts(
    formatFirewallState(state),
    pulled ? { topology: { path: 'topology.json', topology: pulled } } : { world: 'assumed' },
  );
}

export const checkLockout: LockoutCheck = (after, question): LockoutVerdict => {
  if (question.clientAddress === '') {
    return {
      checked: false,
      reason: 'the address this machine reaches the cluster from is unknown',
    };
  }
  if (question.nodeAddresses.length === 0) {
    return {
      checked: false,
      reason: 'no node addresses are known (pull first, so topology.json has them)',
    };
  }
  const now = modelOf(after, question.topology);
  const was = question.before ? modelOf(question.before, question.topology) : undefined;
  const lockedOut: LockedOut[] = [];
  const undecided: string[] = [];
  const seen = new Set<string>();
  try {
    for (const { node, address } of question.nodeAddresses) {
      if (seen.has(`${node} ${address}`)) continue;
      seen.add(`${node} ${address}`);
      const reachable = (v: Verdict): boolean => v === 'ACCEPT' || v === 'off';
      const answer = webUiVerdict(now, node, address, question.clientAddress, question.topology);
      if (reachable(answer.verdict)) continue;
      // We are talking to the API right now: if the current rules seem to block us too, we
      // reach it some way the files do not show (a proxy, another path), and cannot judge.
      if (
        was &&
        !reachable(
          webUiVerdict(was, node, address, question.clientAddress, question.topology).verdict,
        )
      ) {
        undecided.push(`${node} (${address})`);
        continue;
      }
      lockedOut.push({ node, address, ...(answer.cause ? { cause: answer.cause } : {}) });
    }
  } catch (error) {
    return {
      checked: false,
      reason: `the lock-out check failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (lockedOut.length === 0 && undecided.length > 0) {
    return {
      checked: false,
      reason: `the current rules already seem to block this machine on port 8006 of ${undecided.join(', ')}, so it reaches the API in a way the files do not show; the check cannot judge`,
    };
  }
  return { checked: true, lockedOut };
};
