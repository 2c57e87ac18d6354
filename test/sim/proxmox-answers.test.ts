// Where the simulator used to answer differently from Proxmox's own API handlers (issue 18:
// 10 of 185 calls, found by running pve-firewall's handlers on the same requests). Each test
// failed against the simulator that used pvefw's parser and writer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { simHarness, type SimHarness } from './harness';

let h: SimHarness;
before(async () => {
  h = await simHarness({
    files: {
      'firewall/cluster.fw': [
        '[ALIASES]',
        'alpha 10.0.0.1',
        'bravo 10.0.0.2',
        'charlie 10.0.0.3',
        'delta 10.0.0.4',
        '[IPSET echo]',
        '[IPSET foxtrot]',
        '[IPSET golf]',
        '[IPSET hotel]',
        '[RULES]',
        'IN ACCEPT -p tcp -dport 22',
        '|IN ACCEPT -p tcp -dport 80',
        '',
      ].join('\n'),
    },
    sdnIpSets: ['vnet1-all'],
  });
});
after(() => h.close());

test('a single-rule GET answers pos as the string of the URL; the list has numbers', async () => {
  const one = await h.call('GET', '/cluster/firewall/rules/1');
  assert.match(one.text, /"pos":"1"/);
  const list = await h.data<{ pos: unknown }[]>('GET', '/cluster/firewall/rules');
  assert.deepEqual(
    list.map((r) => r.pos),
    [0, 1],
  );
});

test('PUT …/rules/{pos} with delete=enable enables the rule (| is written for enable 0 only)', async () => {
  const [, disabled] = await h.data<{ enable: number; digest: string }[]>(
    'GET',
    '/cluster/firewall/rules',
  );
  assert.equal(disabled!.enable, 0);
  await h.data('PUT', '/cluster/firewall/rules/1', { delete: 'enable', digest: disabled!.digest });
  const rule = await h.data<{ enable: number }>('GET', '/cluster/firewall/rules/1');
  assert.equal(rule.enable, 1);
  assert.match(
    readFileSync(join(h.dir, 'firewall/cluster.fw'), 'utf8'),
    /^IN ACCEPT -p tcp -dport 80$/m,
  );
});

test("a bad value inside a property string is pve-common's multi-line format error", async () => {
  const reply = await h.call('PUT', '/cluster/firewall/options', {
    log_ratelimit: 'enable=1,rate=fast',
  });
  assert.equal(reply.status, 400);
  assert.deepEqual(reply.json?.errors, {
    log_ratelimit:
      'invalid format - format error\nlog_ratelimit.rate: value does not match the regex pattern\n',
  });
  const key = await h.call('PUT', '/cluster/firewall/options', { log_ratelimit: 'speed=1' });
  assert.deepEqual(key.json?.errors, {
    log_ratelimit: 'invalid format - invalid key in comma-separated list property: speed\n',
  });
});

test('a 200 reply has the reason OK', async () => {
  const reply = await h.call('GET', '/cluster/firewall/options');
  assert.deepEqual([reply.status, reply.reason], [200, 'OK']);
});

test("/refs lists ipsets, then aliases, each in Perl's hash order (not sorted); SDN first", async () => {
  const refs = await h.data<{ type: string; name: string; scope: string }[]>(
    'GET',
    '/cluster/firewall/refs',
  );
  assert.deepEqual(refs[0], { type: 'ipset', name: 'vnet1-all', ref: '+vnet1-all', scope: 'sdn' });
  const dc = refs.filter((r) => r.scope === 'dc');
  const sets = dc.filter((r) => r.type === 'ipset').map((r) => r.name);
  const aliases = dc.filter((r) => r.type === 'alias').map((r) => r.name);
  assert.deepEqual(
    dc.map((r) => r.type),
    [...sets.map(() => 'ipset'), ...aliases.map(() => 'alias')],
  );
  assert.deepEqual([...sets].sort(), ['echo', 'foxtrot', 'golf', 'hotel']);
  assert.deepEqual([...aliases].sort(), ['alpha', 'bravo', 'charlie', 'delta']);
  assert.notDeepEqual(sets, [...sets].sort(), 'ipsets in hash order');
  assert.notDeepEqual(aliases, [...aliases].sort(), 'aliases in hash order');
});
