// Code actions at `$0`: the action with the given title is offered, its edit gives the expected
// text, and checking the result again no longer reports the code it fixed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildClusterModel,
  checkCluster,
  checkFile,
  codeActionsAt,
  type DiagnosticCode,
  type Finding,
} from '../../../server/src/core';
import { applyFileEdits, fixture } from './fixture';

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly title: string;
  readonly after: string;
  /** The code the action fixes (gone afterwards); none for fixes without a finding. */
  readonly fixes?: DiagnosticCode;
  /** Findings the checks cannot produce themselves (reachability), given to the action. */
  readonly findings?: (text: string, path: string) => Finding[];
}

const CASES: readonly Case[] = [
  {
    name: 'host bits in a CIDR',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -source 192.168.1.$010/24\n' },
    title: 'Use the network address: 192.168.1.0/24',
    after: '[RULES]\nIN ACCEPT -source 192.168.1.0/24\n',
    fixes: 'invalid-address',
  },
  {
    name: 'host bits, meant as one host',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -source 192.168.1.$010/24\n' },
    title: 'Use the single address 192.168.1.10',
    after: '[RULES]\nIN ACCEPT -source 192.168.1.10\n',
    fixes: 'invalid-address',
  },
  {
    name: 'the case of an ipset reference',
    files: { 'firewall/cluster.fw': '[IPSET web]\n10.0.0.1\n[RULES]\nIN ACCEPT -source +W$0eb\n' },
    title: "Write 'web' in [IPSET web] and every reference",
    after: '[IPSET web]\n10.0.0.1\n[RULES]\nIN ACCEPT -source +web\n',
    fixes: 'undefined-ipset',
  },
  {
    name: 'an ipset used above its definition moves up',
    files: {
      'firewall/cluster.fw': '[RULES]\nIN ACCEPT -source +w$0eb\n\n[IPSET web]\n10.0.0.1\n',
    },
    title: 'Move [IPSET web] above its first use (line 2)',
    after: '[IPSET web]\n10.0.0.1\n\n[RULES]\nIN ACCEPT -source +web\n\n',
    fixes: 'undefined-ipset',
  },
  {
    name: 'an alias used above its definition moves into an [ALIASES] section above',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -source g$0w\n[ALIASES]\ngw 10.0.0.1\n' },
    title: 'Move alias gw above its first use (line 2)',
    after: '[ALIASES]\ngw 10.0.0.1\n\n[RULES]\nIN ACCEPT -source gw\n[ALIASES]\n',
    fixes: 'undefined-alias',
  },
  {
    name: 'a lower-case action',
    files: { 'firewall/100.fw': '[RULES]\nIN ssh(ac$0cept)\n' },
    title: 'Write ssh(ACCEPT)',
    after: '[RULES]\nIN ssh(ACCEPT)\n',
    fixes: 'invalid-action',
  },
  {
    name: 'two blanks after a flag',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p  tcp -dport\t22$0\n' },
    title: 'Use exactly one space',
    after: '[RULES]\nIN ACCEPT -p tcp -dport 22\n',
    fixes: 'unparsable-rule-parameters',
  },
  {
    name: 'an upper-case log level',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -log INFO$0\n' },
    title: 'Write -log info',
    after: '[RULES]\nIN ACCEPT -log info\n',
    fixes: 'unparsable-rule-parameters',
  },
  {
    name: 'a blank after the disabling bar',
    files: { 'firewall/cluster.fw': '[RULES]\n| IN$0 ACCEPT\n' },
    title: "Remove the blank after '|'",
    after: '[RULES]\n|IN ACCEPT\n',
    fixes: 'unparsable-rule',
  },
  {
    name: 'an upper-case protocol',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p TC$0P\n' },
    title: 'Write tcp',
    after: '[RULES]\nIN ACCEPT -p tcp\n',
    fixes: 'unknown-protocol',
  },
  {
    name: 'a backwards port range',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p tcp -dport 22,90$0:80\n' },
    title: 'Write 80:90',
    after: '[RULES]\nIN ACCEPT -p tcp -dport 22,80:90\n',
    fixes: 'invalid-port',
  },
  {
    name: 'a comment on an option line',
    files: { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1 #$0 on\n' },
    title: 'Move the comment to a line of its own',
    after: '[OPTIONS]\n# on\nenable: 1\n',
    fixes: 'invalid-option',
  },
  {
    name: 'a duplicate ipset entry',
    files: { 'firewall/cluster.fw': '[IPSET s1]\n10.0.0.1\n10.0.0.1/32$0\n' },
    title: 'Remove the duplicate entry',
    after: '[IPSET s1]\n10.0.0.1\n',
    fixes: 'duplicate-ipset-entry',
  },
  {
    name: 'an option set twice',
    files: { 'firewall/cluster.fw': '[OPTIONS]\npolicy_in: ACCEPT\npolicy_in$0: DROP\n' },
    title: "Remove the earlier, overridden 'policy_in: ACCEPT'",
    after: '[OPTIONS]\npolicy_in: DROP\n',
    fixes: 'duplicate-option',
  },
  {
    name: 'an option repeated in one rule',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p tcp -dport 22$0 -dport 23\n' },
    title: "Remove the overridden '-dport 22'",
    after: '[RULES]\nIN ACCEPT -p tcp -dport 23\n',
    fixes: 'repeated-rule-option',
  },
  {
    name: 'CRLF line ends',
    files: { 'firewall/cluster.fw': '[RULES]$0\r\nIN ACCEPT\r\n' },
    title: 'Convert the line ends to LF',
    after: '[RULES]\nIN ACCEPT\n',
    fixes: 'crlf-line-endings',
  },
  {
    name: 'enable a disabled rule',
    files: { 'firewall/cluster.fw': '[RULES]\n|IN$0 ACCEPT -p tcp\n' },
    title: "Enable the rule (remove '|')",
    after: '[RULES]\nIN ACCEPT -p tcp\n',
  },
  {
    name: '0.0.0.0/32 meant as "any"',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -source 0.0.0.0/32$0 -p tcp\n' },
    title: "Remove '-source 0.0.0.0/32'",
    after: '[RULES]\nIN ACCEPT -p tcp\n',
  },
  {
    name: 'the case of a GROUP reference',
    files: { 'firewall/cluster.fw': '[group web]\nIN HTTP(ACCEPT)\n[RULES]\nGROUP W$0eb\n' },
    title: "Write 'web'",
    after: '[group web]\nIN HTTP(ACCEPT)\n[RULES]\nGROUP web\n',
  },
  {
    name: 'an ipset written without "+" (an alias is looked up)',
    files: {
      'firewall/cluster.fw':
        '[IPSET mgmt_net]\n10.0.0.0/24\n[RULES]\nIN ACCEPT -source mgmt$0_net\n',
    },
    title: "Write '+mgmt_net'",
    after: '[IPSET mgmt_net]\n10.0.0.0/24\n[RULES]\nIN ACCEPT -source +mgmt_net\n',
    fixes: 'undefined-alias',
  },
  {
    name: 'an alias written with "+" (an ipset is looked up)',
    files: {
      'firewall/cluster.fw': '[ALIASES]\nweb 10.0.0.5\n[RULES]\nIN ACCEPT -source +w$0eb\n',
    },
    title: "Write 'web'",
    after: '[ALIASES]\nweb 10.0.0.5\n[RULES]\nIN ACCEPT -source web\n',
    fixes: 'undefined-ipset',
  },
  {
    name: 'a dc/ scope for a set of the guest itself (found when Proxmox compiles)',
    files: {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
      'firewall/100.fw': '[IPSET local1]\n10.5.0.0/24\n[RULES]\nIN ACCEPT -source +dc/lo$0cal1\n',
    },
    title: "Write '+guest/local1'",
    after: '[IPSET local1]\n10.5.0.0/24\n[RULES]\nIN ACCEPT -source +guest/local1\n',
    findings: (text) => [
      {
        ...finding('skipped-by-proxmox', text.indexOf('IN ACCEPT'), []),
        message: "no such ipset 'local1' (at compile time)",
      },
    ],
  },
  {
    name: 'LOG is no action: log on a rule that decides',
    files: { 'firewall/100.fw': '[RULES]\nIN L$0OG -p tcp -dport 22 # audit\n' },
    title: 'Write DROP -log info',
    after: '[RULES]\nIN DROP -p tcp -dport 22 -log info # audit\n',
    fixes: 'invalid-action',
  },
  {
    name: 'a security group given as an option becomes a GROUP rule',
    files: {
      'firewall/100.fw':
        '[OPTIONS]\nenable: 1\nfirewall_group: web$0servers\n\n[RULES]\nIN ACCEPT -p tcp\n',
    },
    title: "Apply the group with 'GROUP webservers'",
    after: '[OPTIONS]\nenable: 1\n\n[RULES]\n\nGROUP webservers\nIN ACCEPT -p tcp\n',
    fixes: 'invalid-option',
  },
  {
    name: 'a lock-out of this machine: accept it first',
    files: {
      'firewall/cluster.fw':
        '[OPTIONS]\nenable: 1\npolicy_in: D$0ROP\n\n[RULES]\nIN ACCEPT -p tcp -dport 80\n',
    },
    title: 'Accept 10.20.0.7 on tcp 8006 and 22 first',
    after:
      '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[RULES]\nIN ACCEPT -source 10.20.0.7 -p tcp -dport 8006,22\nIN ACCEPT -p tcp -dport 80\n',
    findings: (text) => [
      {
        ...finding('management-lockout', text.indexOf('policy_in'), []),
        message: 'this locks 10.20.0.7 (this machine) out of the web UI (tcp 8006) of pve1',
      },
    ],
  },
  {
    name: 'policy_out DROP: let DNS, NTP and updates out',
    files: { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\npolicy_out: D$0ROP\n' },
    title: 'Let the nodes reach DNS, NTP and package updates',
    after:
      '[OPTIONS]\nenable: 1\npolicy_out: DROP\n\n[RULES]\nOUT DNS(ACCEPT)\nOUT NTP(ACCEPT)\nOUT ACCEPT -p tcp -dport 80,443\n',
    findings: (text) => [finding('outbound-blocked', text.indexOf('policy_out'), [])],
  },
  {
    name: 'an unused ipset is deleted with its entries',
    files: {
      'firewall/cluster.fw': '[IPSET old$0_backup]\n10.9.8.0/24\n\n[RULES]\nIN ACCEPT -p tcp\n',
    },
    title: 'Delete the unused ipset old_backup and its lines',
    after: '[RULES]\nIN ACCEPT -p tcp\n',
    findings: (text) => [
      {
        ...finding('unused-definition', text.indexOf('old_backup'), []),
        message: "ipset 'old_backup' is never used in any file of this cluster",
      },
    ],
  },
  {
    name: 'a redundant rule is deleted',
    files: { 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p tcp\nIN ACCEPT -p tcp -dport 22$0\n' },
    title: 'Delete the redundant rule',
    after: '[RULES]\nIN ACCEPT -p tcp\n',
    findings: (text) => [finding('redundant-rule', text.indexOf('IN ACCEPT -p tcp -dport'), [])],
  },
  {
    name: 'a shadowed rule moves above its blockers',
    files: { 'firewall/cluster.fw': '[RULES]\nIN DROP -p tcp\nIN ACCEPT -p tcp -dport 22$0\n' },
    title: 'Move the rule above the rules that shadow it (line 2)',
    after: '[RULES]\nIN ACCEPT -p tcp -dport 22\nIN DROP -p tcp\n',
    findings: (text, path) => [
      finding('shadowed-rule', text.indexOf('IN ACCEPT'), [
        { path, start: text.indexOf('IN DROP') },
      ]),
    ],
  },
];

function finding(
  code: DiagnosticCode,
  start: number,
  related: { path: string; start: number }[],
): Finding {
  return {
    code,
    severity: 'warning',
    message: code,
    span: { start, end: start + 2 },
    proxmox: null,
    related: related.map((r) => ({
      path: r.path,
      span: { start: r.start, end: r.start + 2 },
      message: 'blocker',
    })),
  };
}

for (const c of CASES) {
  test(`code action: ${c.name}`, () => {
    const { ws, fileId, offset, texts } = fixture(c.files);
    const text = texts[fileId]!;
    const kind = ws.file(fileId)!.kind;
    const findings = [
      ...checkFile({ path: fileId, text }, kind),
      ...(c.findings?.(text, fileId) ?? []),
    ];
    const actions = codeActionsAt(ws, fileId, { start: offset, end: offset }, findings);
    const action = actions.find((a) => a.title.startsWith(c.title));
    assert.ok(action, `offered: ${actions.map((a) => a.title).join(' | ') || 'nothing'}`);
    if (c.fixes) assert.equal(action.fixes?.code, c.fixes);
    const after = applyFileEdits(texts, action.edits)[fileId]!;
    assert.equal(after, c.after);
    if (c.fixes) {
      const again = checkFile({ path: fileId, text: after }, kind).map((f) => f.code);
      assert.ok(!again.includes(c.fixes), `still reported: ${again.join(', ')}`);
    }
  });
}

test('code action: a fix that would break something else is not offered', () => {
  // Moving [IPSET web] up would put its alias entry above the alias: a new error there.
  const { ws, fileId, offset, texts } = fixture({
    'firewall/cluster.fw':
      '[RULES]\nIN ACCEPT -source +w$0eb\n[ALIASES]\ngw 10.0.0.1\n[IPSET web]\ngw\n',
  });
  const findings = checkFile({ path: fileId, text: texts[fileId]! }, 'cluster');
  const titles = codeActionsAt(ws, fileId, { start: offset, end: offset }, findings).map(
    (a) => a.title,
  );
  assert.deepEqual(
    titles.filter((t) => t.startsWith('Move')),
    [],
  );
});

/** The cluster model of a fixture's texts: node pve1 with its host.fw, guest 100 if given. */
function model(t: Readonly<Record<string, string>>) {
  const guest = t['firewall/100.fw'];
  return buildClusterModel({
    cluster: { path: 'firewall/cluster.fw', text: t['firewall/cluster.fw']! },
    hosts: [{ node: 'pve1', file: { path: 'nodes/pve1/host.fw', text: t['nodes/pve1/host.fw']! } }],
    guests:
      guest !== undefined ? [{ vmid: 100, file: { path: 'firewall/100.fw', text: guest } }] : [],
    world: 'assumed',
  });
}

test('code action: a mixed-case ipset is written in lower case in its header and every reference, so both backends find it', () => {
  const files = {
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\n\n[IPSET Web]\n10.0.0.1\n\n[RULES]\nIN ACCEPT -source +w$0eb -p tcp\n',
    'firewall/100.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -source +dc/Web -p tcp\n',
    'nodes/pve1/host.fw': '[OPTIONS]\nnftables: 1\n',
  };
  const { ws, fileId, offset, texts } = fixture(files);
  const before = checkCluster(model(texts));
  // pve-firewall finds +web ([IPSET Web] is stored as web), proxmox-firewall does not.
  const differs = before.get(fileId)!.filter((f) => f.code === 'nftables-differs');
  assert.equal(differs.length, 1);
  const actions = codeActionsAt(ws, fileId, { start: offset, end: offset }, differs);
  const action = actions.find((a) => a.title.startsWith("Write 'web' in [IPSET web] and every"));
  assert.ok(action, `offered: ${actions.map((a) => a.title).join(' | ') || 'nothing'}`);
  const after = applyFileEdits(texts, action.edits);
  assert.equal(
    after['firewall/cluster.fw'],
    '[OPTIONS]\nenable: 1\n\n[IPSET web]\n10.0.0.1\n\n[RULES]\nIN ACCEPT -source +web -p tcp\n',
  );
  assert.equal(
    after['firewall/100.fw'],
    '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -source +dc/web -p tcp\n',
  );
  // Afterwards neither backend skips anything.
  const again = [...checkCluster(model(after)).values()].flat().map((f) => f.code);
  for (const code of [
    'undefined-ipset',
    'nftables-differs',
    'nftables-skips',
    'skipped-by-proxmox',
  ] as const)
    assert.ok(!again.includes(code), `still reported: ${code}`);
});

test('code action: GROUP web with [group Web] fails the nftables update; the fix lower-cases the header and the rules', () => {
  const files = {
    'firewall/cluster.fw':
      '[OPTIONS]\nenable: 1\n\n[group Web]\nIN ACCEPT -p tcp -dport 80\n\n[RULES]\nGROUP w$0eb\n',
    'nodes/pve1/host.fw': '[OPTIONS]\nnftables: 1\n',
  };
  const { ws, fileId, offset, texts } = fixture(files);
  const found = checkCluster(model(texts)).get(fileId)!;
  const error = found.find((f) => f.code === 'nftables-update-error');
  assert.ok(error, found.map((f) => f.code).join(', '));
  assert.match(error.message, /jump group-web-in: no such chain/);
  const action = codeActionsAt(ws, fileId, { start: offset, end: offset }, [error]).find((a) =>
    a.title.startsWith("Write 'web' in [group web] and every reference"),
  );
  assert.ok(action);
  const after = applyFileEdits(texts, action.edits)['firewall/cluster.fw']!;
  assert.equal(
    after,
    '[OPTIONS]\nenable: 1\n\n[group web]\nIN ACCEPT -p tcp -dport 80\n\n[RULES]\nGROUP web\n',
  );
  const again = [...checkCluster(model({ ...texts, 'firewall/cluster.fw': after })).values()]
    .flat()
    .map((f) => f.code);
  assert.ok(!again.includes('nftables-update-error'));
});
