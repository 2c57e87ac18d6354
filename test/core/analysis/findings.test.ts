// Reachability findings on small workspaces: which lines, which codes, and what the witness says.
// Cases that need only the code and a piece of the message at each line are annotated .fw files in
// test/fixtures/reachability (reachability-fixtures.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AnalysisCancelled,
  buildClusterModel,
  checkReachability,
  checkReachabilityAsync,
  LineIndex,
  type Finding,
} from '../../../server/src/core';

interface Files {
  readonly cluster: string;
  readonly host?: string;
  readonly guests?: Readonly<Record<number, string>>;
}

const ON = '[OPTIONS]\nenable: 1\n';

function run(files: Files): { line: string; code: string; finding: Finding }[] {
  const texts = new Map<string, string>([['cluster.fw', ON + files.cluster]]);
  if (files.host) texts.set('host.fw', files.host);
  for (const [vmid, text] of Object.entries(files.guests ?? {})) texts.set(`${vmid}.fw`, ON + text);
  const found = checkReachability(
    buildClusterModel({
      cluster: { path: 'cluster.fw', text: texts.get('cluster.fw')! },
      hosts: files.host ? [{ node: 'pve1', file: { path: 'host.fw', text: files.host } }] : [],
      guests: Object.keys(files.guests ?? {}).map((vmid) => ({
        vmid: Number(vmid),
        file: { path: `${vmid}.fw`, text: texts.get(`${vmid}.fw`)! },
      })),
      sdnIpSets: [],
    }),
  );
  const out: { line: string; code: string; finding: Finding }[] = [];
  for (const [path, findings] of found) {
    const index = new LineIndex(texts.get(path)!);
    for (const f of findings)
      out.push({
        line: `${path}:${index.positionAt(f.span.start).line + 1}`,
        code: f.code,
        finding: f,
      });
  }
  return out.sort((a, b) => a.line.localeCompare(b.line, 'en', { numeric: true }));
}

const codes = (r: ReturnType<typeof run>): string[] => r.map((x) => `${x.line} ${x.code}`);

test('an earlier ACCEPT shadows a later DROP, with the blocker and a witness packet', () => {
  const r = run({
    cluster: '[RULES]\nIN ACCEPT -p tcp -dport 22\nIN DROP -p tcp -dport 22 -source 10.0.0.5\n',
  });
  assert.deepEqual(codes(r), ['cluster.fw:5 shadowed-rule']);
  const f = r[0]!.finding;
  assert.match(
    f.message,
    /10\.0\.0\.5:\d+ → [\d.]+:22 is accepted by cluster\.fw line 4 instead of dropped/,
  );
  assert.deepEqual(
    f.related.map((x) => x.path),
    ['cluster.fw'],
  );
});

test('names Proxmox cannot resolve at compile time are skipped rules', () => {
  const cluster = '[IPSET dcset]\n10.0.0.0/8\n[ALIASES]\ndcalias 192.168.1.1\n';
  const guest =
    '[RULES]\nIN ACCEPT -source +guest/dcset -p tcp -dport 1\nIN ACCEPT -source guest/dcalias -p tcp -dport 2\nIN ACCEPT -p icmp -dport 300\nGROUP MyMissing\n';
  const r = run({ cluster, guests: { 100: guest } });
  assert.deepEqual(codes(r), [
    '100.fw:4 skipped-by-proxmox',
    '100.fw:5 skipped-by-proxmox',
    '100.fw:6 skipped-by-proxmox',
    '100.fw:7 skipped-by-proxmox',
  ]);
  assert.match(r[0]!.finding.message, /no such ipset 'dcset'/);
});

test('dropping the web UI before the management allowances is a lockout risk', () => {
  const r = run({
    cluster:
      '[RULES]\nIN DROP -p tcp -dport 8006\nIN REJECT -p tcp -dport 22 -source 203.0.113.0/24\n',
  });
  assert.deepEqual(codes(r), ['cluster.fw:4 lockout-risk']);
  const withSet = run({
    cluster:
      '[IPSET management]\n198.51.100.0/24\n[RULES]\nIN REJECT -p tcp -dport 22 -source 198.51.100.7\n',
  });
  assert.deepEqual(codes(withSet), ['cluster.fw:6 lockout-risk']);
  assert.match(withSet[0]!.finding.message, /198\.51\.100\.7/);
});

test('one rule that drops both the web UI and SSH is a lock-out risk for each, once', () => {
  const r = run({
    cluster:
      '[IPSET management]\n198.51.100.0/24\n[RULES]\nIN DROP -p tcp -dport 22,8006 -source 198.51.100.0/25\n',
  });
  assert.deepEqual(codes(r), ['cluster.fw:6 lockout-risk', 'cluster.fw:6 lockout-risk']);
  assert.deepEqual(
    r.map((x) => /TCP port (\d+)/.exec(x.finding.message)?.[1]),
    ['8006', '22'],
  );
});

