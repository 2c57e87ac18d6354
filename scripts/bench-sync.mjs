#!/usr/bin/env node
// Plan and push against the API simulator for a cluster of 2,000 rules over 50 guests (plus
// cluster rules, groups and a 1,000-entry ipset): prints the calls and the time of each step.
// Needs `npm run build` first (it loads out/). Reports only; never fails on a figure.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
if (!existsSync(join(out, 'test', 'sync', 'harness.js'))) {
  console.error('bench-sync: out/ is missing; run `npm run build` first');
  process.exit(1);
}
const require = createRequire(import.meta.url);
const { syncHarness } = require(join(out, 'test/sync/harness.js'));
const { editFile } = require(join(out, 'test/sync/edit.js'));
const { pull } = require(join(out, 'server/src/cluster/pull.js'));
const { planWorkspace } = require(join(out, 'server/src/cluster/plan-workspace.js'));
const { pushWorkspace } = require(join(out, 'server/src/cluster/push-workspace.js'));

const GUESTS = 50;
const GUEST_RULES = 30; // 50 x 30 = 1,500
const CLUSTER_RULES = 400;
const GROUP_RULES = 20; // 5 groups x 20 = 100
const nodes = {
  pve1: { ip: '192.0.2.11' },
  pve2: { ip: '192.0.2.12' },
  pve3: { ip: '192.0.2.13' },
};

const ruleLine = (i, prefix) =>
  `IN ACCEPT -source 10.${(i >> 8) & 255}.${i & 255}.0/24 -p tcp -dport ${1000 + (i % 60000)} # ${prefix} ${i}`;
const files = {};
let cluster = '[OPTIONS]\n\nenable: 1\n\n[IPSET big]\n\n';
for (let i = 0; i < 1000; i++) cluster += `172.${16 + (i >> 8)}.${i & 255}.0/24\n`;
cluster += '\n[RULES]\n\n';
for (let i = 0; i < CLUSTER_RULES; i++) cluster += `${ruleLine(i, 'cluster')}\n`;
for (let g = 0; g < 5; g++) {
  cluster += `\n[group g${g}]\n\n`;
  for (let i = 0; i < GROUP_RULES; i++) cluster += `${ruleLine(i, `group ${g}`)}\n`;
}
files['firewall/cluster.fw'] = cluster;
const guests = [];
for (let n = 0; n < GUESTS; n++) {
  const vmid = String(100 + n);
  const node = `pve${(n % 3) + 1}`;
  guests.push({
    vmid,
    node,
    type: 'qemu',
    config: `name: vm${vmid}\nnet0: virtio=BC:24:11:00:${String(n).padStart(2, '0')}:01,bridge=vmbr0,firewall=1\n`,
  });
  let text = '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nGROUP g1 -i net0\n';
  for (let i = 1; i < GUEST_RULES; i++) text += `${ruleLine(i, `vm ${vmid}`)}\n`;
  files[`firewall/${vmid}.fw`] = text;
}

const time = async (label, fn) => {
  const started = performance.now();
  const result = await fn();
  return { result, ms: Math.round(performance.now() - started), label };
};

const h = await syncHarness({ files, nodes, guests });
try {
  const reads = () => h.sim.requests.filter((r) => r.method === 'GET').length;
  const writes = () => h.sim.requests.filter((r) => r.method !== 'GET').length;
  const pulled = await time('pull', () => pull(h.ws, h.client));
  console.log(
    `pull:  ${pulled.ms} ms, ${reads()} reads (${GUESTS} guests, ${CLUSTER_RULES + 5 * GROUP_RULES + GUESTS * GUEST_RULES} rules)`,
  );

  const unchanged = await time('plan', () => planWorkspace(h.ws, h.client));
  console.log(
    `plan (unchanged): ${unchanged.ms} ms, ${unchanged.result.plan.operations.length} calls planned`,
  );

  // About 10% of the rules change: in every guest one rule moves, one is edited, one is new and
  // one goes away; in cluster.fw 20 rules move to the top and 20 are deleted; the ipset changes.
  for (let n = 0; n < GUESTS; n++) {
    editFile(h, `firewall/${100 + n}.fw`, (conf) => {
      const rules = conf.rules;
      rules.unshift(rules.pop());
      rules[5].comment = 'edited';
      rules.splice(10, 1);
      rules.splice(3, 0, { type: 'out', action: 'DROP', proto: 'udp', dport: '53', enable: 1 });
    });
  }
  editFile(h, 'firewall/cluster.fw', (conf) => {
    const moved = conf.rules.splice(100, 20);
    conf.rules.splice(200, 20);
    conf.rules.unshift(...moved);
    const set = conf.ipset.big;
    set.splice(0, 50);
    for (let i = 0; i < 50; i++) set.push({ cidr: `198.51.${i}.0/24` });
  });

  const before = { reads: reads(), writes: writes() };
  const planned = await time('plan', () => planWorkspace(h.ws, h.client));
  const ops = planned.result.plan.operations;
  const byType = {};
  for (const op of ops) byType[op.action.type] = (byType[op.action.type] ?? 0) + 1;
  console.log(
    `plan:  ${planned.ms} ms, ${reads() - before.reads} reads, ${ops.length} calls planned ${JSON.stringify(byType)}`,
  );

  const middle = { reads: reads(), writes: writes() };
  const pushed = await time('push', () => pushWorkspace(h.ws, h.client));
  console.log(
    `push:  ${pushed.ms} ms, ${writes() - middle.writes} writes, ${reads() - middle.reads} reads ` +
      `(plan again, digest checks, read-back), outcome ${pushed.result.outcome}`,
  );
  const again = await time('push', () => pushWorkspace(h.ws, h.client));
  console.log(
    `push (unchanged): ${again.ms} ms, outcome ${again.result.outcome}, ${writes() - middle.writes - ops.length} extra writes`,
  );
} finally {
  await h.close();
}
