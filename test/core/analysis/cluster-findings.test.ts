// What the guides get wrong, found where it is made (issue 17): a policy that locks this
// machine out, a policy_out that cuts the nodes off, guest rules on NICs without firewall=1, and
// names nothing refers to. Each through the door every command uses: checkCluster on a model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildClusterModel,
  checkCluster,
  LineIndex,
  type Finding,
  type Topology,
} from '../../../server/src/core';

function topology(extra: Partial<Topology> = {}, firewall = true): Topology {
  return {
    localNode: 'pve1',
    localNetwork: '192.168.10.0/24',
    nodes: [
      { name: 'pve1', address: '192.168.10.11', addresses: ['192.168.10.11/24'] },
      { name: 'pve2', address: '192.168.10.12', addresses: ['192.168.10.12/24'] },
    ],
    guests: [
      {
        vmid: 100,
        kind: 'vm',
        node: 'pve1',
        nics: [
          { name: 'net0', bridge: 'vmbr0', firewall },
          { name: 'net1', bridge: 'vmbr0', firewall },
        ],
      },
    ],
    ...extra,
  };
}

function found(
  cluster: string,
  world: Topology | undefined,
  guest?: string,
): { at: string; finding: Finding }[] {
  const model = buildClusterModel({
    cluster: { path: 'cluster.fw', text: cluster },
    ...(guest ? { guests: [{ vmid: 100, file: { path: '100.fw', text: guest } }] } : {}),
    ...(world ? { topology: { path: 'topology.json', topology: world } } : {}),
  });
  const texts = new Map([
    ['cluster.fw', cluster],
    ['100.fw', guest ?? ''],
  ]);
  return [...checkCluster(model)].flatMap(([path, list]) =>
    list.map((finding) => ({
      at: `${path}:${new LineIndex(texts.get(path)!).positionAt(finding.span.start).line + 1} ${finding.code}`,
      finding,
    })),
  );
}

const codes = (list: { at: string }[], code: string): string[] =>
  list.filter((x) => x.at.endsWith(` ${code}`)).map((x) => x.at);

test('policy_in DROP that locks this machine out of every node is an error on the policy line', () => {
  const cluster = '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -p tcp -dport 80\n';
  const world = topology({ managedFrom: '10.20.0.7' });
  const lost = found(cluster, world).filter((x) => x.finding.code === 'management-lockout');
  assert.deepEqual(
    lost.map((x) => x.at),
    ['cluster.fw:3 management-lockout'],
  );
  assert.equal(lost[0]!.finding.severity, 'error');
  assert.match(
    lost[0]!.finding.message,
    /10\.20\.0\.7 .* out of the web UI \(tcp 8006\) of pve1 \(192\.168\.10\.11\), SSH \(tcp 22\) of pve1 .*pve2 \(192\.168\.10\.12\)/,
  );
  // From inside the local network, Proxmox's own allowance lets it in: nothing to say.
  assert.deepEqual(
    codes(found(cluster, topology({ managedFrom: '192.168.10.50' })), 'management-lockout'),
    [],
  );
  // An ACCEPT for it keeps it in; the same rule disabled (what 'pvesh create' leaves) does not.
  const allowed = cluster + 'IN ACCEPT -source 10.20.0.7 -p tcp -dport 8006,22\n';
  assert.deepEqual(codes(found(allowed, world), 'management-lockout'), []);
  const staged = cluster + '|IN ACCEPT -source 10.20.0.7 -p tcp -dport 8006,22\n';
  assert.deepEqual(codes(found(staged, world), 'management-lockout'), [
    'cluster.fw:3 management-lockout',
  ]);
  // Without managedFrom nothing can be proved.
  assert.deepEqual(codes(found(cluster, topology()), 'management-lockout'), []);
});

test('a rule that drops this machine is where the lock-out is said', () => {
  const cluster =
    '[OPTIONS]\nenable: 1\npolicy_in: ACCEPT\n\n[RULES]\nIN DROP -source 10.20.0.0/16 -p tcp -dport 8006\n';
  const lost = found(cluster, topology({ managedFrom: '10.20.0.7' }));
  assert.deepEqual(codes(lost, 'management-lockout'), ['cluster.fw:6 management-lockout']);
  assert.match(
    lost.find((x) => x.finding.code === 'management-lockout')!.finding.message,
    /this rule drops it first/,
  );
});

test('policy_out DROP without OUT rules names what the nodes lose', () => {
  const cluster = '[OPTIONS]\nenable: 1\npolicy_out: DROP\n';
  const out = found(cluster, topology()).filter((x) => x.finding.code === 'outbound-blocked');
  assert.deepEqual(
    out.map((x) => x.at),
    ['cluster.fw:3 outbound-blocked'],
  );
  const message = out[0]!.finding.message;
  for (const what of [
    'udp 53',
    'udp 123',
    'tcp 80, 443',
    'migrate guests to pve2',
    'migrate guests to pve1',
  ])
    assert.ok(message.includes(what), `${what} in: ${message}`);
  const open =
    cluster +
    '\n[RULES]\nOUT DNS(ACCEPT)\nOUT NTP(ACCEPT)\nOUT ACCEPT -p tcp -dport 80,443\nOUT ACCEPT -p tcp -dport 60000:60050\n';
  assert.deepEqual(codes(found(open, topology()), 'outbound-blocked'), []);
  assert.deepEqual(codes(found('[OPTIONS]\nenable: 1\n', topology()), 'outbound-blocked'), []);
});

test('a guest switched on whose NICs all lack firewall=1: said on enable, and its rules not analysed', () => {
  const cluster = '[OPTIONS]\nenable: 1\n';
  const guest =
    '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\nIN DROP -p tcp -dport 443\n';
  const off = found(cluster, topology({}, false), guest);
  assert.deepEqual(
    off.filter((x) => x.at.startsWith('100.fw')).map((x) => x.at),
    ['100.fw:2 guest-firewall-off'],
  );
  const on = found(cluster, topology({}, true), guest);
  assert.deepEqual(
    on.filter((x) => x.at.startsWith('100.fw')).map((x) => x.at),
    ['100.fw:6 shadowed-rule'],
  );
});

test('ipsets, aliases and groups nothing refers to are hints; what Proxmox uses itself is not', () => {
  const cluster = [
    '[OPTIONS]',
    'enable: 1',
    '[ALIASES]',
    'used_alias 10.0.0.1',
    'lonely_alias 10.0.0.2',
    'local_network 192.168.10.0/24',
    '[IPSET management]',
    '192.168.10.0/24',
    '[IPSET blacklist]',
    '203.0.113.9',
    '[IPSET web]',
    '10.0.1.0/24',
    'used_alias',
    '[IPSET old_backup]',
    '10.9.8.0/24',
    '[group webservers]',
    'IN ACCEPT -source +web -p tcp -dport 443',
    '[group unused_group]',
    'IN ACCEPT -p tcp -dport 8080',
    '',
  ].join('\n');
  const guest =
    '[IPSET ipfilter-net0]\n10.0.1.5\n[IPSET spare]\n10.0.2.0/24\n[RULES]\nGROUP webservers\n';
  assert.deepEqual(
    codes(found(cluster, undefined, guest), 'unused-definition').sort(),
    [
      '100.fw:3 unused-definition',
      'cluster.fw:14 unused-definition',
      'cluster.fw:18 unused-definition',
      'cluster.fw:5 unused-definition',
    ].sort(),
  );
});
