// Walks ../shared/corpus and asserts that our loaded model, in Proxmox's JSON shape, equals the
// `conf` that pve-firewall's own loader returned for each file (how: ../shared/corpus/README.md).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { fileKindFromPath, fileStem } from '../../server/src/core';
import type { FwConfig } from '../../server/src/core/model/fw-config';
import { loadFwConfig } from '../../server/src/core/model/load-config';
import { ProxmoxDies } from '../../server/src/core/model/proxmox-dies';
import { toProxmoxConf } from '../../server/src/core/model/proxmox-conf';
import { parseFwSyntax } from '../../server/src/core/syntax/parse-file';
import { fwFiles, listDirs, readText, sharedCorpusDir } from '../support/corpus';

const corpus = sharedCorpusDir();
const SKIP = corpus ? false : '../shared/corpus is not present in this checkout (CI has it)';

// Proxmox's JSON dump is UTF-8 except edge/cluster-digest/parsed.json, which Perl wrote as
// Latin-1 (its comment 'café' was a character string printed without an encoding layer).
function readJson(path: string): unknown {
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  return JSON.parse(text);
}

function load(
  path: string,
  clusterPath: string | undefined,
): { config: FwConfig; cluster?: FwConfig } {
  const kind = fileKindFromPath(path)!;
  const cluster =
    kind !== 'cluster' && clusterPath && existsSync(clusterPath)
      ? loadFwConfig(parseFwSyntax(readText(clusterPath), 'cluster'), 'cluster', {
          sdnIpSets: new Set(),
        }).config
      : undefined;
  const { config } = loadFwConfig(parseFwSyntax(readText(path), kind), kind, {
    ...(cluster ? { cluster } : {}),
    sdnIpSets: new Set(),
  });
  return { config, ...(cluster ? { cluster } : {}) };
}

function compare(
  label: string,
  path: string,
  clusterPath: string | undefined,
  expected: unknown,
): void {
  const { config, cluster } = load(path, clusterPath);
  const vmid = config.kind === 'guest' ? { vmid: fileStem(path) } : {};
  const got = toProxmoxConf(config, { ...vmid, ...(cluster ? { cluster } : {}) });
  // JSON round trip: our optional keys must be absent, not undefined, exactly as in Proxmox's.
  assert.deepStrictEqual(JSON.parse(JSON.stringify(got)), expected, label);
}

test('upstream corpus: our model equals the conf Proxmox loads', { skip: SKIP }, () => {
  const upstream = join(corpus!, 'upstream');
  let files = 0;
  for (const dir of listDirs(upstream)) {
    for (const path of fwFiles(join(upstream, dir))) {
      const expectation = join(upstream, dir, 'expected', `${basename(path)}.json`);
      if (!existsSync(expectation)) continue;
      const { conf } = readJson(expectation) as { conf: unknown };
      compare(`${dir}/${basename(path)}`, path, join(upstream, dir, 'cluster.fw'), conf);
      files++;
    }
  }
  assert.ok(files >= 34, `expected to compare the upstream files, compared ${files}`);
});

test('edge corpus: our model equals the conf Proxmox loads', { skip: SKIP }, () => {
  const edge = join(corpus!, 'edge');
  let files = 0;
  for (const dir of listDirs(edge)) {
    const parsed = join(edge, dir, 'parsed.json');
    if (!existsSync(parsed)) continue;
    const { conf } = readJson(parsed) as { conf: unknown };
    const target =
      fwFiles(join(edge, dir)).find((p) => /^(host|[0-9]+)\.fw$/.test(basename(p))) ??
      join(edge, dir, 'cluster.fw');
    compare(`edge/${dir}`, target, join(edge, dir, 'cluster.fw'), conf);
    files++;
  }
  assert.ok(files >= 10, `expected to compare the edge cases, compared ${files}`);
});

