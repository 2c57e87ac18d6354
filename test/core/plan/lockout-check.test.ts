// The push's lock-out check on pve-firewall (iptables) nodes: files in, for each node address the
// verdict on the web UI (TCP 8006) from the pushing machine, and what decides it. A push the check
// wrongly passes cuts the admin off; one it wrongly refuses makes them push with the override.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  loadFirewallState,
  type FirewallState,
} from '../../../server/src/core/plan/firewall-state';
import { checkLockout } from '../../../server/src/core/plan/lockout-check';
import type { LockoutQuestion } from '../../../server/src/core/plan/impact';

function state(cluster: string, host?: string): FirewallState {
  return loadFirewallState(
    new Map([
      ['firewall/cluster.fw', { ref: { kind: 'cluster' as const }, text: cluster }],
      ...(host === undefined
        ? []
        : [['nodes/pve1/host.fw', { ref: { kind: 'host' as const, node: 'pve1' }, text: host }]]),
    ] as [string, { ref: { kind: 'cluster' } | { kind: 'host'; node: string }; text: string }][]),
    { sdnIpSets: new Set() },
  );
}

const TOPOLOGY = {
  localNode: 'pve1',
  nodes: [{ name: 'pve1', address: '192.0.2.11', addresses: ['192.0.2.11/24'] }],
  guests: [],
};
/** A client outside the node's own network, where no management allowance applies. */
const OUTSIDER = '203.0.113.9';
const PVE1 = [{ node: 'pve1', address: '192.0.2.11' }];

function ask(after: FirewallState, question: Partial<LockoutQuestion> = {}) {
  return checkLockout(after, {
    clientAddress: OUTSIDER,
    nodeAddresses: PVE1,
    topology: TOPOLOGY,
    ...question,
  });
}

const OPEN = '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 8006\n';
const DROP_8006 = 'IN DROP -p tcp -dport 8006';

test('a rule that drops port 8006 locks the client out, named by its text and file', () => {
  assert.deepEqual(ask(state(`[OPTIONS]\nenable: 1\n\n[RULES]\n${DROP_8006}\n`)), {
    checked: true,
    lockedOut: [
      {
        node: 'pve1',
        address: '192.0.2.11',
        cause: `the rule '${DROP_8006}' in firewall/cluster.fw`,
      },
    ],
  });
});

test('the default policy that drops is named with where it is set, or that it is the default', () => {
  const set = ask(state('[OPTIONS]\nenable: 1\npolicy_in: DROP\n'));
  assert.deepEqual(set, {
    checked: true,
    lockedOut: [
      {
        node: 'pve1',
        address: '192.0.2.11',
        cause: 'the default policy (policy_in: DROP in firewall/cluster.fw)',
      },
    ],
  });
  const unset = ask(state('[OPTIONS]\nenable: 1\n'));
  assert.deepEqual(unset, {
    checked: true,
    lockedOut: [
      {
        node: 'pve1',
        address: '192.0.2.11',
        cause: 'the default policy (policy_in is DROP unless cluster.fw sets it)',
      },
    ],
  });
});

test('with the cluster firewall off nothing is filtered: no lock-out whatever the rules say', () => {
  const off = state(`[OPTIONS]\nenable: 0\npolicy_in: DROP\n\n[RULES]\n${DROP_8006}\n`);
  assert.deepEqual(ask(off, { before: state(OPEN) }), { checked: true, lockedOut: [] });
});

test('a host.fw rule counts too, and an ACCEPT before the DROP keeps the client in', () => {
  const host = `[RULES]\n${DROP_8006}\n`;
  const cut = ask(state(OPEN.replace('IN ACCEPT -p tcp -dport 8006\n', ''), host));
  assert.equal(cut.checked, true);
  assert.deepEqual(cut.checked && cut.lockedOut.map((l) => l.cause), [
    `the rule '${DROP_8006}' in nodes/pve1/host.fw`,
  ]);
  const kept = ask(
    state(OPEN, `[RULES]\nIN ACCEPT -source ${OUTSIDER} -p tcp -dport 8006\n${DROP_8006}\n`),
  );
  assert.deepEqual(kept, { checked: true, lockedOut: [] });
});

