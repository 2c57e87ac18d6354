// Proxmox's `tests` format and the runner: hash literals, fan-out, failures with traces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PROXMOX_TEST_TOPOLOGY,
  parseTestsFile,
  prepareSimulation,
  runFirewallTests,
} from '../../../server/src/core/simulate';
import { compileTexts } from '../compile/helpers';

test('one Perl hash literal per line; blank lines and # comments are skipped', () => {
  const text = [
    "{ from => 'host', to => 'vm100', dport => 22, action => 'ACCEPT' }",
    '',
    '# a comment',
    '{ "from" => "ct200", proto => "icmp", dport => "echo-request", action => \'DROP\', }',
    "{ to => 'host', source => 'it\\'s', action => 'DROP' }",
    'from => host',
    "{ from => 'host' to => 'x' }",
  ].join('\n');
  const { cases, errors } = parseTestsFile(text);
  assert.deepEqual(
    cases.map((c) => [c.lineNumber, c.fields]),
    [
      [1, { from: 'host', to: 'vm100', dport: '22', action: 'ACCEPT' }],
      [4, { from: 'ct200', proto: 'icmp', dport: 'echo-request', action: 'DROP' }],
      [5, { to: 'host', source: "it's", action: 'DROP' }],
    ],
  );
  assert.deepEqual(
    errors.map((e) => e.lineNumber),
    [6, 7],
  );
});

test('a missing end fans out over host, outside, nfvm, vm100, ct200 minus the other end', () => {
  const rulesets = prepareSimulation(
    compileTexts({ cluster: '[OPTIONS]\nenable: 1\n' }, PROXMOX_TEST_TOPOLOGY),
  );
  const report = runFirewallTests(
    rulesets,
    PROXMOX_TEST_TOPOLOGY,
    // QUERY, as in fwtester.pl, asks for verdicts without expecting one.
    "{ to => 'host', action => 'DROP' }\n{ from => 'vm101', action => 'QUERY' }\n",
  );
  assert.deepEqual(
    report.cases.map((c) => c.traversals.map((t) => `${t.from}>${t.to}`)),
    [
      ['outside>host', 'nfvm>host', 'vm100>host', 'ct200>host'],
      ['vm101>host', 'vm101>outside', 'vm101>nfvm', 'vm101>vm100', 'vm101>ct200'],
    ],
  );
  assert.equal(report.traversals, 9);
  assert.equal(report.passed, true);
});

test('a failing case keeps the simulation of each failing packet', () => {
  const rulesets = prepareSimulation(
    compileTexts({ cluster: '[OPTIONS]\nenable: 1\n' }, PROXMOX_TEST_TOPOLOGY),
  );
  const report = runFirewallTests(
    rulesets,
    PROXMOX_TEST_TOPOLOGY,
    "{ from => 'outside', to => 'host', dport => 8006, action => 'ACCEPT' }\n{ from => 'outside', to => 'host', colour => 'red', action => 'DROP' }\n",
  );
  assert.equal(report.passed, false);
  const [first, second] = report.cases;
  assert.equal(first!.traversals[0]!.result?.verdict, 'DROP');
  assert.equal(first!.passed, false);
  assert.equal(second!.error, "unknown attribute 'colour'");
});
