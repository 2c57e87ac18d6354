// The HTTP call each planned action becomes: method, path and parameters exactly as
// pve-firewall's API takes them (src/PVE/API2/Firewall/*.pm), and which calls Proxmox checks the
// digest of (assert_if_modified). test/sim/schema.test.ts checks the routes and which calls send
// a digest against the API schema; this file checks what is sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FwFileRef } from '../../../server/src/core/plan/fw-files';
import type { Action, ApiRequest } from '../../../server/src/core/plan/operations';
import { digestChecked, requestFor } from '../../../server/src/core/plan/requests';

const GUEST: FwFileRef = { kind: 'guest', vmid: '100', node: 'pve1', type: 'lxc' };
const CLUSTER: FwFileRef = { kind: 'cluster' };
const D = 'd'.repeat(40);
const G = '/nodes/pve1/lxc/100/firewall';

const rule = {
  type: 'in',
  action: 'ACCEPT',
  enable: 0 as const,
  proto: 'tcp',
  dport: '22',
  source: '+mgmt',
  comment: 'ssh',
};

const CASES: { action: Action; ref?: FwFileRef; request: ApiRequest; checked: boolean }[] = [
  {
    action: { type: 'rule-create', in: { list: 'rules' }, rule },
    // Every field the rule has, in the API's names; none it lacks (no `macro: undefined`).
    request: {
      method: 'POST',
      path: `${G}/rules`,
      params: {
        type: 'in',
        action: 'ACCEPT',
        source: '+mgmt',
        proto: 'tcp',
        dport: '22',
        comment: 'ssh',
        enable: 0,
        digest: D,
      },
    },
    checked: false,
  },
  {
    action: { type: 'rule-create', in: { list: 'group', name: 'web' }, rule: { ...rule } },
    ref: CLUSTER,
    request: {
      method: 'POST',
      path: '/cluster/firewall/groups/web',
      params: {
        type: 'in',
        action: 'ACCEPT',
        source: '+mgmt',
        proto: 'tcp',
        dport: '22',
        comment: 'ssh',
        enable: 0,
        digest: D,
      },
    },
    checked: false,
  },
  {
    action: { type: 'rule-move', in: { list: 'rules' }, pos: 3, moveto: 1 },
    request: { method: 'PUT', path: `${G}/rules/3`, params: { moveto: 1, digest: D } },
    checked: true,
  },
  {
    action: {
      type: 'rule-update',
      in: { list: 'group', name: 'web' },
      pos: 2,
      set: { enable: 1, dport: '443' },
      delete: ['comment', 'log'],
    },
    ref: CLUSTER,
    request: {
      method: 'PUT',
      path: '/cluster/firewall/groups/web/2',
      params: { enable: 1, dport: '443', delete: 'comment,log', digest: D },
    },
    checked: true,
  },
  {
    // Nothing to delete: no empty `delete` parameter.
    action: { type: 'rule-update', in: { list: 'rules' }, pos: 0, set: { enable: 1 }, delete: [] },
    request: { method: 'PUT', path: `${G}/rules/0`, params: { enable: 1, digest: D } },
    checked: true,
  },
  {
    action: { type: 'rule-delete', in: { list: 'rules' }, pos: 4 },
    request: { method: 'DELETE', path: `${G}/rules/4`, params: { digest: D } },
    checked: true,
  },
  {
    // POST .../ipset/{name} has no digest parameter: the add is checked by the next call's digest.
    action: {
      type: 'entry-add',
      set: 'office',
      entry: { cidr: '10.0.0.0/8', nomatch: 1, comment: 'not the lab' },
    },
    request: {
      method: 'POST',
      path: `${G}/ipset/office`,
      params: { cidr: '10.0.0.0/8', nomatch: 1, comment: 'not the lab' },
    },
    checked: false,
  },
  {
    action: { type: 'entry-add', set: 'office', entry: { cidr: '10.1.0.0/16' } },
    request: { method: 'POST', path: `${G}/ipset/office`, params: { cidr: '10.1.0.0/16' } },
    checked: false,
  },
  {
    // The {cidr} keeps its "/": the API reads the rest of the path.
    action: { type: 'entry-update', set: 'office', entry: { cidr: '10.0.0.0/8', comment: '' } },
    request: {
      method: 'PUT',
      path: `${G}/ipset/office/10.0.0.0/8`,
      params: { comment: '', digest: D },
    },
    checked: true,
  },
  {
    action: { type: 'entry-delete', set: 'office', cidr: 'fd00::/8' },
    request: { method: 'DELETE', path: `${G}/ipset/office/fd00::/8`, params: { digest: D } },
    checked: true,
  },
  {
    action: { type: 'ipset-create', name: 'office', comment: 'staff' },
    request: {
      method: 'POST',
      path: `${G}/ipset`,
      params: { name: 'office', comment: 'staff', digest: D },
    },
    checked: false,
  },
  {
    action: { type: 'ipset-create', name: 'office' },
    request: { method: 'POST', path: `${G}/ipset`, params: { name: 'office', digest: D } },
    checked: false,
  },
  {
    action: { type: 'ipset-comment', name: 'office', comment: 'staff' },
    request: {
      method: 'POST',
      path: `${G}/ipset`,
      params: { name: 'office', rename: 'office', comment: 'staff', digest: D },
    },
    checked: true,
  },
  {
    // Never `force` and no digest: Proxmox refuses to delete a set someone has added to.
    action: { type: 'ipset-delete', name: 'office' },
    request: { method: 'DELETE', path: `${G}/ipset/office`, params: {} },
    checked: false,
  },
  {
    action: { type: 'group-create', name: 'web', comment: 'web servers' },
    ref: CLUSTER,
    request: {
      method: 'POST',
      path: '/cluster/firewall/groups',
      params: { group: 'web', comment: 'web servers', digest: D },
    },
    checked: false,
  },
  {
    action: { type: 'group-comment', name: 'web', comment: 'web servers' },
    ref: CLUSTER,
    request: {
      method: 'POST',
      path: '/cluster/firewall/groups',
      params: { group: 'web', rename: 'web', comment: 'web servers', digest: D },
    },
    checked: true,
  },
  {
    action: { type: 'group-delete', name: 'web' },
    ref: CLUSTER,
    request: { method: 'DELETE', path: '/cluster/firewall/groups/web', params: {} },
    checked: false,
  },
  {
    action: { type: 'alias-create', alias: { name: 'gw', cidr: '10.0.0.1', comment: 'router' } },
    request: {
      method: 'POST',
      path: `${G}/aliases`,
      params: { name: 'gw', cidr: '10.0.0.1', comment: 'router' },
    },
    checked: false,
  },
  {
    action: { type: 'alias-update', alias: { name: 'gw', cidr: '10.0.0.2' } },
    request: { method: 'PUT', path: `${G}/aliases/gw`, params: { cidr: '10.0.0.2', digest: D } },
    checked: true,
  },
  {
    action: { type: 'alias-delete', name: 'gw' },
    request: { method: 'DELETE', path: `${G}/aliases/gw`, params: { digest: D } },
    checked: true,
  },
  {
    action: { type: 'options-set', set: { enable: 1 }, delete: ['policy_in', 'log_level_in'] },
    ref: CLUSTER,
    request: {
      method: 'PUT',
      path: '/cluster/firewall/options',
      params: { enable: 1, delete: 'policy_in,log_level_in', digest: D },
    },
    checked: true,
  },
  {
    action: { type: 'options-set', set: { policy_in: 'DROP' }, delete: [] },
    request: { method: 'PUT', path: `${G}/options`, params: { policy_in: 'DROP', digest: D } },
    checked: true,
  },
];

test('each action is the API call Proxmox takes for it', () => {
  for (const { action, ref, request } of CASES)
    assert.deepEqual(requestFor(ref ?? GUEST, action, D), request, JSON.stringify(action));
});

test('the calls whose digest Proxmox checks: a push reads the digest again after the others', () => {
  for (const { action, checked } of CASES)
    assert.equal(digestChecked(action), checked, JSON.stringify(action));
});
