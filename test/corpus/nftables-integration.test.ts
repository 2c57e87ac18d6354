// proxmox-firewall's own integration test (the corpus's input and its expected nft commands):
// the commands pvefw builds for the test's node, command for command against the snapshot's 341.
// Both sides are written in one canonical form: a rule as its matches (sorted) and its end, a
// set's elements as address ranges, a map's elements as keys and verdicts. Guest 101 is a VM and
// guest 100 a container, both local; the SDN sets come from the running config and the IPAM
// state; the chains that exist before the update come from chains.json.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildClusterModel } from '../../server/src/core';
import type { NftCommand, NftMatch, NftRule } from '../../server/src/core/nftables/nft-model';
import { parseGuestNetworks } from '../../server/src/core/nftables/rust-network';
import { parseIpv4, parseIpv6, type Family } from '../../server/src/core/nftables/rust-text';
import { icmpTypeNumber } from '../../server/src/core/nftables/rust-types';
import { buildNodeRuleset } from '../../server/src/core/nftables/ruleset';
import { ipamSetsOf, sdnSetsOf } from '../../server/src/core/nftables/sdn-sets';
import { statementText } from '../../server/src/core/nftables/nft-text';
import type { TopologyNic } from '../../server/src/core/model/topology';
import { sharedCorpusDir } from '../support/corpus';

const dir = sharedCorpusDir();
const base = dir && join(dir, 'nftables', 'integration');
const SKIP =
  base && existsSync(join(base, 'expected-commands.json'))
    ? false
    : '../shared/corpus/nftables is not present in this checkout (CI has it)';

const PROTO: Readonly<Record<string, number>> = {
  tcp: 6,
  udp: 17,
  icmp: 1,
  icmpv6: 58,
  'ipv6-icmp': 58,
  dccp: 33,
  sctp: 132,
  udplite: 136,
  igmp: 2,
};

type Json = Record<string, unknown>;

function addressValue(text: string): { family: Family; value: bigint } {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: BigInt(v4) };
  return { family: 6, value: parseIpv6(text)! };
}

function rangeOf(item: unknown): string {
  if (typeof item === 'string') {
    const { value } = addressValue(item);
    return `${value}-${value}`;
  }
  const j = item as Json;
  if (j.prefix) {
    const { addr, len } = j.prefix as { addr: string; len: number };
    const { family, value } = addressValue(addr);
    const size = 1n << BigInt((family === 4 ? 32 : 128) - len);
    const start = (value / size) * size;
    return `${start}-${start + size - 1n}`;
  }
  if (j.range) {
    const [a, b] = j.range as [string, string];
    return `${addressValue(a).value}-${addressValue(b).value}`;
  }
  throw new Error(`unknown address form ${JSON.stringify(item)}`);
}

function setItems(right: unknown): unknown[] {
  return typeof right === 'object' && right !== null && 'set' in right
    ? ((right as Json).set as unknown[])
    : [right];
}

function portsText(right: unknown): string {
  return setItems(right)
    .map((i) => (typeof i === 'number' ? `${i}-${i}` : ((i as Json).range as number[]).join('-')))
    .sort()
    .join(',');
}

function limitText(l: Json): string {
  return `limit:${l.rate as number}/${l.per as string}/${l.burst as number}${l.inv ? '/over' : ''}`;
}

/** One snapshot rule as canonical text: sorted matches, then its statements. */
function snapshotRule(expr: Json[]): string {
  const matches: string[] = [];
  const statements: string[] = [];
  for (const e of expr) {
    const [kind, body] = Object.entries(e)[0]!;
    const b = body as Json;
    switch (kind) {
      case 'match':
        matches.push(snapshotMatch(b));
        break;
      case 'jump':
      case 'goto':
        statements.push(`${kind}:${b.target as string}`);
        break;
      case 'limit':
        statements.push(limitText(b));
        break;
      case 'log':
        statements.push(`log:${b.prefix as string}`);
        break;
      case 'mangle':
        statements.push(`ct-mark:${b.value as number}`);
        break;
      case 'ct helper':
        statements.push(`ct-helper-set:${body as string}`);
        break;
      case 'set': {
        const payload = (b.elem as Json).payload as Json;
        const stmt = (b.stmt as Json).limit as Json;
        statements.push(
          `update:${b.set as string}:${payload.protocol as string}.${payload.field as string}:${limitText(stmt)}`,
        );
        break;
      }
      case 'accept':
      case 'drop':
      case 'return':
        statements.push(kind);
        break;
      default:
        throw new Error(`unknown statement ${kind}`);
    }
  }
  return `${matches.sort().join(' ')} => ${statements.join(' ')}`;
}

