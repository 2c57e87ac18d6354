// What each API call does to the stored configuration, as pve-firewall's handlers do it: the plan
// predicts every list after every call from this, and sends the digest of that prediction with
// the next call. A wrong prediction makes Proxmox refuse the push halfway (a digest mismatch).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxmoxConf, ProxmoxRule } from '../../../server/src/core/model/proxmox-conf';
import { applyToConf, applyToRules } from '../../../server/src/core/plan/apply-action';
import type { ModelRule } from '../../../server/src/core/plan/remote-model';

const NOW = 1_700_000_000;

test('enable: the cluster stores a time stamp for enable>1, the others 0 or 1', () => {
  const cluster: ProxmoxConf = { options: {} };
  applyToConf(cluster, 'cluster', { type: 'options-set', set: { enable: 2 }, delete: [] }, NOW);
  assert.equal(cluster.options!['enable'], NOW);
  applyToConf(cluster, 'cluster', { type: 'options-set', set: { enable: 1 }, delete: [] }, NOW);
  assert.equal(cluster.options!['enable'], 1);
  const guest: ProxmoxConf = { options: { policy_in: 'DROP', log_level_in: 'info' } };
  applyToConf(
    guest,
    'guest',
    { type: 'options-set', set: { enable: 5, dhcp: 1 }, delete: ['log_level_in'] },
    NOW,
  );
  assert.deepEqual(guest.options, { policy_in: 'DROP', enable: 1, dhcp: 1 });
  applyToConf(guest, 'guest', { type: 'options-set', set: { enable: 0 }, delete: [] }, NOW);
  assert.equal(guest.options['enable'], 0);
});

test('ipset entries: added first, updated in place (nomatch and comment set or cleared), deleted', () => {
  const conf: ProxmoxConf = { ipset: { lan: [{ cidr: '10.0.0.0/8' }] } };
  applyToConf(conf, 'cluster', { type: 'entry-add', set: 'lan', entry: { cidr: '192.0.2.0/24' } });
  assert.deepEqual(conf.ipset!['lan'], [{ cidr: '192.0.2.0/24' }, { cidr: '10.0.0.0/8' }]);
  applyToConf(conf, 'cluster', {
    type: 'entry-update',
    set: 'lan',
    entry: { cidr: '10.0.0.0/8', nomatch: 1, comment: 'not here' },
  });
  assert.deepEqual(conf.ipset!['lan'][1], { cidr: '10.0.0.0/8', nomatch: 1, comment: 'not here' });
  applyToConf(conf, 'cluster', { type: 'entry-update', set: 'lan', entry: { cidr: '10.0.0.0/8' } });
  assert.deepEqual(conf.ipset!['lan'][1], { cidr: '10.0.0.0/8' });
  // An entry that is gone changes nothing.
  applyToConf(conf, 'cluster', { type: 'entry-update', set: 'lan', entry: { cidr: '1.1.1.1' } });
  applyToConf(conf, 'cluster', { type: 'entry-delete', set: 'lan', cidr: '192.0.2.0/24' });
  assert.deepEqual(conf.ipset!['lan'], [{ cidr: '10.0.0.0/8' }]);
});

test('ipsets and groups: created empty with their comment, commented, deleted with it', () => {
  const conf: ProxmoxConf = {};
  applyToConf(conf, 'cluster', { type: 'ipset-create', name: 'a' });
  applyToConf(conf, 'cluster', { type: 'ipset-create', name: 'b', comment: 'staff' });
  assert.deepEqual(conf.ipset, { a: [], b: [] });
  assert.deepEqual(conf.ipset_comments, { b: 'staff' });
  applyToConf(conf, 'cluster', { type: 'ipset-comment', name: 'a', comment: 'lab' });
  applyToConf(conf, 'cluster', { type: 'ipset-delete', name: 'b' });
  assert.deepEqual(conf.ipset, { a: [] });
  assert.deepEqual(conf.ipset_comments, { a: 'lab' });
  applyToConf(conf, 'cluster', { type: 'group-create', name: 'web' });
  applyToConf(conf, 'cluster', { type: 'group-create', name: 'db', comment: 'data' });
  assert.deepEqual(conf.group_comments, { db: 'data' });
  applyToConf(conf, 'cluster', { type: 'group-comment', name: 'web', comment: 'front' });
  applyToConf(conf, 'cluster', { type: 'group-delete', name: 'db' });
  assert.deepEqual(conf.group_comments, { web: 'front' });
});

test('aliases: kept under the lower-cased name, as written, an empty comment dropped', () => {
  const conf: ProxmoxConf = {};
  applyToConf(conf, 'cluster', {
    type: 'alias-create',
    alias: { name: 'GW', cidr: '10.0.0.1', comment: '' },
  });
  assert.deepEqual(conf.aliases, { gw: { name: 'GW', cidr: '10.0.0.1' } });
  applyToConf(conf, 'cluster', {
    type: 'alias-update',
    alias: { name: 'GW', cidr: '10.0.0.2', comment: 'router' },
  });
  assert.deepEqual(conf.aliases, { gw: { name: 'GW', cidr: '10.0.0.2', comment: 'router' } });
  applyToConf(conf, 'cluster', { type: 'alias-delete', name: 'Gw' });
  assert.deepEqual(conf.aliases, {});
});

const rule = (dport: string): ProxmoxRule => ({
  type: 'in',
  action: 'ACCEPT',
  enable: 1,
  proto: 'tcp',
  dport,
});
const list = (...ports: string[]): ModelRule[] => ports.map((p, tag) => ({ rule: rule(p), tag }));
const ports = (rules: ModelRule[]): (string | undefined)[] => rules.map((r) => r.rule.dport);
const wrap = (r: ProxmoxRule): ModelRule => ({ rule: r, tag: 99 });
const rules = { list: 'rules' } as const;

test('rule moves as Rules.pm does them: before the rule at moveto, so down lands one short', () => {
  const move = (pos: number, moveto: number): (string | undefined)[] => {
    const l = list('1', '2', '3', '4');
    applyToRules(l, { type: 'rule-move', in: rules, pos, moveto }, wrap);
    return ports(l);
  };
  assert.deepEqual(move(3, 0), ['4', '1', '2', '3']);
  assert.deepEqual(move(0, 2), ['2', '1', '3', '4']);
  assert.deepEqual(move(1, 1), ['1', '2', '3', '4']);
  assert.deepEqual(move(1, 2), ['1', '2', '3', '4']);
  assert.deepEqual(move(0, 9), ['2', '3', '4', '1']);
});

test('rule create, update (fields merged, listed ones deleted) and delete', () => {
  const l = list('1', '2');
  applyToRules(l, { type: 'rule-create', in: rules, rule: rule('0') }, wrap);
  assert.deepEqual(ports(l), ['0', '1', '2']);
  applyToRules(
    l,
    {
      type: 'rule-update',
      in: rules,
      pos: 1,
      set: { comment: 'ssh', dport: '22' },
      delete: ['proto'],
    },
    wrap,
  );
  assert.deepEqual(l[1], {
    rule: { type: 'in', action: 'ACCEPT', enable: 1, dport: '22', comment: 'ssh' },
    tag: 0,
  });
  applyToRules(l, { type: 'rule-delete', in: rules, pos: 0 }, wrap);
  assert.deepEqual(ports(l), ['22', '2']);
});
