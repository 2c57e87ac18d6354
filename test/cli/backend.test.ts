// `--backend iptables|nftables` end to end: the bundled CLI on folders whose nodes are unknown
// (no host.fw), and a node whose host.fw says nftables: 1.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI, assertUsageFailure, cleanup, makeTree, pvefw } from './helpers';

const temps: string[] = [];
function tree(files: Readonly<Record<string, string>>): string {
  const root = makeTree(files);
  temps.push(root);
  return root;
}

before(() => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
});
after(() => temps.forEach(cleanup));

const CLUSTER = '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -dport 2222\nIN DROP\n';

test('check --backend nftables: proxmox-firewall reads the file too; iptables (default) does not', () => {
  const root = tree({ 'firewall/cluster.fw': CLUSTER });
  const nft = pvefw(['check', '--backend', 'nftables', root], root);
  assert.match(nft.stdout, /nftables-differs: proxmox-firewall drops -dport\/-sport without -p/);
  const ipt = pvefw(['check', root], root);
  assert.doesNotMatch(ipt.stdout, /nftables-/);
});

test('check --backend nftables on a lone file: a line that fails the file is an error', () => {
  const root = tree({ 'web/cluster.fw': '[OPTIONS]\nenable: 1 # on\n' });
  const r = pvefw(['check', '--backend', 'nftables', join(root, 'web', 'cluster.fw')], root);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /error nftables-load-error: invalid value: string "1 # on"/);
});

test("simulate: a node with nftables: 1 walks proxmox-firewall's table; --backend for unknown nodes", () => {
  const root = tree({
    'firewall/cluster.fw': CLUSTER,
    'nodes/pve1/host.fw': '[OPTIONS]\nnftables: 1\n',
  });
  const args = ['--from', 'outside', '--to', 'host', '--proto', 'udp', '--dport', '9999'];
  const nft = pvefw(['simulate', root, ...args, '--dest', '192.0.2.2'], root);
  assert.match(
    nft.stdout,
    /^proxmox-firewall \(nftables\) on node 'pve1', hooks inet input: ACCEPT/,
  );
  const flat = tree({ 'cluster.fw': CLUSTER });
  const unknown = pvefw(
    ['simulate', flat, ...args, '--dest', '192.0.2.2', '--backend', 'nftables'],
    flat,
  );
  assert.match(unknown.stdout, /hooks inet input: ACCEPT/);
  assert.match(unknown.stdout, /--backend nftables says it runs proxmox-firewall/);
  const perl = pvefw(['simulate', flat, ...args, '--dest', '192.0.2.2'], flat);
  assert.match(perl.stdout, /^DROP/);
});

test('--backend takes iptables or nftables only', () => {
  const root = tree({ 'firewall/cluster.fw': CLUSTER });
  assertUsageFailure(
    pvefw(['check', '--backend', 'ebtables', root], root),
    /invalid --backend 'ebtables'/,
  );
  assertUsageFailure(
    pvefw(['simulate', root, '--from', 'outside', '--to', 'host', '--backend', 'x'], root),
    /invalid --backend 'x'/,
  );
});

test('simulate on an nftables node: guest zones walk the bridge table (REJECT to a guest is a DROP)', () => {
  const root = tree({
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
    'firewall/100.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN REJECT -p tcp -dport 22\n',
    'nodes/pve1/host.fw': '[OPTIONS]\nnftables: 1\n',
  });
  const r = pvefw(['simulate', root, '--from', 'outside', '--to', 'vm100', '--dport', '22'], root);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /^proxmox-firewall \(nftables\) on node 'pve1', hooks bridge prerouting, bridge forward, bridge postrouting: DROP/,
  );
  assert.match(r.stdout, /guest-100-in #\d+: .*→ drop \[firewall\/100\.fw:5\]/);
});