function snapshotMatch(m: Json): string {
  const { op, left, right } = m as { op: string; left: Json; right: unknown };
  const neg = op === '!=' ? '!' : '';
  if ('meta' in left) {
    const key = (left.meta as Json).key as string;
    if (key === 'l4proto')
      return `l4proto=${typeof right === 'number' ? right : PROTO[right as string]}`;
    return `${key}${neg}=${right as string}`;
  }
  if ('ct' in left) {
    const ct = left.ct as Json;
    const values = Array.isArray(right) ? (right as string[]) : [right as string];
    return `ct.${ct.key as string}${ct.family ? `.${ct.family as string}` : ''}=${values.join(',')}`;
  }
  const { protocol, field: raw } = left.payload as { protocol: string; field: string };
  const field = raw.replace(' ', '-');
  if (protocol === 'th') return `th.${field}=${portsText(right)}`;
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const family: Family = protocol === 'icmp' ? 4 : 6;
    const n = typeof right === 'number' ? right : icmpTypeNumber(right as string, family);
    return `${protocol}.${field}=${n}`;
  }
  if (typeof right === 'string' && right.startsWith('@'))
    return `${protocol}.${field}${neg}${right}`;
  return `${protocol}.${field}${neg}=${setItems(right).map(rangeOf).join(',')}`;
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
    case 'arp-addr':
      return `arp.${x.field}-ip${x.negate ? '!' : ''}@${x.set}`;
    case 'ether-arp':
      return `protocol${x.negate ? '!' : ''}=arp`;
    case 'ct-state':
      return `ct.state=${x.states.join(',')}`;
    case 'ct-helper':
      return `ct.helper${x.family !== undefined ? `.ip${x.family === 6 ? '6' : ''}` : ''}=${x.name}`;
    case 'icmp': {
      const p = x.family === 4 ? 'icmp' : 'icmpv6';
      return [
        ...(x.types ? [`${p}.type=${x.types.join(',')}`] : []),
        ...(x.code !== undefined ? [`${p}.code=${x.code}`] : []),
      ].join(' ');
    }
    default:
      throw new Error(`no snapshot form for ${x.kind}`);
  }
}

function ownRule(rule: NftRule): string {
  const s = rule.statement;
  let statement: string;
  switch (s.kind) {
    case 'jump':
    case 'goto':
      statement = `${s.kind}:${s.target}`;
      break;
    case 'log':
      statement = `${s.limit ? `limit:${s.limit.rate}/${s.limit.per}/${s.limit.burst} ` : ''}log:${s.prefix ?? ''}`;
      break;
    case 'ct-mark':
      statement = `ct-mark:${s.value}`;
      break;
    case 'ct-helper-set':
      statement = `ct-helper-set:${s.name}`;
      break;
    case 'synflood-limit':
      statement = `update:@v${s.family}-synflood-limit:${s.family === 4 ? 'ip' : 'ip6'}.saddr:limit:${s.rate}/second/${s.burst}/over drop`;
      break;
    case 'accept':
    case 'drop':
    case 'return':
      statement = s.kind;
      break;
    default:
      statement = statementText(s);
  }
  const matches = rule.matches.flatMap((m) => ownMatch(m).split(' ')).filter((m) => m !== '');
  return `${matches.sort().join(' ')} => ${statement}`;
}

/** A snapshot command in canonical form. */
function snapshotCommand(c: Json): string {
  const [op, body] = Object.entries(c)[0]!;
  const [kind, v] = Object.entries(body as Json)[0]! as [string, Json];
  const where = `${op} ${kind} ${v.family as string}`;
  switch (kind) {
    case 'chain':
    case 'map':
    case 'table':
      return `${where} ${(v.name as string | undefined) ?? ''}`.trimEnd();
    case 'set':
      return op === 'add'
        ? `${where} ${v.name as string} ${v.type as string}`
        : `${where} ${v.name as string}`;
    case 'element': {
      const elem = v.elem as unknown[];
      if (Array.isArray(elem[0])) {
        const entries = (elem as [unknown, Json][]).map(([key, verdict]) => {
          const k = typeof key === 'string' ? key : ((key as Json).concat as string[]).join('.');
          const [vk, vt] = Object.entries(verdict)[0]! as [string, Json];
          return `${k}:${vk}:${vt.target as string}`;
        });
        return `${where} ${v.name as string} ${entries.join(',')}`;
      }
      return `${where} ${v.name as string} ${elem.map(rangeOf).sort().join(',')}`;
    }
    case 'rule':
      return `${where} ${v.chain as string}: ${snapshotRule(v.expr as Json[])}`;
    case 'ct helper':
      return `${where} ${v.name as string} ${v.type as string}/${v.protocol as string}/${(v.l3proto as string | null) ?? '-'}`;
    default:
      throw new Error(`unknown command ${kind}`);
  }
}

