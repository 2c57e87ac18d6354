// The push lock-out check: would the new configuration cut the pushing machine off the web UI
// (port 8006) of a node? Each node is compiled with its own host.fw exactly as pve-firewall would,
// and one packet from the client's address to each of the node's addresses is walked through the
// generated chains by the simulator.
import { compileRuleset } from '../compile/compile-ruleset';
import { loadCompileInput } from '../compile/load-input';
import type { Topology } from '../model/topology';
import { prepareSimulation, simulatePacket } from '../simulate/simulate';
import { formatFirewallState } from './firewall-state';
import type { LockoutCheck, LockoutVerdict } from './impact';
import { ipv4Network, type PulledTopology } from './topology';

const CLUSTER = 'firewall/cluster.fw';

function nodeTopology(node: string, address: string, pulled: PulledTopology | undefined): Topology {
  const known = pulled?.nodes.find((n) => n.name === node);
  // pve-firewall's local network is the node's own subnet: it feeds the management allowances.
  const own = known?.addresses?.find((a) => a.split('/')[0] === address);
  const localNetwork = own ? ipv4Network(own) : undefined;
  const nodes = pulled
    ? pulled.nodes.map((n) => (n.name === node ? { ...n, address } : n))
    : [{ name: node, address }];
  return {
    localNode: node,
    nodes,
    guests: [],
    ...(localNetwork ? { localNetwork } : {}),
    ...(pulled?.corosyncTransport ? { corosyncTransport: pulled.corosyncTransport } : {}),
  };
}

type Verdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'off';

/** The verdict for TCP 8006 from `client` to `address` of `node`, with `texts` as the files. */
function webUiVerdict(
  texts: Map<string, string>,
  node: string,
  address: string,
  client: string,
  pulled: PulledTopology | undefined,
): Verdict {
  const topology = nodeTopology(node, address, pulled);
  const clusterText = texts.get(CLUSTER);
  const hostPath = `nodes/${node}/host.fw`;
  const hostText = texts.get(hostPath);
  const input = loadCompileInput(
    {
      ...(clusterText !== undefined ? { cluster: { path: CLUSTER, text: clusterText } } : {}),
      ...(hostText !== undefined ? { host: { path: hostPath, text: hostText } } : {}),
    },
    topology,
  );
  const compiled = compileRuleset(input);
  // With the cluster firewall off nothing is filtered.
  if (!compiled.enabled) return 'off';
  return simulatePacket(prepareSimulation(compiled), topology, {
    from: 'outside',
    to: 'host',
    proto: 'tcp',
    dport: '8006',
    source: client,
    dest: address,
  }).verdict;
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
  const now = formatFirewallState(after);
  const was = question.before ? formatFirewallState(question.before) : undefined;
  const lockedOut: { node: string; address: string }[] = [];
  const undecided: string[] = [];
  const seen = new Set<string>();
  try {
    for (const { node, address } of question.nodeAddresses) {
      if (seen.has(`${node} ${address}`)) continue;
      seen.add(`${node} ${address}`);
      const reachable = (v: Verdict): boolean => v === 'ACCEPT' || v === 'off';
      if (reachable(webUiVerdict(now, node, address, question.clientAddress, question.topology)))
        continue;
      // We are talking to the API right now: if the current rules seem to block us too, we
      // reach it some way the files do not show (a proxy, another path), and cannot judge.
      if (
        was &&
        !reachable(webUiVerdict(was, node, address, question.clientAddress, question.topology))
      ) {
        undecided.push(`${node} (${address})`);
        continue;
      }
      lockedOut.push({ node, address });
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
