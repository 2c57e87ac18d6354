// $format_rules writes "|" only for a rule whose enable is defined and false (Firewall.pm
// 3698-3736): a rule hash without enable, as Rules.pm leaves it after PUT delete=enable, is
// written enabled (the simulator of issue 18 found this against Proxmox's own handlers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxmoxRule } from '../../../server/src/core/model/proxmox-conf';
import { formatRule } from '../../../server/src/core/writer/format-rule';

const rule = (fields: Record<string, unknown>): ProxmoxRule =>
  ({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', ...fields }) as ProxmoxRule;

test('"|" only for a defined, false enable', () => {
  assert.equal(formatRule(rule({ enable: 1 }), true), 'IN ACCEPT -p tcp -dport 22\n');
  assert.equal(formatRule(rule({ enable: 0 }), true), '|IN ACCEPT -p tcp -dport 22\n');
  assert.equal(formatRule(rule({}), true), 'IN ACCEPT -p tcp -dport 22\n');
});