test('partial overlaps with another verdict are hints only when asked for', () => {
  const cluster =
    '[OPTIONS]\nenable: 1\n[RULES]\nIN DROP -p tcp -dport 80 -source 10.0.0.0/8\nIN ACCEPT -p tcp -dport 80\nIN ACCEPT -p tcp -dport 81:90 -source 10.0.0.0/7\nIN DROP -p tcp -dport 85:95\n';
  const files = buildClusterModel({
    cluster: { path: 'cluster.fw', text: cluster },
    sdnIpSets: [],
  });
  assert.deepEqual(checkReachability(files).get('cluster.fw') ?? [], []);
  const hints = checkReachability(files, { overlapHints: true }).get('cluster.fw') ?? [];
  assert.deepEqual(
    hints.map((h) => [h.code, h.message.split(' rule ')[1]!.split(' ')[0]]),
    [
      ['rule-overlap', 'is'],
      ['rule-overlap', 'partly'],
    ],
  );
  assert.match(hints[0]!.message, /more general than cluster\.fw line 4/);
});

test('the sliced analysis yields, gives the same findings, and stops when cancelled', async () => {
  const rules = Array.from(
    { length: 300 },
    (_, i) => `IN ACCEPT -p tcp -dport ${1000 + (i % 150)}`,
  ).join('\n');
  const files = buildClusterModel({
    cluster: { path: 'cluster.fw', text: `[OPTIONS]\nenable: 1\n[RULES]\n${rules}\n` },
    sdnIpSets: [],
  });
  let yields = 0;
  const sliced = await checkReachabilityAsync(files, {
    sliceMs: 0,
    yieldNow: () => {
      yields++;
      return Promise.resolve();
    },
  });
  assert.ok(yields > 100, `yielded ${yields} times`);
  assert.deepEqual(sliced, checkReachability(files));
  let calls = 0;
  await assert.rejects(
    checkReachabilityAsync(files, {
      yieldNow: () => Promise.resolve(),
      isCancelled: () => ++calls > 5,
    }),
    AnalysisCancelled,
  );
});

test('a live rule whose packets the rules after it give the same verdict is redundant', () => {
  const guest = [
    '[OPTIONS]',
    'policy_in: DROP',
    '[RULES]',
    'IN DROP -p tcp -dport 23', // line 6: the policy drops it anyway
    'IN ACCEPT -p tcp -dport 80', // line 7: line 8 accepts it anyway
    'IN ACCEPT -p tcp -dport 80:90', // line 8: 81-90 would be dropped without it
    'IN DROP -p tcp -dport 5000 -log info', // line 9: removing it loses the log lines
    'OUT ACCEPT -p tcp -dport 443', // line 10: policy_out is ACCEPT
    'OUT DROP -p tcp -dport 444', // line 11
  ].join('\n');
  const r = run({ cluster: '', guests: { 100: guest } });
  assert.deepEqual(codes(r), [
    '100.fw:6 redundant-rule',
    '100.fw:7 redundant-rule',
    '100.fw:10 redundant-rule',
  ]);
  const [policy, later] = [r[0]!.finding, r[1]!.finding];
  assert.match(
    policy.message,
    /^removing this rule changes nothing: .* dropped anyway by .*policy DROP/,
  );
  assert.match(later.message, /accepted anyway by 100\.fw line 8 \(for example IPv4 tcp .*:80\)/);
  assert.deepEqual(
    later.related.map((x) => x.message),
    ['would take its packets if it were removed'],
  );
});

test('a rule whose source is an ipset is found dead like the same addresses written out', () => {
  // The set has no IPv6 member: its IPv6 copy of the rule matches nothing, and must not keep
  // the rule alive (issue 12: found with 10.3.0.0/24 written out, missed with +set3).
  const cluster = '[IPSET set3]\n10.3.0.0/24\n';
  const guest = '[RULES]\nIN DROP -source 10.3.0.0/16\nIN ACCEPT -source +set3 -p tcp -dport 22\n';
  assert.deepEqual(codes(run({ cluster, guests: { 100: guest } })), ['100.fw:5 shadowed-rule']);
  const own = '[IPSET set3]\n10.3.0.0/24\n\n' + guest;
  assert.deepEqual(codes(run({ cluster: '', guests: { 100: own } })), ['100.fw:8 shadowed-rule']);
});

// The analysis reasons about the first packet of each flow. An ICMP message that cannot open a
// connection (an error, a reply) is INVALID to conntrack, and Proxmox's host chains drop it
// before any user rule: a rule for it never matches, and no witness is such a packet.
test('an ICMP error rule in host.fw never matches: conntrack drops INVALID first', () => {
  const r = run({
    cluster: '',
    host: [
      '[RULES]',
      'IN ACCEPT -p icmp -icmp-type destination-unreachable', // line 2
      'IN DROP -p icmp -icmp-type time-exceeded', // line 3
    ].join('\n'),
  });
  // Loopback packets are accepted first, the rest dropped as INVALID.
  assert.deepEqual(codes(r), ['host.fw:2 shadowed-rule', 'host.fw:3 shadowed-rule']);
  assert.match(
    r[0]!.finding.message,
    /is dropped by Proxmox's built-in rule \(conntrack: drop INVALID\) instead of accepted here/,
  );
});

