// What we add to Proxmox's cryptic "unable to parse rule parameters" message: which mistake
// the rest of the line shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFile } from '../../server/src/core';

function hintOf(rule: string): string | undefined {
  const text = `[RULES]\n${rule}\n`;
  const findings = checkFile({ path: '100.fw', text }, 'guest');
  const f = findings.find((x) => x.code === 'unparsable-rule-parameters');
  assert.ok(f, `no unparsable-rule-parameters finding for ${rule}`);
  return f.hint;
}

test('rule parameter hints name the mistake', () => {
  for (const [rule, hint] of [
    ['IN ACCEPT -p  tcp', /^exactly one space must separate an option from its value\./],
    ['IN ACCEPT -p tcp --dport\t22', /^exactly one space must separate/],
    ['IN ACCEPT -p tcp -dport', /^the option has no value\./],
    ['IN ACCEPT -source', /^the option has no value\./],
    ['IN ACCEPT -log INFO', /^log levels are lower case/],
    ['IN ACCEPT -x 1', /^Proxmox does not know this option/],
    ['IN ACCEPT -dports 22', /^Proxmox does not know this option/],
    ['IN ACCEPT -x  1', /^Proxmox does not know this option/],
  ] as const)
    assert.match(hintOf(rule) ?? '', hint, rule);
});
