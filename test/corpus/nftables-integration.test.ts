// proxmox-firewall's own integration test (the corpus's input and its expected nft commands):
// pvefw's host table for the test's node, rule for rule against the snapshot's rules in the
// `inet proxmox-firewall` chains pvefw builds. What pvefw does not build is counted and named.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildClusterModel } from '../../server/src/core';
import { parseIpv4, parseIpv6, type Family } from '../../server/src/core/nftables/rust-text';
import { icmpTypeNumber } from '../../server/src/core/nftables/rust-types';
import {
  buildNodeRuleset,
  type NftMatch,
  type NftRule,
} from '../../server/src/core/nftables/ruleset';
import { sharedCorpusDir } from '../support/corpus';

const dir = sharedCorpusDir();
const base = dir && join(dir, 'nftables', 'integration');
const SKIP =
  base && existsSync(join(base, 'expected-commands.json'))
    ? false
    : '../shared/corpus/nftables is not present in this checkout (CI has it)';

/** The chains of `inet proxmox-firewall` whose rules pvefw generates. */
const MODELLED = [
  'cluster-in',
  'cluster-out',
  'cluster-forward',
  'host-in',
  'host-out',
  'group-network1-in',
  'group-network1-out',
  'group-network1-forward',
  'option-in',
  'option-out',
  'invalid-conntrack',
];

const PROTO: Readonly<Record<string, number>> = {
  tcp: 6,
  udp: 17,
  icmp: 1,
  icmpv6: 58,
  'ipv6-icmp': 58,
  dccp: 33,
  sctp: 132,
  udplite: 136,
};

type Json = Record<string, unknown>;

function bounds(text: string, len: number | undefined, family: Family): string {
  const bits = family === 4 ? 32 : 128;
  const value = family === 4 ? BigInt(parseIpv4(text)!) : parseIpv6(text)!;
  const size = 1n << BigInt(bits - (len ?? bits));
  const start = (value / size) * size;
  return `${start}-${start + size - 1n}`;
}

function portsText(right: unknown): string {
  const items = (
    typeof right === 'object' && right !== null && 'set' in right ? (right as Json).set : [right]
  ) as unknown[];
  return items
    .map((i) => (typeof i === 'number' ? `${i}-${i}` : ((i as Json).range as number[]).join('-')))
    .sort()
    .join(',');
}

/** One snapshot rule as a canonical text (matches sorted; log limits left out). */
function snapshotRule(expr: Json[]): string {
  const parts: string[] = [];
  for (const e of expr) {
    const [kind, body] = Object.entries(e)[0]!;
    if (kind === 'limit') continue;
    if (kind !== 'match') {
      parts.push(
        kind === 'jump' || kind === 'goto'
          ? `${kind}:${(body as Json).target as string}`
          : kind === 'log'
            ? 'log'
            : kind,
      );
      continue;
    }
    const { op, left, right } = body as { op: string; left: Json; right: unknown };
    if ('meta' in left) {
      const key = (left.meta as Json).key as string;
      parts.push(
        key === 'l4proto'
          ? `l4proto=${typeof right === 'number' ? right : PROTO[right as string]}`
          : `${key}=${right as string}`,
      );
      continue;
    }
    const { protocol, field } = left.payload as { protocol: string; field: string };
    if (protocol === 'th') parts.push(`th.${field}=${portsText(right)}`);
    else if (protocol === 'icmp' || protocol === 'icmpv6') {
      const family: Family = protocol === 'icmp' ? 4 : 6;
      const n = typeof right === 'number' ? right : icmpTypeNumber(right as string, family);
      parts.push(`${protocol}.${field}=${n}`);
    } else {
      const family: Family = protocol === 'ip' ? 4 : 6;
      const neg = op === '!=' ? '!' : '';
      if (typeof right === 'string' && right.startsWith('@'))
        parts.push(`${protocol}.${field}${neg}${right}`);
      else if (typeof right === 'string')
        parts.push(`${protocol}.${field}${neg}=${bounds(right, undefined, family)}`);
      else {
        const prefix = (right as Json).prefix as { addr: string; len: number };
        parts.push(`${protocol}.${field}${neg}=${bounds(prefix.addr, prefix.len, family)}`);
      }
    }
  }
  const statement = parts.pop()!;
  return `${parts.sort().join(' ')} => ${statement}`;
}

function ownMatch(x: NftMatch): string {
  switch (x.kind) {
    case 'iifname':
    case 'oifname':
      return `${x.kind}=${x.name}`;
    case 'l4proto':
      return `l4proto=${x.protos.map((p) => (typeof p === 'number' ? p : PROTO[p])).join('|')}`;
    case 'port':
      return `th.${x.field}=${x.ranges
        .map(([a, b]) => `${a}-${b}`)
        .sort()
        .join(',')}`;
    case 'addr': {
      const ip = x.family === 4 ? 'ip' : 'ip6';
      const neg = x.negate ? '!' : '';
      if (x.set) return `${ip}.${x.field}${neg}@${x.set}`;
      return `${ip}.${x.field}${neg}=${x.ranges.map(([a, b]) => `${a}-${b}`).join(',')}`;
    }
    case 'icmp': {
      const p = x.family === 4 ? 'icmp' : 'icmpv6';
      return [
        ...(x.types ? [`${p}.type=${x.types.join(',')}`] : []),
        ...(x.code !== undefined ? [`${p}.code=${x.code}`] : []),
      ].join(' ');
    }
    default:
      return x.kind;
  }
}

function ownRule(rule: NftRule): string {
  const s = rule.statement;
  const statement = s.kind === 'jump' || s.kind === 'goto' ? `${s.kind}:${s.target}` : s.kind;
  const matches = rule.matches.flatMap((m) => ownMatch(m).split(' ')).filter((m) => m !== '');
  return `${matches.sort().join(' ')} => ${statement}`;
}

test(
  "proxmox-firewall's integration snapshot: the inet chains pvefw builds match rule for rule",
  { skip: SKIP },
  () => {
    const input = join(base!, 'input');
    const commands = (
      JSON.parse(readFileSync(join(base!, 'expected-commands.json'), 'utf8')) as {
        nftables: Json[];
      }
    ).nftables;
    assert.equal(commands.length, 341);
    const model = buildClusterModel({
      cluster: { path: 'cluster.fw', text: readFileSync(join(input, 'cluster.fw'), 'utf8') },
      hosts: [
        {
          node: 'pve',
          file: { path: 'host.fw', text: readFileSync(join(input, 'host.fw'), 'utf8') },
        },
      ],
      world: 'assumed',
    });
    const built = buildNodeRuleset(model, model.nodes[0]!);
    assert.equal(built.ruleset.state, 'active');
    if (built.ruleset.state !== 'active') return;
    const expected = new Map<string, string[]>();
    for (const c of commands) {
      const rule = ((c.add as Json | undefined)?.rule as Json | undefined) ?? undefined;
      if (!rule || rule.family !== 'inet' || !MODELLED.includes(rule.chain as string)) continue;
      const list = expected.get(rule.chain as string) ?? [];
      list.push(snapshotRule(rule.expr as Json[]));
      expected.set(rule.chain as string, list);
    }
    let matched = 0;
    for (const chain of MODELLED) {
      const want = expected.get(chain) ?? [];
      const got: string[] = (built.ruleset.chains.get(chain) ?? []).map(ownRule);
      assert.deepEqual(got, want, chain);
      matched += want.length;
    }
    // 7 + 4 + 2 (cluster), 9 + 1 (host), 2 (group network1 in), 4 + 1 (options), 1 (invalid-conntrack)
    assert.equal(matched, 31);
  },
);
