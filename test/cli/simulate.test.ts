// `pvefw simulate` and `pvefw test` as a user runs them (the bundled dist/cli.js).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { join } from 'node:path';
import { sharedCorpusDir } from '../support/corpus';
import { assertUsageFailure, cleanup, makeTree, pvefw } from './helpers';

const FIREWALL = {
  'fw/cluster.fw': '[OPTIONS]\nenable: 1\n',
  'fw/host.fw': '[RULES]\nIN ACCEPT -p tcp -dport 22 -source 192.0.2.0/24\n',
  'fw/100.fw':
    '[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -p tcp -dport 443\nIN REJECT -p tcp -dport 80\n',
  'fw/101.fw': '[OPTIONS]\nenable: 1\n',
  'fw/tests': [
    "{ from => 'outside', to => 'vm100', dport => 443, action => 'ACCEPT' }",
    "{ to => 'vm100', dport => 80, action => 'REJECT' }",
    '',
  ].join('\n'),
  'bad/cluster.fw': '[OPTIONS]\nenable: 1\n',
  'bad/tests': "{ from => 'outside', to => 'host', dport => 8006, action => 'ACCEPT' }\n",
};

describe('pvefw simulate', () => {
  const root = makeTree(FIREWALL);
  after(() => cleanup(root));

  test('prints the verdict and the rules that decided, with file and line', () => {
    const result = pvefw(
      ['simulate', 'fw', '--from', 'outside', '--to', 'vm100', '--dport', '80'],
      root,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^REJECT {2}IPv4 tcp 100\.100\.1\.2 → 100\.200\.3\.4 dport 80, NEW\n/,
    );
    assert.match(
      result.stdout,
      /tap100i0-IN #\d+: -p tcp --dport 80 -j PVEFW-reject {2}→ jump PVEFW-reject {2}\[fw\/100\.fw:5\]/,
    );
    // check and simulate answer from one model: without topology.json, both assume the world.
    assert.match(result.stdout, /note: topology: assumed from the files \(no topology\.json\)/);
  });

  test('an address stands for its zone and becomes the packet address', () => {
    const result = pvefw(
      [
        'simulate',
        'fw',
        '--topology',
        'default',
        '--from',
        '192.0.2.7',
        '--to',
        '172.16.1.2',
        '--dport',
        '22',
      ],
      root,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ACCEPT {2}IPv4 tcp 192\.0\.2\.7 → 172\.16\.1\.2 dport 22, NEW\n/);
    assert.match(result.stdout, /\[fw\/host\.fw:2\]/);
  });

  test('bad zones and missing options are usage errors', () => {
    assertUsageFailure(
      pvefw(['simulate', 'fw', '--from', 'vm999', '--to', 'host'], root),
      /no such VM '999'/,
    );
    assertUsageFailure(pvefw(['simulate', 'fw', '--to', 'host'], root), /--from/);
    assertUsageFailure(
      pvefw(['simulate', 'nope', '--from', 'host', '--to', 'outside'], root),
      /nope/,
    );
  });

  test('--help', () => {
    const result = pvefw(['simulate', '--help'], root);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Usage: pvefw simulate DIR/);
    assert.match(result.stdout, /--state S +the packet's connection: new \(default/);
  });

  test('--state: an ICMP error is INVALID unless related, and the trace says so', () => {
    const args = ['simulate', 'fw', '--from', 'outside', '--to', 'vm100', '--proto', 'icmp'];
    const unsolicited = pvefw([...args, '--dport', 'port-unreachable'], root);
    assert.equal(unsolicited.status, 0, unsolicited.stderr);
    assert.match(unsolicited.stdout, /^DROP {2}IPv4 icmp .* type port-unreachable, INVALID\n/);
    assert.match(unsolicited.stdout, /\[built-in: conntrack: drop INVALID\]/);
    const related = pvefw([...args, '--dport', 'port-unreachable', '--state', 'related'], root);
    assert.match(related.stdout, /^ACCEPT {2}.*, RELATED\n/);
    assert.match(related.stdout, /\[built-in: conntrack: accept RELATED,ESTABLISHED\]/);
    assertUsageFailure(
      pvefw([...args, '--dport', 'echo-request', '--state', 'related'], root),
      /not an error message/,
    );
    assertUsageFailure(pvefw([...args, '--state', 'sideways'], root), /unknown state 'sideways'/);
  });

  test('a REJECT between guests says the sender sees nothing', () => {
    const result = pvefw(
      ['simulate', 'fw', '--from', 'vm101', '--to', 'vm100', '--dport', '80'],
      root,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^REJECT \(the sender sees nothing\) {2}IPv4 tcp /);
    assert.match(result.stdout, /sender: the reset comes back INVALID/);
  });
});

describe('pvefw test', () => {
  const root = makeTree(FIREWALL);
  after(() => cleanup(root));

  test('passing tests: one line per case and the totals, exit 0', () => {
    const result = pvefw(['test', 'fw'], root);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^PASS fw\/tests:1 /m);
    assert.match(result.stdout, /^PASS fw\/tests:2 /m);
    assert.match(result.stdout, /^1 directory, 2 cases, 5 packet traversals: all passed$/m);
  });

  test('a failing case shows the path the packet took, exit 1', () => {
    const result = pvefw(['test', 'bad'], root);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^FAIL bad\/tests:1 /m);
    assert.match(result.stdout, /outside → host: expected ACCEPT, got DROP/);
    assert.match(
      result.stdout,
      /PVEFW-HOST-IN #\d+: -j DROP {2}→ DROP {2}\[built-in: policy DROP\]/,
    );
    assert.match(result.stdout, /1 failed$/m);
  });

  const corpus = sharedCorpusDir();
  test(
    "Proxmox's own test folders: 13 directories, 142 cases, 244 packet traversals",
    { skip: corpus ? false : '../shared/corpus is not present in this checkout' },
    () => {
      const result = pvefw(['test', join(corpus!, 'upstream')], root);
      // The two expectations of Proxmox's simulator that the kernel contradicts
      // (test/corpus/upstream-tests.test.ts): the kernel drops them as INVALID.
      assert.equal(result.status, 1, result.stdout);
      assert.deepEqual(
        result.stdout.match(/^FAIL .*$/gm)?.map((l) => /tests:\d+/.exec(l)?.[0]),
        ['tests:24', 'tests:25'],
      );
      assert.match(result.stdout, /vm110 → vm100: expected ACCEPT, got DROP\n.*type 0, INVALID/);
      assert.match(result.stdout, /PVEFW-FORWARD #1: -m conntrack --ctstate INVALID -j DROP/);
      assert.match(result.stdout, /^13 directories, 142 cases, 244 packet traversals: 2 failed$/m);
    },
  );
});
