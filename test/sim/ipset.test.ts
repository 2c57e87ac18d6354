// IPSet.pm as simulated: the {cidr} path segment keeps its slash, addresses are stored cleaned
// of host bits and /32, duplicates and zero prefixes are refused, a non-empty set needs force.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simHarness, type SimHarness } from './harness';

type Entry = { cidr: string; nomatch?: number; comment?: string; digest: string };

let h: SimHarness;
before(async () => {
  h = await simHarness({
    files: {
      'firewall/cluster.fw': '[ALIASES]\nweb 192.0.2.10\n\n[IPSET office] # HQ\n10.1.0.0/16\n',
    },
  });
});
after(() => h.close());

const entries = (): Promise<Entry[]> => h.data<Entry[]>('GET', '/cluster/firewall/ipset/office');

test('the {cidr} path segment takes the rest of the path, slash included', async () => {
  const entry = await h.data<Entry>('GET', '/cluster/firewall/ipset/office/10.1.0.0/16');
  assert.equal(entry.cidr, '10.1.0.0/16');
  const escaped = await h.data<Entry>('GET', '/cluster/firewall/ipset/office/10.1.0.0%2F16');
  assert.equal(escaped.cidr, '10.1.0.0/16');
  const missing = await h.call('GET', '/cluster/firewall/ipset/office/10.9.0.0/16');
  assert.deepEqual([missing.status, missing.json?.errors], [400, { cidr: 'no such IP/Network' }]);
});

test('added addresses are normalised: host bits cleared, /32 dropped, IPv6 compressed', async () => {
  await h.data('POST', '/cluster/firewall/ipset/office', { cidr: '10.2.3.4/8' });
  await h.data('POST', '/cluster/firewall/ipset/office', {
    cidr: '192.0.2.7/32',
    comment: 'printer',
  });
  await h.data('POST', '/cluster/firewall/ipset/office', {
    cidr: '2001:DB8:0:0:1::5/64',
    nomatch: 1,
  });
  await h.data('POST', '/cluster/firewall/ipset/office', { cidr: 'web' });
  const list = await entries();
  assert.deepEqual(
    list.map((e) => [e.cidr, e.nomatch ?? 0, e.comment ?? '']),
    [
      ['10.0.0.0/8', 0, ''],
      ['10.1.0.0/16', 0, ''],
      ['192.0.2.7', 0, 'printer'],
      ['2001:db8::/64', 1, ''],
      ['web', 0, ''],
    ],
  );
});

test('duplicates, zero prefixes and unknown aliases are refused', async () => {
  const duplicate = await h.call('POST', '/cluster/firewall/ipset/office', { cidr: '10.1.2.3/16' });
  assert.deepEqual(duplicate.json?.errors, { cidr: "address '10.1.0.0/16' already exists" });
  const zero = await h.call('POST', '/cluster/firewall/ipset/office', { cidr: '0.0.0.0/0' });
  assert.deepEqual(zero.json?.errors, { cidr: 'a zero prefix is not allowed in ipset entries' });
  const alias = await h.call('POST', '/cluster/firewall/ipset/office', { cidr: 'nosuch' });
  assert.deepEqual([alias.status, alias.json?.message], [500, "no such alias 'nosuch'\n"]);
  const invalid = await h.call('POST', '/cluster/firewall/ipset/office', { cidr: '10.0.0.0/99' });
  assert.equal(invalid.status, 400);
  assert.match(invalid.json?.errors?.['cidr'] ?? '', /^invalid format - /);
});

test('PUT replaces nomatch and comment (left out means cleared); digests are checked', async () => {
  let list = await entries();
  await h.data('PUT', '/cluster/firewall/ipset/office/192.0.2.7', {
    nomatch: 1,
    digest: list[0]!.digest,
  });
  list = await entries();
  const printer = list.find((e) => e.cidr === '192.0.2.7')!;
  assert.deepEqual([printer.nomatch, printer.comment], [1, undefined]);
  const stale = await h.call('DELETE', '/cluster/firewall/ipset/office/192.0.2.7', {
    digest: '1'.repeat(40),
  });
  assert.equal(stale.status, 500);
  await h.data('DELETE', '/cluster/firewall/ipset/office/192.0.2.7', { digest: list[0]!.digest });
  assert.equal(
    (await entries()).some((e) => e.cidr === '192.0.2.7'),
    false,
  );
});

test('a non-empty set is deleted only with force; the set list carries comments', async () => {
  const sets = await h.data<{ name: string; comment?: string }[]>('GET', '/cluster/firewall/ipset');
  assert.deepEqual(
    sets.map((s) => [s.name, s.comment]),
    [['office', 'HQ']],
  );
  const refused = await h.call('DELETE', '/cluster/firewall/ipset/office');
  assert.deepEqual([refused.status, refused.json?.message], [500, "IPSet 'office' is not empty\n"]);
  await h.data('DELETE', '/cluster/firewall/ipset/office', { force: 1 });
  assert.deepEqual(await h.data('GET', '/cluster/firewall/ipset'), []);
});