test('a witness is never an ICMP message the kernel drops as INVALID first', () => {
  const r = run({
    cluster: '',
    host: [
      '[RULES]',
      'IN DROP -p icmp -icmp-type echo-request', // line 2
      'IN ACCEPT -p icmp', // line 3
      'IN DROP -p icmp', // line 4
    ].join('\n'),
  });
  assert.deepEqual(codes(r), ['host.fw:4 shadowed-rule']);
  // Line 3 accepts, of the first packets of a flow, the requests other than echo-request.
  assert.match(
    r[0]!.finding.message,
    /for example IPv4 icmp (timestamp-request|type 15|address-mask-request) \S+ → \S+ is accepted by host\.fw line 3/,
  );
});

test('a scope that points at the other file: the skipped rule says which scope resolves', () => {
  const r = run({
    cluster: '[IPSET mgmt_net]\n10.1.0.0/24\n',
    guests: {
      100: '[IPSET local1]\n10.5.0.0/24\n[RULES]\nIN ACCEPT -source +dc/local1 -p tcp\nIN ACCEPT -source +guest/mgmt_net -p tcp\n',
    },
  });
  const skipped = r.filter((x) => x.code === 'skipped-by-proxmox').map((x) => x.finding.message);
  assert.equal(skipped.length, 2);
  assert.match(skipped[0]!, /'dc\/' looks in cluster\.fw only.*write '\+guest\/local1'/);
  assert.match(skipped[1]!, /'guest\/' looks in the guest's own file only.*write '\+dc\/mgmt_net'/);
});

test('lock-out risk: no claim where no allowance is pre-empted, and never a loopback witness', () => {
  // One IPv6 address blacklisted: the IPv6 management set is empty, nothing is pre-empted.
  const blacklist = run({
    cluster: '[IPSET blacklist6]\n2001:db8::66\n[RULES]\nIN REJECT -source +blacklist6\n',
  });
  assert.deepEqual(codes(blacklist), []);
  // Without a known local network the management set is Proxmox's loopback fallback, which
  // '-i lo' accepts first: a witness from it would be false. Dropping SSH from everyone still
  // pre-empts the allowance for the local network, whatever it is, and is said so.
  const host = run({ cluster: '', host: '[RULES]\nIN DROP -p tcp -dport 22\n' });
  assert.deepEqual(codes(host), ['host.fw:2 lockout-risk']);
  assert.doesNotMatch(host[0]!.finding.message, /127\.0\.0\.1/);
  assert.match(host[0]!.finding.message, /every address/);
  // A rule that drops SSH from part of the addresses cannot be said to hit the unknown network.
  const partial = run({
    cluster: '',
    host: '[RULES]\nIN DROP -p tcp -dport 22 -source 10.9.0.0/16\n',
  });
  assert.deepEqual(codes(partial), []);
});

test('the staging trap: a disabled rule says what enabling it would do (issue 17)', () => {
  // Created through the API with --enable 0, a catch-all DROP lands first in its chain.
  const guest = [
    '[OPTIONS]',
    'policy_in: ACCEPT',
    '[RULES]',
    '|IN DROP -p tcp',
    'IN ACCEPT -p tcp -dport 22',
    'IN ACCEPT -p tcp -dport 443 -source 10.0.0.0/8',
    'IN ACCEPT -p udp -dport 53',
  ].join('\n');
  const r = run({ cluster: '', guests: { 100: guest } });
  const staged = r.find((x) => x.code === 'disabled-rule');
  assert.equal(staged?.line, '100.fw:6');
  assert.match(
    staged.finding.message,
    /enabling it would change verdicts: for example IPv4 tcp \S+ → \S+:22, accepted now by 100\.fw line 7, would be dropped here, and 100\.fw line 7, 100\.fw line 8 could then never match/,
  );
  const text = ON + guest;
  assert.deepEqual(
    staged.finding.related.map((x) => x.span.start),
    [text.indexOf('IN ACCEPT -p tcp -dport 22'), text.indexOf('IN ACCEPT -p tcp -dport 443')],
  );
  // A disabled rule whose packets the later rules decide the same way changes nothing.
  const same = run({
    cluster: '',
    guests: { 100: '[OPTIONS]\npolicy_in: DROP\n[RULES]\n|IN DROP -p tcp -dport 23\n' },
  });
  assert.match(
    same.find((x) => x.code === 'disabled-rule')!.finding.message,
    /enabling it would change no verdict/,
  );
});