test("from the node's own network the management allowance lets the web UI past the policy", () => {
  // Proxmox accepts 8006 from the node's own subnet after the rules and before the policy.
  const policy = state('[OPTIONS]\nenable: 1\npolicy_in: DROP\n');
  assert.deepEqual(ask(policy, { clientAddress: '192.0.2.50' }), { checked: true, lockedOut: [] });
  const outside = ask(policy);
  assert.equal(outside.checked && outside.lockedOut.length, 1);
  // A rule decides before the allowance, for a neighbour as for anyone.
  const rule = ask(state(`[OPTIONS]\nenable: 1\n\n[RULES]\n${DROP_8006}\n`), {
    clientAddress: '192.0.2.50',
  });
  assert.equal(rule.checked && rule.lockedOut.length, 1);
});

test('every address of a node is asked once, each one it cuts is listed', () => {
  const drop = state(`[OPTIONS]\nenable: 1\n\n[RULES]\n${DROP_8006}\n`);
  const verdict = ask(drop, {
    nodeAddresses: [...PVE1, ...PVE1, { node: 'pve1', address: '198.51.100.11' }],
  });
  assert.deepEqual(verdict.checked && verdict.lockedOut.map((l) => l.address), [
    '192.0.2.11',
    '198.51.100.11',
  ]);
});

test('rules that already block the client now cannot be judged: it reaches the API some other way', () => {
  const drop = state(`[OPTIONS]\nenable: 1\n\n[RULES]\n${DROP_8006}\n`);
  const verdict = ask(drop, { before: drop });
  assert.equal(verdict.checked, false);
  assert.match(
    !verdict.checked ? verdict.reason : '',
    /already seem to block this machine on port 8006 of pve1 \(192\.0\.2\.11\)/,
  );
  // Reachable before, cut after: that is the lock-out the check exists for.
  assert.equal(ask(drop, { before: state(OPEN) }).checked, true);
});

test('without our address or any node address there is nothing to check, and it says why', () => {
  const drop = state(`[OPTIONS]\nenable: 1\n\n[RULES]\n${DROP_8006}\n`);
  assert.deepEqual(ask(drop, { clientAddress: '' }), {
    checked: false,
    reason: 'the address this machine reaches the cluster from is unknown',
  });
  assert.deepEqual(ask(drop, { nodeAddresses: [] }), {
    checked: false,
    reason: 'no node addresses are known (pull first, so topology.json has them)',
  });
});

/** pve1 with a second network: the web UI is reached on either address. */
const TWO_NETWORKS = {
  ...TOPOLOGY,
  nodes: [
    {
      name: 'pve1',
      address: '192.0.2.11',
      addresses: ['192.0.2.11/24', '198.51.100.11/24'],
    },
  ],
};

test("on a node's second network, that network is the one its management allowance opens to", () => {
  // pve-firewall takes the local network from the address the node is reached on.
  const policy = state('[OPTIONS]\nenable: 1\npolicy_in: DROP\n');
  const second = [{ node: 'pve1', address: '198.51.100.11' }];
  assert.deepEqual(
    ask(policy, { topology: TWO_NETWORKS, nodeAddresses: second, clientAddress: '198.51.100.50' }),
    { checked: true, lockedOut: [] },
  );
  // From the first network, the second address is not local: the policy drops.
  const cut = ask(policy, {
    topology: TWO_NETWORKS,
    nodeAddresses: second,
    clientAddress: '192.0.2.50',
  });
  assert.deepEqual(cut.checked && cut.lockedOut.map((l) => l.address), ['198.51.100.11']);
});

test('on a node on proxmox-firewall the management set passes 8006 before any rule', () => {
  const NFT = '[OPTIONS]\nnftables: 1\n';
  const drop = state(`[OPTIONS]\nenable: 1\n\n[RULES]\n${DROP_8006}\n`, NFT);
  // A neighbour on the node's network is in the management set: the DROP rule never sees it.
  assert.deepEqual(ask(drop, { clientAddress: '192.0.2.50' }), { checked: true, lockedOut: [] });
  // Anyone else meets the rule, as on pve-firewall.
  const outside = ask(drop);
  assert.deepEqual(outside.checked && outside.lockedOut.map((l) => l.address), ['192.0.2.11']);
  // The second network's neighbours are in the set too when the node is reached there.
  const second = [{ node: 'pve1', address: '198.51.100.11' }];
  assert.deepEqual(
    ask(drop, { topology: TWO_NETWORKS, nodeAddresses: second, clientAddress: '198.51.100.50' }),
    { checked: true, lockedOut: [] },
  );
});
