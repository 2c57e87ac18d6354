// `pvefw report` (issue 19): per node and guest NIC, which sources reach which services, with
// the rules that accept them; checked against `pvefw simulate` on the same folder.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, makeTree, pvefw } from './helpers';

const TOPOLOGY = JSON.stringify({
  localNode: 'pve1',
  nodes: [{ name: 'pve1', address: '10.0.0.11' }],
  guests: [
    {
      vmid: 101,
      kind: 'vm',
      node: 'pve1',
      nics: [
        { name: 'net0', bridge: 'vmbr0', firewall: true },
        { name: 'net1', bridge: 'vmbr1', firewall: false },
      ],
    },
  ],
});

const root = makeTree({
  'firewall/cluster.fw':
    '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[IPSET office]\n198.51.100.0/24\n\n' +
    '[RULES]\nIN SSH(ACCEPT) -source +office # <script>alert(1)</script>\n\n' +
    '[group web]\nIN ACCEPT -p tcp -dport 80,443\n',
  'firewall/101.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nGROUP web\n',
  'topology.json': TOPOLOGY,
});
after(() => cleanup(root));

interface Row {
  service: string;
  sources: string;
  fromAnywhere: boolean;
  acceptedBy: string[];
}
interface Report {
  entries: { where: string; families: string; rows: Row[] }[];
}

function report(): Report {
  const run = pvefw(['report', '--format', 'json', '.'], root);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Report;
}

function rowsOf(where: string, family = 'IPv4'): Row[] {
  const entry = report().entries.find((e) => e.where === where && e.families.includes(family));
  assert.ok(entry, `an entry for ${where} (${family})`);
  return entry.rows;
}

test('each service with the sources that reach it and the rule that accepts it', () => {
  const ssh = rowsOf('host pve1').find((r) => r.service === 'tcp port 22');
  assert.deepEqual(ssh, {
    service: 'tcp port 22',
    sources: '+office',
    fromAnywhere: false,
    acceptedBy: [
      'firewall/cluster.fw line 9: IN SSH(ACCEPT) -source +office # <script>alert(1)</script>',
    ],
  });
  const web = rowsOf('guest 101 net0').find((r) => r.service === 'tcp ports 80, 443');
  assert.equal(web?.sources, 'anywhere');
  assert.equal(web?.fromAnywhere, true);
  assert.match(web?.acceptedBy[0] ?? '', /^firewall\/cluster\.fw line 12 \(group web\): /);
});

test('a NIC without firewall=1 is reachable by everything, and says why', () => {
  const rows = rowsOf('guest 101 net1');
  assert.deepEqual(rows, [
    {
      service: 'all traffic',
      sources: 'anywhere',
      fromAnywhere: true,
      acceptedBy: ['no guest firewall on net1 (the NIC has no firewall=1)'],
    },
  ]);
});

test('what the report says is what simulate decides', () => {
  const verdict = (source: string): string => {
    const run = pvefw(
      [
        'simulate',
        '.',
        '--from',
        'outside',
        '--to',
        'host',
        '--proto',
        'tcp',
        '--dport',
        '22',
        '--source',
        source,
        '--dest',
        '10.0.0.11',
      ],
      root,
    );
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.split(/\s/)[0]!;
  };
  assert.equal(verdict('198.51.100.7'), 'ACCEPT', 'a source of the row');
  assert.equal(verdict('203.0.113.7'), 'DROP', 'a source outside it');
});

test('Markdown and HTML carry the texts of the files inert', () => {
  const markdown = pvefw(['report', '--format', 'markdown', '.'], root);
  assert.equal(markdown.status, 0, markdown.stderr);
  assert.match(markdown.stdout, /^\| tcp ports 80, 443 \| \*\*anywhere\*\* \| /m);
  assert.doesNotMatch(markdown.stdout, /<script>/);
  const html = pvefw(['report', '--format', 'html', '.'], root);
  assert.equal(html.status, 0, html.stderr);
  assert.match(html.stdout, /^<!DOCTYPE html>/);
  assert.match(html.stdout, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(html.stdout, /<script>/);
  assert.match(html.stdout, /default-src 'none'/);
  const text = pvefw(['report', '.'], root);
  assert.match(text.stdout, /^host pve1 \(IPv4\)\n/m);
  assert.match(text.stdout, /^ {2}tcp ports 80, 443 from anywhere {2}\[from anywhere\]$/m);
});

test('a node on proxmox-firewall is reported from its own nftables rules', () => {
  const nft = makeTree({
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\n\n[IPSET office]\n198.51.100.0/24\n\n[RULES]\nIN SSH(ACCEPT) -source +office\n',
    'nodes/pve1/host.fw': '[OPTIONS]\nnftables: 1\n',
    'topology.json': TOPOLOGY,
  });
  const withGuest = makeTree({
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[group web]\nIN ACCEPT -p tcp -dport 443\n',
    'firewall/101.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nGROUP web\n',
    'nodes/pve1/host.fw': '[OPTIONS]\nnftables: 1\n',
    'topology.json': TOPOLOGY,
  });
  try {
    const run = pvefw(['report', '--format', 'json', '.'], nft);
    assert.equal(run.status, 0, run.stderr);
    const parsed = JSON.parse(run.stdout) as Report & { notes: string[] };
    const host = parsed.entries.find((e) => e.where === 'host pve1' && e.families === 'IPv4');
    const ssh = host?.rows.find((r) => r.service === 'tcp port 22');
    assert.equal(ssh?.sources, '+dc/office');
    assert.deepEqual(ssh?.acceptedBy, [
      'firewall/cluster.fw line 8: IN SSH(ACCEPT) -source +office',
    ]);
    // proxmox-firewall's own rules accept corosync before any user rule: said, with the rule.
    const corosync = host?.rows.find((r) => r.service.startsWith('udp ports 5405'));
    assert.match(
      corosync?.acceptedBy[0] ?? '',
      /^proxmox-firewall's fixed rule \(inet default-in: /,
    );
    // Guest 101 has no firewall file: nothing filters its NIC, and the report says so (once,
    // for both families).
    const guest = parsed.entries.filter((e) => e.where === 'guest 101 net0');
    assert.deepEqual(
      guest.map((e) => [
        e.families,
        e.rows.map((r) => `${r.service} from ${r.sources}: ${r.acceptedBy.join()}`),
      ]),
      [
        [
          'IPv4 and IPv6',
          ['all traffic from anywhere: no guest firewall (101.fw: enable is not 1)'],
        ],
      ],
    );
    assert.ok(parsed.notes.some((n) => /node pve1 runs proxmox-firewall/.test(n)));

    // With a guest firewall: only connections towards the guest, not its own outbound traffic.
    const guestRun = pvefw(['report', '--format', 'json', '.'], withGuest);
    assert.equal(guestRun.status, 0, guestRun.stderr);
    const entries = (JSON.parse(guestRun.stdout) as Report).entries;
    const net0 = entries.filter((e) => e.where === 'guest 101 net0' && e.families.includes('IPv4'));
    assert.equal(net0.length, 1);
    assert.ok(net0[0]!.rows.some((r) => r.service === 'tcp port 443' && r.sources === 'anywhere'));
    assert.ok(!net0[0]!.rows.some((r) => r.service === 'all traffic'));
  } finally {
    cleanup(nft);
    cleanup(withGuest);
  }
});
