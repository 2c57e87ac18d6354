// One cluster model behind every command (issue 12): `check` and `simulate` read the same
// cluster from the root of an /etc/pve copy, from its `firewall/` folder, or from a flat folder,
// and give the same answers; a node without host.fw, a guest's unnamed NICs and a file of no
// kind are handled as Proxmox would have them.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { cleanup, makeTree, parseJsonOutput, pvefw } from './helpers';

const temps: string[] = [];
function tree(files: Readonly<Record<string, string>>): string {
  const root = makeTree(files);
  temps.push(root);
  return root;
}
after(() => temps.forEach(cleanup));

const CLUSTER = [
  '[OPTIONS]',
  'enable: 1',
  'policy_in: DROP',
  '',
  '[RULES]',
  'IN ACCEPT -p tcp -dport 80',
  '',
].join('\n');
const HOST = ['[RULES]', 'IN ACCEPT -p tcp -dport 22 -source 10.0.0.0/24', ''].join('\n');
const GUEST = [
  '[OPTIONS]',
  'enable: 1',
  '',
  '[RULES]',
  'IN ACCEPT -p tcp -dport 443',
  'IN DROP -p tcp -dport 443 -source 10.9.0.0/16',
  '',
].join('\n');

function topology(guestNode: string): string {
  return JSON.stringify({
    localNode: 'pve1',
    localNetwork: '10.0.0.0/24',
    nodes: [
      { name: 'pve1', address: '10.0.0.1' },
      { name: 'pve2', address: '10.0.0.2' },
    ],
    guests: [
      {
        vmid: 100,
        kind: 'vm',
        node: guestNode,
        nics: [{ name: 'net0', bridge: 'vmbr0', firewall: true }],
      },
    ],
  });
}

/** One single-node cluster, in each of the three layouts a user may point pvefw at. */
const LAYOUTS = {
  'etc-pve root': {
    files: {
      'firewall/cluster.fw': CLUSTER,
      'firewall/100.fw': GUEST,
      'nodes/pve1/host.fw': HOST,
      'topology.json': topology('pve1'),
    },
    dir: '.',
    paths: { cluster: 'firewall/cluster.fw', host: 'nodes/pve1/host.fw', guest: 'firewall/100.fw' },
  },
  'its firewall/ folder': {
    files: {
      'pve/firewall/cluster.fw': CLUSTER,
      'pve/firewall/100.fw': GUEST,
      'pve/nodes/pve1/host.fw': HOST,
      'pve/topology.json': topology('pve1'),
    },
    dir: 'pve/firewall',
    paths: {
      cluster: 'pve/firewall/cluster.fw',
      host: 'pve/nodes/pve1/host.fw',
      guest: 'pve/firewall/100.fw',
    },
  },
  'a flat folder': {
    files: {
      'flat/cluster.fw': CLUSTER,
      'flat/100.fw': GUEST,
      'flat/host.fw': HOST,
      'flat/topology.json': topology('pve1'),
    },
    dir: 'flat',
    paths: { cluster: 'flat/cluster.fw', host: 'flat/host.fw', guest: 'flat/100.fw' },
  },
} as const;

const PACKETS: readonly {
  args: string[];
  verdict: string;
  by: 'host' | 'cluster' | 'guest' | '';
}[] = [
  { args: ['--from', '10.0.0.5', '--to', 'host', '--dport', '22'], verdict: 'ACCEPT', by: 'host' },
  { args: ['--from', '10.7.0.5', '--to', 'host', '--dport', '22'], verdict: 'DROP', by: '' },
  {
    args: ['--from', '10.7.0.5', '--to', 'host', '--dport', '80'],
    verdict: 'ACCEPT',
    by: 'cluster',
  },
  {
    args: ['--from', 'outside', '--to', 'vm100', '--dport', '443'],
    verdict: 'ACCEPT',
    by: 'guest',
  },
];

