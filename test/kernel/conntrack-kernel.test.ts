// The kernel is the final judge: pvefw's compiled IPv4 ruleset loaded into a fresh network
// namespace wired like a Proxmox node (test/kernel/node.sh), real packets sent through it, and
// each time the rule the simulator says decides must be the rule whose counter the kernel
// moves; what the sender of a rejected packet sees must be what the simulator says it sees.
// Needs root, iptables, ipset and python3 (Debian's packages; .ci/run installs them), and
// skips with the reason when any is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Ruleset } from '../../server/src/core/compile';
import {
  PROXMOX_TEST_TOPOLOGY,
  prepareSimulation,
  simulatePacket,
  type SimulateRequest,
} from '../../server/src/core/simulate';
import { compileTexts } from '../core/compile/helpers';
import { kernelSkipReason } from './support/kernel-skip';

const SCRIPTS = resolve(__dirname, '..', '..', '..', 'test', 'kernel');

function missing(): string | false {
  return kernelSkipReason({
    rootFor: 'network namespaces, iptables',
    tools: ['unshare', 'ip', 'iptables-restore', 'ipset', 'python3'],
    packages: 'iptables ipset python3 iproute2',
    probe: [
      'unshare',
      '-n',
      'sh',
      '-c',
      'ip link add b0 type bridge && test -e /proc/sys/net/bridge/bridge-nf-call-iptables && iptables -L -n && ipset list',
    ],
    probeFailure: 'no network namespace with bridge netfilter here',
  });
}

/** iptables-restore input for one family's filter table, hooked as pve-firewall hooks it. */
function restoreText(ruleset: Ruleset): string {
  const lines = ['*filter'];
  for (const chain of ruleset.chains.keys()) lines.push(`:${chain} - [0:0]`);
  lines.push('-A INPUT -j PVEFW-INPUT', '-A OUTPUT -j PVEFW-OUTPUT', '-A FORWARD -j PVEFW-FORWARD');
  for (const rules of ruleset.chains.values()) for (const rule of rules) lines.push(rule.text);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

const TEXTS = {
  cluster: '[OPTIONS]\nenable: 1\n',
  // Without the connection state, these user rules decided the ICMP errors below (ACCEPT).
  host: '[RULES]\nIN ACCEPT -p icmp\nOUT ACCEPT -p icmp\n',
  guests: {
    100: '[OPTIONS]\nenable: 1\n[RULES]\nIN REJECT -p tcp -dport 80\nIN ACCEPT -p icmp\n',
    101: '[OPTIONS]\nenable: 1\n',
  },
};

const OUT = '172.16.1.50';
const HOST = '172.16.1.2';
const G100 = '172.16.1.100';
const G101 = '172.16.1.101';

/** Each scenario of node.sh as the simulator is asked about it, and the verdict expected. */
const SCENARIOS: readonly { name: string; request: SimulateRequest; verdict: string }[] = [
  {
    name: 'to-host',
    request: {
      from: 'outside',
      to: 'host',
      source: OUT,
      dest: HOST,
      proto: 'icmp',
      dport: 'host-unreachable',
    },
    verdict: 'DROP',
  },
  {
    name: 'from-host',
    request: {
      from: 'host',
      to: 'outside',
      source: HOST,
      dest: OUT,
      proto: 'icmp',
      dport: 'ttl-zero-during-transit',
    },
    verdict: 'DROP',
  },
  {
    name: 'guest-to-guest',
    request: {
      from: 'vm101',
      to: 'vm100',
      source: G101,
      dest: G100,
      proto: 'icmp',
      dport: 'port-unreachable',
    },
    verdict: 'DROP',
  },
  {
    name: 'related',
    request: {
      from: 'outside',
      to: 'vm101',
      source: OUT,
      dest: G101,
      proto: 'icmp',
      dport: 'port-unreachable',
      state: 'related',
    },
    verdict: 'ACCEPT',
  },
  {
    name: 'reject-between-guests',
    request: { from: 'vm101', to: 'vm100', source: G101, dest: G100, proto: 'tcp', dport: '80' },
    verdict: 'REJECT',
  },
];

test('a real kernel agrees with the simulated conntrack verdicts', { skip: missing() }, () => {
  const compiled = compileTexts(TEXTS, PROXMOX_TEST_TOPOLOGY);
  const rulesets = prepareSimulation(compiled);
  const checks: string[] = [];
  for (const { name, request, verdict } of SCENARIOS) {
    const result = simulatePacket(rulesets, PROXMOX_TEST_TOPOLOGY, request);
    assert.equal(result.verdict, verdict, name);
    const deciding = [
      result.checks[result.checks.length - 1]?.decidedBy,
      ...(result.sender?.replyChecks ?? []).map((c) => c.decidedBy),
    ];
    for (const d of deciding) {
      assert.ok(d, `${name}: a rule decides`);
      checks.push(`${name} ${d.chain} ${d.index + 1}`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'pvefw-kernel-'));
  try {
    writeFileSync(
      join(dir, 'ipsets'),
      [...compiled.v4.ipsets.values()].flatMap((s) => s.commands).join('\n') + '\n',
    );
    writeFileSync(join(dir, 'filter.rules'), restoreText(compiled.v4));
    writeFileSync(join(dir, 'checks'), checks.join('\n') + '\n');
    const run = spawnSync(
      'unshare',
      ['-n', '-m', '--propagation', 'private', 'bash', join(SCRIPTS, 'node.sh'), dir],
      { encoding: 'utf8', timeout: 110_000 },
    );
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const report = run.stdout;
    // Every rule the simulator names is the one the kernel's counters show deciding.
    for (const line of checks) assert.match(report, new RegExp(`^${line} moved$`, 'm'), report);
    // Proxmox's host chains refuse the host's own unsolicited error at once.
    assert.match(report, /^from-host out refused by the sending host/m, report);
    // The sender of a related error's flow gets it; the rejected guest gets no reset.
    assert.match(report, /^related out udp refused/m, report);
    assert.match(report, /^reject-between-guests out tcp so_error 0$/m, report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
