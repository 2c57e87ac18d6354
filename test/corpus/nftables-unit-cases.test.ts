// proxmox-ve-config's own parser unit tests (the corpus's 155 cases, with the accept/reject the
// Rust tests assert and, for whole files, the error text the real parser printed): each through
// pvefw's port of that parser, at the same entry point the Rust test calls.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FileKind } from '../../server/src/core';
import { loadRustConfig } from '../../server/src/core/nftables/rust-config';
import {
  parseGuestNetworks,
  parseMac,
  parseNetDevice,
  rustAccepts,
  sdnNameError,
  subnetNameError,
} from '../../server/src/core/nftables/rust-network';
import {
  parseAction,
  parseAliasName,
  parseIcmp,
  parseIcmpv6,
  parseIpAddrMatch,
  parseIpEntry,
  parseIpList,
  parseIpsetAddress,
  parseIpsetEntry,
  parseIpsetName,
  parseLegacyAliasName,
  parseLegacyIpsetName,
  parseLogRateLimit,
  parsePortEntry,
  parsePortList,
  parseRuleOptions,
  parseRustAlias,
  parseRustRule,
  ruleMatchFromOptions,
} from '../../server/src/core/nftables/rust-types';
import { sharedCorpusDir } from '../support/corpus';

interface UnitCase {
  readonly id: string;
  readonly kind: string;
  readonly input: string | Record<string, string>;
  readonly expect: 'accept' | 'reject';
  readonly oracle_observed?: { readonly result: string; readonly error?: string };
}

const dir = sharedCorpusDir();
const casesPath = dir && join(dir, 'nftables', 'unit-cases.json');
const SKIP =
  casesPath && existsSync(casesPath)
    ? false
    : '../shared/corpus/nftables is not present in this checkout (CI has it)';

const FILE_KINDS: Readonly<Record<string, FileKind>> = {
  'cluster.fw': 'cluster',
  'host.fw': 'host',
  'guest.fw': 'guest',
};

/** The verdict and, for whole files, the error text of pvefw's port. */
function verdictOf(c: UnitCase): { result: 'accept' | 'reject'; error?: string } {
  const text = typeof c.input === 'string' ? c.input : '';
  const yes = (parse: () => unknown) => (rustAccepts(parse) ? 'accept' : 'reject');
  const fileKind = FILE_KINDS[c.kind];
  if (fileKind) {
    const loaded = loadRustConfig(text, fileKind);
    return loaded.ok ? { result: 'accept' } : { result: 'reject', error: loaded.error.message };
  }
  switch (c.kind) {
    case 'guest.conf':
      return { result: yes(() => parseGuestNetworks(text)) };
    case 'rule-line':
      return { result: yes(() => parseRustRule(text)) };
    case 'alias-line':
      return { result: yes(() => parseRustAlias(text)) };
    case 'legacy-alias-name':
      return { result: yes(() => parseLegacyAliasName(text)) };
    case 'alias-name':
      return { result: yes(() => parseAliasName(text)) };
    case 'log-ratelimit-value':
      return { result: yes(() => parseLogRateLimit(text)) };
    case 'rule-action':
      return { result: yes(() => parseAction(text)) };
    case 'ip-addr-match':
      return { result: yes(() => parseIpAddrMatch(text)) };
    case 'rule-options':
      return { result: yes(() => parseRuleOptions(text)) };
    case 'rule-options-fields': {
      const o = c.input as Record<string, string>;
      const options = {
        ...(o.proto !== undefined ? { proto: o.proto } : {}),
        ...(o.sport !== undefined ? { sport: o.sport } : {}),
        ...(o.dport !== undefined ? { dport: o.dport } : {}),
        ...(o.source !== undefined ? { source: o.source } : {}),
        ...(o.dest !== undefined ? { dest: o.dest } : {}),
        ...(o.iface !== undefined ? { iface: o.iface } : {}),
        ...(o.icmp_type !== undefined ? { icmpType: o.icmp_type } : {}),
      };
      return { result: yes(() => ruleMatchFromOptions('in', 'ACCEPT', undefined, options)) };
    }
    case 'icmp-type':
      return { result: yes(() => parseIcmp(text)) };
    case 'icmpv6-type':
      return { result: yes(() => parseIcmpv6(text)) };
    case 'ipset-name':
      return { result: yes(() => parseIpsetName(text)) };
    case 'legacy-ipset-name':
      return { result: yes(() => parseLegacyIpsetName(text)) };
    case 'ipset-address':
      return { result: yes(() => parseIpsetAddress(text)) };
    case 'ipset-entry':
      return { result: yes(() => parseIpsetEntry(text)) };
    case 'ipset-is-ipfilter':
      // Ipset::ipfilter() returns an Option; every case of the Rust test is about the value.
      return { result: 'accept' };
    case 'ip-entry':
      return { result: yes(() => parseIpEntry(text)) };
    case 'ip-list':
      return { result: yes(() => parseIpList(text)) };
    case 'port-entry':
      return { result: yes(() => parsePortEntry(text)) };
    case 'port-list':
      return { result: yes(() => parsePortList(text)) };
    case 'mac-address':
      return { result: yes(() => parseMac(text)) };
    case 'guest-net-device':
      return { result: yes(() => parseNetDevice(text)) };
    case 'sdn-zone-name':
    case 'sdn-vnet-name': {
      const error = sdnNameError(text);
      return error ? { result: 'reject', error } : { result: 'accept' };
    }
    case 'sdn-subnet-name': {
      const error = subnetNameError(text);
      return error ? { result: 'reject', error } : { result: 'accept' };
    }
    default:
      throw new Error(`unit case kind ${c.kind} has no entry point here`);
  }
}

test(
  "every proxmox-ve-config parser unit case: pvefw's verdict agrees (155/155)",
  { skip: SKIP },
  () => {
    const cases = JSON.parse(readFileSync(casesPath!, 'utf8')) as UnitCase[];
    assert.equal(cases.length, 155);
    const disagree: string[] = [];
    for (const c of cases) {
      const got = verdictOf(c);
      if (got.result !== c.expect)
        disagree.push(`${c.id}: expected ${c.expect}, got ${got.result}`);
    }
    assert.deepEqual(disagree, []);
  },
);

test("whole-file cases: the error text is the real parser's", { skip: SKIP }, () => {
  const cases = JSON.parse(readFileSync(casesPath!, 'utf8')) as UnitCase[];
  const observed = cases.filter((c) => c.oracle_observed?.error !== undefined);
  assert.ok(observed.length >= 6);
  for (const c of observed) assert.equal(verdictOf(c).error, c.oracle_observed!.error, c.id);
});

test('SDN name cases: the error variant the Rust test asserts', { skip: SKIP }, () => {
  const cases = JSON.parse(readFileSync(casesPath!, 'utf8')) as (UnitCase & {
    test_message?: string;
  })[];
  for (const c of cases.filter((x) => x.kind.startsWith('sdn-') && x.expect === 'reject')) {
    const variantText = c.test_message!.split(': ')[1];
    assert.equal(verdictOf(c).error, variantText, c.id);
  }
});
