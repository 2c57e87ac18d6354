// Which calls of a push send a digest agrees with the simulator's API schema: a call sends one
// exactly where the method declares it, and no parameter the method does not declare.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Action } from '../../server/src/core/plan/operations';
import { requestFor } from '../../server/src/core/plan/requests';
import type { FwFileRef } from '../../server/src/core/plan/fw-files';
import { findRoute } from '../sim/routes';

const REF: FwFileRef = { kind: 'guest', vmid: '100', node: 'pve1', type: 'qemu' };
const rule = { type: 'in', action: 'ACCEPT', enable: 1 as const };
const entry = { cidr: '10.0.0.0/8' };
const ACTIONS: Action[] = [
  { type: 'rule-create', in: { list: 'rules' }, rule },
  { type: 'rule-create', in: { list: 'group', name: 'web' }, rule },
  { type: 'rule-move', in: { list: 'rules' }, pos: 1, moveto: 0 },
  { type: 'rule-update', in: { list: 'rules' }, pos: 0, set: { enable: 1 }, delete: [] },
  { type: 'rule-delete', in: { list: 'group', name: 'web' }, pos: 0 },
  { type: 'entry-add', set: 'office', entry },
  { type: 'entry-update', set: 'office', entry },
  { type: 'entry-delete', set: 'office', cidr: '10.0.0.0/8' },
  { type: 'ipset-create', name: 'office' },
  { type: 'ipset-comment', name: 'office', comment: 'x' },
  { type: 'ipset-delete', name: 'office' },
  { type: 'group-create', name: 'web' },
  { type: 'group-comment', name: 'web', comment: 'x' },
  { type: 'group-delete', name: 'web' },
  { type: 'alias-create', alias: { name: 'a1', cidr: '10.0.0.1' } },
  { type: 'alias-update', alias: { name: 'a1', cidr: '10.0.0.1' } },
  { type: 'alias-delete', name: 'a1' },
  { type: 'options-set', set: { enable: 1 }, delete: [] },
];

test('calls send `digest` exactly where the schema declares the parameter', () => {
  for (const action of ACTIONS) {
    const request = requestFor(REF, action, 'd'.repeat(40));
    const route = findRoute(request.method, request.path);
    assert.ok(route, `${action.type}: ${request.method} ${request.path}`);
    assert.equal('digest' in request.params, 'digest' in route.method.properties, action.type);
    for (const name of Object.keys(request.params))
      assert.ok(name in route.method.properties, `${action.type}: ${name}`);
  }
});