describe('the same cluster laid out three ways gives the same answers', () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    test(`${name}: simulate reads cluster.fw, the node's host.fw and the guest`, () => {
      const root = tree(layout.files);
      for (const packet of PACKETS) {
        const result = pvefw(['simulate', layout.dir, ...packet.args], root);
        assert.equal(result.status, 0, result.stderr);
        assert.ok(
          result.stdout.startsWith(`${packet.verdict}  `),
          `${packet.args.join(' ')}:\n${result.stdout}`,
        );
        if (packet.by !== '')
          assert.ok(
            result.stdout.includes(`[${layout.paths[packet.by]}:`),
            `decided by ${layout.paths[packet.by]}:\n${result.stdout}`,
          );
      }
    });

    test(`${name}: check finds the same findings`, () => {
      const root = tree(layout.files);
      // The host file is named too: below `pve/firewall` alone there is none.
      const result = pvefw(['check', '--format', 'json', layout.dir, layout.paths.host], root);
      const role = new Map(Object.entries(layout.paths).map(([r, p]) => [p as string, r]));
      const found = parseJsonOutput(result.stdout).files.flatMap((f) =>
        f.diagnostics.map((d) => `${role.get(f.path) ?? f.path}:${d.line} ${d.code}`),
      );
      // The host rule changes nothing: Proxmox lets the management network (the local
      // network, 10.0.0.0/24) reach SSH anyway.
      assert.deepEqual(found.sort(), ['guest:6 shadowed-rule', 'host:2 redundant-rule']);
    });
  }
});

describe('every node of the topology is analysed', () => {
  test('a guest on a node without host.fw gets its reachability findings', () => {
    const root = tree({
      'firewall/cluster.fw': CLUSTER,
      'firewall/100.fw': GUEST,
      'nodes/pve1/host.fw': HOST,
      'topology.json': topology('pve2'),
    });
    const result = pvefw(['check', '--format', 'json', '.'], root);
    const guest = parseJsonOutput(result.stdout).files.find((f) => f.path === 'firewall/100.fw');
    assert.deepEqual(
      guest?.diagnostics.map((d) => `${d.line} ${d.code}`),
      ['6 shadowed-rule'],
    );
  });

  test('simulate --node picks the node whose ruleset is asked about', () => {
    const root = tree({
      'firewall/cluster.fw': CLUSTER,
      'firewall/100.fw': GUEST,
      'nodes/pve1/host.fw': HOST,
      'topology.json': topology('pve2'),
    });
    const onPve1 = pvefw(['simulate', '.', '--from', 'outside', '--to', 'vm100'], root);
    assert.equal(onPve1.status, 2, 'guest 100 does not run on the local node pve1');
    const onPve2 = pvefw(
      ['simulate', '.', '--node', 'pve2', '--from', 'outside', '--to', 'vm100', '--dport', '443'],
      root,
    );
    assert.equal(onPve2.status, 0, onPve2.stderr);
    assert.match(onPve2.stdout, /^ACCEPT {2}/);
    assert.match(onPve2.stdout, /\[firewall\/100\.fw:5\]/);
    const unknown = pvefw(
      ['simulate', '.', '--node', 'pve9', '--from', 'host', '--to', 'outside'],
      root,
    );
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no node 'pve9'.*pve1, pve2/);
  });
});

describe('without topology.json the world is assumed, never against a rule', () => {
  test('a rule after a NIC-specific DROP is not dead: the guest may have another NIC', () => {
    const root = tree({
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
      'firewall/100.fw':
        '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP -i net0 -p tcp -dport 3306\nIN ACCEPT -p tcp -dport 3306\n',
    });
    const result = pvefw(['check', '--format', 'json', '.'], root);
    const guest = parseJsonOutput(result.stdout).files.find((f) => f.path === 'firewall/100.fw');
    assert.deepEqual(guest?.diagnostics, []);
  });

  test('a finding that rests on the assumed topology says so', () => {
    const root = tree({
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
      'firewall/100.fw': GUEST,
    });
    const result = pvefw(['check', '.'], root);
    assert.match(
      result.stdout,
      /firewall\/100\.fw:6:1: warning shadowed-rule: .*\(topology assumed: no topology\.json/,
    );
  });
});