function ownCommand(c: NftCommand): string {
  const where = `${c.op} ${c.kind === 'map-element' ? 'element' : c.kind === 'ct-helper' ? 'ct helper' : c.kind} ${c.table}`;
  switch (c.kind) {
    case 'chain':
    case 'map':
      return `${where} ${c.name}`;
    case 'table':
      return where;
    case 'set':
      return c.op === 'add'
        ? `${where} ${c.name} ${c.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}`
        : `${where} ${c.name}`;
    case 'element':
      return `${where} ${c.name} ${c.elements
        .map(([a, b]) => `${a}-${b}`)
        .sort()
        .join(',')}`;
    case 'map-element':
      return `${where} ${c.name} ${c.entries.map((e) => `${e.key}:${e.verdict.kind}:${e.verdict.target}`).join(',')}`;
    case 'rule':
      return `${where} ${c.chain}: ${ownRule(c.rule)}`;
    case 'ct-helper':
      return `${where} ${c.name} ${c.type}/${c.protocol}/${c.l3proto ?? '-'}`;
  }
}

function nicsOf(conf: string): TopologyNic[] {
  return [...parseGuestNetworks(conf)].map(([index, d]) => ({
    name: `net${index}`,
    bridge: d.bridge ?? 'vmbr0',
    mac: d.mac,
    firewall: d.firewall,
    ...(d.ip !== undefined ? { ip: d.ip } : {}),
    ...(d.ip6 !== undefined ? { ip6: d.ip6 } : {}),
  }));
}

test(
  "proxmox-firewall's integration snapshot: pvefw's commands match it command for command",
  { skip: SKIP },
  () => {
    const input = join(base!, 'input');
    const read = (name: string): string => readFileSync(join(input, name), 'utf8');
    const commands = (
      JSON.parse(readFileSync(join(base!, 'expected-commands.json'), 'utf8')) as {
        nftables: Json[];
      }
    ).nftables;
    assert.equal(commands.length, 341);
    const model = buildClusterModel({
      cluster: { path: 'cluster.fw', text: read('cluster.fw') },
      hosts: [{ node: 'pve', file: { path: 'host.fw', text: read('host.fw') } }],
      guests: [
        { vmid: 100, file: { path: '100.fw', text: read('100.fw') } },
        { vmid: 101, file: { path: '101.fw', text: read('101.fw') } },
      ],
      topology: {
        path: 'topology.json',
        topology: {
          localNode: 'pve',
          nodes: [{ name: 'pve' }],
          guests: [
            { vmid: 100, kind: 'ct', node: 'pve', nics: nicsOf(read('100.conf')) },
            { vmid: 101, kind: 'vm', node: 'pve', nics: nicsOf(read('101.conf')) },
          ],
        },
      },
    });
    const sdn = sdnSetsOf(JSON.parse(read('.running-config.json')));
    assert.ok(sdn.ok);
    const listed = (JSON.parse(read('chains.json')) as { nftables: Json[] }).nftables;
    const existingChains = listed.flatMap((item) => {
      const chain = item.chain as Json | undefined;
      return chain
        ? [
            {
              table: chain.family === 'bridge' ? ('bridge' as const) : ('inet' as const),
              name: chain.name as string,
            },
          ]
        : [];
    });
    const built = buildNodeRuleset(model, model.nodes[0]!, {
      sdnSets: sdn.sets,
      ipamSets: ipamSetsOf(JSON.parse(read('ipam.db'))),
      existingChains,
    });
    assert.equal(
      built.ruleset.state,
      'active',
      built.ruleset.state !== 'active' ? built.ruleset.why : '',
    );
    if (built.ruleset.state !== 'active') return;
    const want = commands.map(snapshotCommand);
    const got = built.ruleset.commands.map(ownCommand);
    let matched = 0;
    for (let i = 0; i < Math.max(want.length, got.length); i++) {
      assert.equal(got[i], want[i], `command #${i}`);
      matched++;
    }
    assert.equal(matched, 341);
  },
);