test(
  'edge corpus: the latin1 dump still carries the UTF-8 comment of the file',
  { skip: SKIP },
  () => {
    const { conf } = readJson(join(corpus!, 'edge', 'cluster-digest', 'parsed.json')) as {
      conf: { rules: { comment?: string }[] };
    };
    assert.equal(conf.rules[0]!.comment, 'café');
  },
);

test(
  'edge corpus: cluster.fw with an invalid log_ratelimit does not load at all',
  { skip: SKIP },
  () => {
    const { config } = load(
      join(corpus!, 'edge', 'cluster-log-ratelimit-invalid', 'cluster.fw'),
      undefined,
    );
    assert.throws(
      () => toProxmoxConf(config),
      (err: unknown) => err instanceof ProxmoxDies && /rate/.test(err.message),
    );
  },
);

test('cluster enable above 1 is a time stamp that decays to 0 after 60 seconds', () => {
  const { config } = loadFwConfig(
    parseFwSyntax('[OPTIONS]\nenable: 1700000000\n', 'cluster'),
    'cluster',
  );
  assert.equal(toProxmoxConf(config, { now: 1700000060 }).options!['enable'], 1700000000);
  assert.equal(toProxmoxConf(config, { now: 1700000061 }).options!['enable'], 0);
});

test('comments Proxmox keeps: a rule keeps an empty one, an ipset entry or alias drops "0"', () => {
  const text =
    '[ALIASES]\na 10.0.0.1 # 0\n[IPSET s1]\n10.0.0.2 # 0\n[RULES]\nIN ACCEPT #\nIN DROP # 0\n';
  const { config } = loadFwConfig(parseFwSyntax(text, 'cluster'), 'cluster');
  const conf = toProxmoxConf(config);
  assert.deepEqual(conf.aliases, { a: { name: 'a', cidr: '10.0.0.1', ipversion: 4 } });
  assert.deepEqual(conf.ipset, { s1: [{ cidr: '10.0.0.2' }] });
  assert.deepEqual(
    conf.rules!.map((r) => r.comment),
    ['', '0'],
  );
});

test('an ipset line that is not one token takes nomatch from the stale Perl capture', () => {
  const text = '[IPSET s1]\na b\nc d # note\ne f #\n';
  const { config } = loadFwConfig(parseFwSyntax(text, 'cluster'), 'cluster');
  const error = { cidr: 'value does not look like a valid IP address or CIDR network' };
  assert.deepEqual(toProxmoxConf(config).ipset, {
    s1: [
      { cidr: null, nomatch: 1, errors: error },
      { cidr: null, nomatch: 1, comment: 'note', errors: error },
      { cidr: null, errors: error },
    ],
  });
});

test('host.fw gets empty aliases/ipset only when a rule lookup autovivifies them', () => {
  const cluster = loadFwConfig(
    parseFwSyntax('[ALIASES]\nca 10.0.0.1\n[IPSET cs]\n10.0.0.2\n', 'cluster'),
    'cluster',
  ).config;
  const conf = (rules: string) =>
    toProxmoxConf(
      loadFwConfig(parseFwSyntax(`[RULES]\n${rules}\n`, 'host'), 'host', { cluster }).config,
      { cluster },
    );
  assert.deepEqual(Object.keys(conf('IN ACCEPT -source +cs -dest dc/ca')).sort(), [
    'options',
    'rules',
  ]);
  assert.deepEqual(Object.keys(conf('IN ACCEPT -source ca')).sort(), [
    'aliases',
    'options',
    'rules',
  ]);
  assert.deepEqual(Object.keys(conf('IN ACCEPT -source +nope')).sort(), [
    'ipset',
    'options',
    'rules',
  ]);
  // A rule that dies on the alias's family is dropped, but its lookup happened first.
  assert.deepEqual(Object.keys(conf('IN ACCEPT -p icmpv6 -source ca')).sort(), [
    'aliases',
    'options',
    'rules',
  ]);
});
