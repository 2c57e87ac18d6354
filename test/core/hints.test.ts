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

/** The hint of the first finding with `code` in a guest file checked against `cluster`. */
function guestHint(cluster: string, guest: string, code: string): string | undefined {
  const findings = checkFile({ path: '100.fw', text: guest }, 'guest', {
    cluster: { path: 'cluster.fw', text: cluster },
  });
  const f = findings.find((x) => x.code === code);
  assert.ok(f, `no ${code}: ${findings.map((x) => x.code).join(', ')}`);
  return f.hint;
}

test('what the guides get wrong: the hint says what was meant (issue 17)', () => {
  const cluster = '[ALIASES]\nweb 10.0.0.5\n[IPSET mgmt_net]\n10.1.0.0/24\n';
  assert.match(
    guestHint(cluster, '[RULES]\nIN ACCEPT -source mgmt_net -p tcp\n', 'undefined-alias') ?? '',
    /^an ipset of that name exists in cluster\.fw: write '\+mgmt_net'/,
  );
  assert.match(
    guestHint(cluster, '[RULES]\nIN ACCEPT -source +web -p tcp\n', 'undefined-ipset') ?? '',
    /^an alias of that name exists in cluster\.fw: write 'web' without '\+'/,
  );
  assert.match(
    guestHint(cluster, '[RULES]\nIN LOG -p tcp -dport 22\n', 'invalid-action') ?? '',
    /^Proxmox has no LOG action: add '-log info'/,
  );
  assert.match(
    guestHint(cluster, '[OPTIONS]\nfirewall_group: webservers\n', 'invalid-option') ?? '',
    /a security group applies with the rule 'GROUP webservers' in \[RULES\]/,
  );
});
