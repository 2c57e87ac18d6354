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
