// The host part of the ruleset proxmox-firewall builds on one node (table `inet proxmox-firewall`):
// its fixed chains (resources/proxmox-firewall.nft: default-in/out, accept-management, the SMB
// and DNS drops, do-reject, …) and the chains it generates from cluster.fw and the node's host.fw
// the way proxmox-firewall 1.2.3 does (src/firewall.rs, src/rule.rs): options a protocol does not
// read are gone, sets match "in the set and not in its nomatch set", an address of the other
// family is dropped from a rule that already has one, and a rule that cannot be generated (a
// missing set, alias or macro) is skipped alone.
import type { ClusterModel, ClusterNode } from '../model/cluster-model';
import { loadRustConfig, type RustConfig } from './rust-config';
import { rustMacro } from './rust-macros';
import { cidrBounds, parseCidr, type Family } from './rust-text';
import {
  icmpTypeNumber,
  type Direction,
  type IpAddrMatch,
  type IpEntry,
  type IpsetEntry,
  type ProtocolMatch,
  type RuleMatch,
  type RustRule,
  type RustVerdict,
} from './rust-types';

export type Range = readonly [bigint, bigint];

export type NftMatch =
  | { readonly kind: 'iifname' | 'oifname'; readonly name: string }
  | { readonly kind: 'l4proto'; readonly protos: readonly (string | number)[] }
  | {
      readonly kind: 'port';
      readonly field: 'sport' | 'dport';
      /** tcp/udp: `tcp dport` (implies the protocol); th: any protocol with ports. */
      readonly proto: 'tcp' | 'udp' | 'th';
      readonly ranges: readonly (readonly [number, number])[];
    }
  | {
      readonly kind: 'addr';
      readonly family: Family;
      readonly field: 'saddr' | 'daddr';
      readonly ranges: readonly Range[];
      readonly negate?: boolean;
      /** The set's name when the match is `@set`. */
      readonly set?: string;
    }
  | {
      readonly kind: 'icmp';
      readonly family: Family;
      readonly types?: readonly number[];
      readonly code?: number;
    }
  | { readonly kind: 'nfproto'; readonly family: Family }
  /** `tcp flags & (fin|syn|rst|ack) == syn` (a connection's first packet), or `!=` (negate). */
  | { readonly kind: 'tcp-syn'; readonly negate: boolean }
  | { readonly kind: 'pkttype'; readonly value: string };

export type NftStatement =
  | { readonly kind: 'accept' | 'drop' | 'return' | 'log' }
  | { readonly kind: 'jump' | 'goto'; readonly target: string }
  /** `reject with …`: the reply the sender gets. */
  | { readonly kind: 'reject'; readonly with: string }
  /** `ct state vmap { invalid : jump invalid-conntrack, established : accept, related : accept }` */
  | { readonly kind: 'ct-vmap' };

export interface NftRuleOrigin {
  readonly path: string;
  readonly lineNumber: number;
}

export interface NftRule {
  readonly matches: readonly NftMatch[];
  readonly statement: NftStatement;
  readonly origin?: NftRuleOrigin;
}

/** What a node runs: the table, or why there is none. */
export type NodeRuleset =
  | { readonly state: 'active'; readonly chains: ReadonlyMap<string, readonly NftRule[]> }
  | { readonly state: 'off'; readonly why: string }
  /** A file failed to load: the node keeps whatever it had. */
  | {
      readonly state: 'stale';
      readonly why: string;
      readonly path: string;
      readonly lineNumber?: number;
    };

export interface NodeSkip {
  readonly origin: NftRuleOrigin;
  readonly message: string;
}

const ICMP_ALLOWED_V4 = [3, 4, 11];
const ICMPV6_ALLOWED = [1, 2, 3, 4];
const NDP_IN = [133, 135, 134, 136, 137];
const NDP_OUT = [133, 135, 136];

const m = {
  l4: (...protos: (string | number)[]): NftMatch => ({ kind: 'l4proto', protos }),
  port: (
    proto: 'tcp' | 'udp' | 'th',
    field: 'sport' | 'dport',
    ...ranges: [number, number][]
  ): NftMatch => ({ kind: 'port', field, proto, ranges }),
  icmp: (family: Family, types: number[]): NftMatch => ({ kind: 'icmp', family, types }),
};
const rule = (statement: NftStatement, ...matches: NftMatch[]): NftRule => ({ matches, statement });
const jump = (target: string): NftStatement => ({ kind: 'jump', target });
const goto = (target: string): NftStatement => ({ kind: 'goto', target });
const ACCEPT: NftStatement = { kind: 'accept' };
const DROP: NftStatement = { kind: 'drop' };

/** The fixed chains of resources/proxmox-firewall.nft (table inet proxmox-firewall). */
function fixedChains(): Map<string, NftRule[]> {
  const v4multicast: NftMatch = {
    kind: 'addr',
    family: 4,
    field: 'saddr',
    ranges: [cidrBounds(parseCidr('224.0.0.0/4'))],
  };
  return new Map<string, NftRule[]>([
    [
      'input',
      [
        rule(jump('default-in')),
        rule(jump('ct-in')),
        rule(jump('option-in')),
        rule(jump('host-in')),
        rule(jump('cluster-in')),
      ],
    ],
    [
      'output',
      [
        rule(jump('default-out')),
        rule(jump('option-out')),
        rule(jump('host-out')),
        rule(jump('cluster-out')),
      ],
    ],
    [
      'forward',
      [rule({ kind: 'ct-vmap' }), rule(jump('host-forward')), rule(jump('cluster-forward'))],
    ],
    [
      'do-reject',
      [
        rule(DROP, { kind: 'pkttype', value: 'broadcast' }),
        rule(DROP, v4multicast),
        rule({ kind: 'reject', with: 'tcp reset' }, m.l4('tcp')),
        rule({ kind: 'reject', with: 'icmpx port-unreachable' }, m.l4('icmp', 'ipv6-icmp')),
        rule({ kind: 'reject', with: 'icmp host-prohibited' }, { kind: 'nfproto', family: 4 }),
        rule({ kind: 'reject', with: 'icmpv6 admin-prohibited' }, { kind: 'nfproto', family: 6 }),
        rule(DROP),
      ],
    ],
    [
      'allow-icmp',
      [rule(ACCEPT, m.icmp(4, ICMP_ALLOWED_V4)), rule(ACCEPT, m.icmp(6, ICMPV6_ALLOWED))],
    ],
    [
      'default-in',
      [
        rule(ACCEPT, { kind: 'iifname', name: 'lo' }),
        rule(jump('allow-icmp')),
        rule({ kind: 'ct-vmap' }),
        rule(ACCEPT, m.l4('igmp')),
        rule(
          jump('accept-management'),
          m.port('tcp', 'dport', [8006, 8006], [5900, 5999], [3128, 3128], [22, 22]),
        ),
        rule(ACCEPT, m.port('udp', 'dport', [5405, 5412])),
        rule(goto('do-reject'), m.port('udp', 'dport', [135, 135], [137, 139], [445, 445])),
        rule(
          goto('do-reject'),
          m.port('udp', 'sport', [137, 137]),
          m.port('udp', 'dport', [1024, 65535]),
        ),
        rule(goto('do-reject'), m.port('tcp', 'dport', [135, 135], [139, 139], [445, 445])),
        rule(DROP, m.port('udp', 'dport', [1900, 1900])),
        rule(DROP, m.port('udp', 'sport', [53, 53])),
      ],
    ],
    [
      'default-out',
      [
        rule(ACCEPT, { kind: 'oifname', name: 'lo' }),
        rule(jump('allow-icmp')),
        rule({ kind: 'ct-vmap' }),
      ],
    ],
    ['allow-ndp-in', [rule(ACCEPT, m.icmp(6, NDP_IN))]],
    ['block-ndp-in', [rule(DROP, m.icmp(6, NDP_IN))]],
    ['allow-ndp-out', [rule(ACCEPT, m.icmp(6, NDP_OUT))]],
    ['block-ndp-out', [rule(DROP, m.icmp(6, NDP_OUT))]],
    [
      'block-smurfs',
      [
        rule({ kind: 'return' }, { kind: 'addr', family: 4, field: 'saddr', ranges: [[0n, 0n]] }),
        rule(goto('log-drop-smurfs'), { kind: 'pkttype', value: 'broadcast' }),
        rule(goto('log-drop-smurfs'), v4multicast),
      ],
    ],
    ['log-drop-smurfs', [rule(DROP)]],
    // ratelimit-synflood's rules drop a source over the rate; one packet never is.
    [
      'block-synflood',
      [
        rule({ kind: 'return' }, { kind: 'tcp-syn', negate: true }),
        rule(jump('ratelimit-synflood')),
        rule(DROP),
      ],
    ],
    ['ratelimit-synflood', []],
    ['invalid-conntrack', []],
    ['ct-in', []],
    ['option-in', []],
    ['option-out', []],
  ]);
}

interface Env {
  readonly direction: Direction;
  /** The cluster's log_ratelimit is on (log rules then carry a limit). */
  readonly log: boolean;
  readonly cluster: RustConfig;
  readonly sets: Map<string, Range[]>;
  readonly origin: NftRuleOrigin;
}

/** A rule being built: its matches, and the family its matches fixed (if any). */
interface Draft {
  family?: Family;
  matches: NftMatch[];
  statement: NftStatement;
  leading?: NftStatement;
}

class SkipRule extends Error {}

function verdictStatement(verdict: RustVerdict): NftStatement {
  if (verdict === 'REJECT') return jump('do-reject');
  return verdict === 'ACCEPT' ? ACCEPT : DROP;
}

function entryRange(e: IpEntry): Range {
  return e.kind === 'cidr' ? cidrBounds(e.cidr) : [e.range.start, e.range.last];
}

function setRanges(
  entries: readonly IpsetEntry[],
  family: Family,
  nomatch: boolean,
  cluster: RustConfig,
): Range[] {
  const out: Range[] = [];
  for (const e of entries) {
    if (e.nomatch !== nomatch) continue;
    const cidr =
      e.address.kind === 'cidr'
        ? e.address.cidr
        : cluster.aliases.get(e.address.alias.name)?.value.address;
    if (cidr && cidr.family === family) out.push(cidrBounds(cidr));
  }
  return out;
}

function addSets(
  sets: Map<string, Range[]>,
  name: string,
  entries: readonly IpsetEntry[],
  c: RustConfig,
): void {
  for (const family of [4, 6] as const) {
    sets.set(`v${family}-${name}`, setRanges(entries, family, false, c));
    sets.set(`v${family}-${name}-nomatch`, setRanges(entries, family, true, c));
  }
}

function applyProtocol(drafts: Draft[], proto: ProtocolMatch): void {
  for (const d of drafts) {
    switch (proto.kind) {
      case 'ports':
        d.matches.push(m.l4(proto.name));
        if (proto.ports?.sport)
          d.matches.push({ kind: 'port', field: 'sport', proto: 'th', ranges: proto.ports.sport });
        if (proto.ports?.dport)
          d.matches.push({ kind: 'port', field: 'dport', proto: 'th', ranges: proto.ports.dport });
        break;
      case 'named':
        d.matches.push(m.l4(proto.name));
        break;
      case 'numeric':
        d.matches.push(m.l4(proto.number));
        break;
      case 'icmp':
      case 'icmpv6': {
        const family: Family = proto.kind === 'icmp' ? 4 : 6;
        if (d.family !== undefined && d.family !== family) break;
        const { type, code } = proto.icmp;
        const number =
          type === undefined || type === 'any' ? undefined : icmpTypeNumber(type, family);
        if (type === undefined && code === undefined)
          d.matches.push(m.l4(proto.kind === 'icmp' ? 'icmp' : 'ipv6-icmp'));
        else
          d.matches.push({
            kind: 'icmp',
            family,
            ...(number !== undefined ? { types: [number] } : {}),
            ...(code !== undefined ? { code } : {}),
          });
        d.family = family;
        break;
      }
    }
  }
}

function addressDrafts(
  drafts: Draft[],
  match: IpAddrMatch,
  field: 'saddr' | 'daddr',
  env: Env,
): Draft[] {
  if (match.kind === 'set') {
    const set = match.set;
    const scope = set.kind === 'scoped' ? set.scope : undefined;
    // Host and cluster rules have no guest: a legacy name is the cluster's (SDN sets: not modelled).
    if (scope === 'guest' || scope === 'sdn' || !env.cluster.ipsets.has(set.name))
      throw new SkipRule(
        `could not find ipset ${set.kind === 'scoped' ? `${set.scope}/${set.name}` : set.name}`,
      );
    const out: Draft[] = [];
    for (const d of drafts)
      for (const family of [4, 6] as const) {
        if (d.family !== undefined && d.family !== family) continue;
        const name = `v${family}-dc/${set.name}`;
        out.push({
          ...d,
          family,
          matches: [
            ...d.matches,
            { kind: 'addr', family, field, ranges: env.sets.get(name) ?? [], set: name },
            {
              kind: 'addr',
              family,
              field,
              ranges: env.sets.get(`${name}-nomatch`) ?? [],
              negate: true,
              set: `${name}-nomatch`,
            },
          ],
        });
      }
    return out;
  }
  let family: Family;
  let ranges: Range[];
  if (match.kind === 'ip') {
    family = match.list.family;
    ranges = match.list.entries.map(entryRange);
  } else {
    const alias = match.alias;
    if (alias.kind === 'scoped' && alias.scope === 'guest')
      throw new SkipRule(`could not find alias ${alias.scope}/${alias.name}`);
    const found = env.cluster.aliases.get(alias.name)?.value;
    if (!found)
      throw new SkipRule(
        `could not find alias ${alias.kind === 'scoped' ? `${alias.scope}/` : ''}${alias.name}`,
      );
    family = found.address.family;
    ranges = [cidrBounds(found.address)];
  }
  for (const d of drafts) {
    if (d.family !== undefined && d.family !== family) continue;
    d.matches.push({ kind: 'addr', family, field, ranges });
    d.family = family;
  }
  return drafts;
}

function matchDrafts(r: RuleMatch, env: Env): Draft[] {
  if (r.dir !== env.direction) return [];
  let drafts: Draft[] = [{ matches: [], statement: verdictStatement(r.verdict) }];
  // A rule with -log gets a log rule before it, with the same matches.
  if (r.log !== undefined && r.log !== 'nolog')
    drafts.unshift({ matches: [], statement: { kind: 'log' } });
  if (r.iface !== undefined) {
    if (env.direction === 'forward')
      throw new SkipRule('cannot define interfaces for forward direction');
    const kind = env.direction === 'in' ? 'iifname' : 'oifname';
    for (const d of drafts) d.matches.push({ kind, name: r.iface });
  }
  if (r.proto) applyProtocol(drafts, r.proto);
  if (r.macro !== undefined) {
    const code = rustMacro(r.macro);
    if (!code) throw new SkipRule(`cannot find macro ${r.macro}`);
    drafts = code.flatMap((p) => {
      const copies = drafts.map((d) => ({ ...d, matches: [...d.matches] }));
      applyProtocol(copies, p);
      return copies;
    });
  }
  if (r.ip?.src) drafts = addressDrafts(drafts, r.ip.src, 'saddr', env);
  if (r.ip?.dst) drafts = addressDrafts(drafts, r.ip.dst, 'daddr', env);
  return drafts;
}

function rulesOf(rule: RustRule, env: Env, skipped: NodeSkip[]): NftRule[] {
  if (rule.disabled) return [];
  try {
    const body = rule.body;
    if (body.kind === 'group') {
      if (env.direction === 'forward' && body.iface !== undefined) return [];
      const matches: NftMatch[] = [];
      if (body.iface !== undefined)
        matches.push({ kind: env.direction === 'in' ? 'iifname' : 'oifname', name: body.iface });
      return [
        { matches, statement: jump(`group-${body.group}-${env.direction}`), origin: env.origin },
      ];
    }
    return matchDrafts(body, env).map((d) => ({
      matches: d.matches,
      statement: d.statement,
      origin: env.origin,
    }));
  } catch (error) {
    if (!(error instanceof SkipRule)) throw error;
    skipped.push({ origin: env.origin, message: `skipping rule: ${error.message}` });
    return [];
  }
}

export interface NodeBuild {
  readonly ruleset: NodeRuleset;
  readonly skipped: readonly NodeSkip[];
}

/** proxmox-firewall's host table on `node` of the model (cluster.fw and the node's host.fw). */
export function buildNodeRuleset(model: ClusterModel, node: ClusterNode): NodeBuild {
  const skipped: NodeSkip[] = [];
  const clusterPath = model.cluster?.path ?? 'cluster.fw';
  const clusterLoad = model.cluster ? loadRustConfig(model.cluster.text, 'cluster') : undefined;
  if (clusterLoad && !clusterLoad.ok)
    return { ruleset: stale(clusterPath, clusterLoad.error), skipped };
  const hostLoad = node.host ? loadRustConfig(node.host.text, 'host') : undefined;
  if (hostLoad && !hostLoad.ok) return { ruleset: stale(node.host!.path, hostLoad.error), skipped };
  for (const file of [
    ...model.guests.filter((g) => g.node === node.name).flatMap((g) => (g.file ? [g.file] : [])),
    ...model.vnets.map((v) => v.file),
  ]) {
    const loaded = loadRustConfig(file.text, file.kind);
    if (!loaded.ok) return { ruleset: stale(file.path, loaded.error), skipped };
  }
  const cluster = clusterLoad?.ok ? clusterLoad.config : emptyConfig();
  const host = hostLoad?.ok ? hostLoad.config : undefined;
  if (cluster.options.bools.get('enable') !== true)
    return {
      ruleset: {
        state: 'off',
        why: 'the firewall is off (cluster.fw without enable: 1): proxmox-firewall removes its tables',
      },
      skipped,
    };
  if (host?.options.bools.get('nftables') !== true && node.backendFrom === 'host.fw')
    return { ruleset: { state: 'off', why: "nftables is not on in this node's host.fw" }, skipped };
  if (host && host.options.bools.get('enable') === false)
    return {
      ruleset: {
        state: 'off',
        why: 'host.fw has enable: 0: proxmox-firewall deletes the table inet proxmox-firewall, every packet to and from the node passes',
      },
      skipped,
    };

  const chains = fixedChains();
  const sets = new Map<string, Range[]>();
  // The management set: the cluster's [IPSET management], then local_network or the node's network.
  const management: IpsetEntry[] = [
    ...(cluster.ipsets.get('management')?.entries.map((e) => e.value) ?? []),
  ];
  const localNetwork = cluster.aliases.get('local_network')?.value.address;
  if (localNetwork)
    management.push({ nomatch: false, address: { kind: 'cidr', cidr: localNetwork } });
  else if (node.localNetwork)
    management.push({
      nomatch: false,
      address: { kind: 'cidr', cidr: parseCidr(node.localNetwork) },
    });
  addSets(sets, 'dc/management', management, cluster);
  for (const [name, set] of cluster.ipsets)
    if (name !== 'management')
      addSets(
        sets,
        `dc/${name}`,
        set.entries.map((e) => e.value),
        cluster,
      );
  chains.set(
    'accept-management',
    [4, 6].map((f) =>
      rule(
        ACCEPT,
        {
          kind: 'addr',
          family: f as Family,
          field: 'saddr',
          ranges: sets.get(`v${f}-dc/management`)!,
          set: `v${f}-dc/management`,
        },
        {
          kind: 'addr',
          family: f as Family,
          field: 'saddr',
          ranges: sets.get(`v${f}-dc/management-nomatch`)!,
          negate: true,
          set: `v${f}-dc/management-nomatch`,
        },
      ),
    ),
  );

  const env = (direction: Direction, origin: NftRuleOrigin): Env => ({
    direction,
    log: true,
    cluster,
    sets,
    origin,
  });
  for (const [name, group] of cluster.groups)
    for (const direction of ['in', 'out', 'forward'] as const)
      chains.set(
        `group-${name}-${direction}`,
        group.rules.flatMap((r) =>
          rulesOf(
            r.value,
            env(direction, { path: clusterPath, lineNumber: r.lineNumber }),
            skipped,
          ),
        ),
      );

  const policies: Record<Direction, RustVerdict> = { in: 'DROP', out: 'ACCEPT', forward: 'ACCEPT' };
  for (const direction of ['in', 'out', 'forward'] as const) {
    const own = cluster.rules.flatMap((r) =>
      rulesOf(r.value, env(direction, { path: clusterPath, lineNumber: r.lineNumber }), skipped),
    );
    const policy = cluster.options.policies.get(`policy_${direction}`) ?? policies[direction];
    // The policy's log rule follows the node's log_level_<direction> (host.fw), not cluster.fw.
    const level = host?.options.logLevels.get(`log_level_${direction}`) ?? 'nolog';
    const logged = level !== 'nolog' ? [rule({ kind: 'log' })] : [];
    chains.set(`cluster-${direction}`, [...own, ...logged, rule(verdictStatement(policy))]);
    const hostRules =
      host && node.host
        ? host.rules.flatMap((r) =>
            rulesOf(
              r.value,
              env(direction, { path: node.host!.path, lineNumber: r.lineNumber }),
              skipped,
            ),
          )
        : [];
    chains.set(`host-${direction}`, hostRules);
  }
  const flag = (key: string, fallback: boolean): boolean =>
    host?.options.bools.get(key) ?? fallback;
  const optionIn: NftRule[] = [rule(jump(flag('ndp', true) ? 'allow-ndp-in' : 'block-ndp-in'))];
  if (flag('protection_synflood', false)) optionIn.push(rule(jump('block-synflood')));
  if (flag('tcpflags', false)) optionIn.push(rule(jump('block-invalid-tcp')));
  if (flag('nosmurfs', true)) optionIn.push(rule(jump('block-smurfs')));
  chains.set('option-in', optionIn);
  chains.set('option-out', [rule(jump(flag('ndp', true) ? 'allow-ndp-out' : 'block-ndp-out'))]);
  if (!flag('nf_conntrack_allow_invalid', false)) chains.set('invalid-conntrack', [rule(DROP)]);
  chains.set('block-invalid-tcp', []);
  return { ruleset: { state: 'active', chains }, skipped };
}

function stale(path: string, error: { lineNumber?: number; message: string }): NodeRuleset {
  return {
    state: 'stale',
    path,
    ...(error.lineNumber !== undefined ? { lineNumber: error.lineNumber } : {}),
    why: `${path}${error.lineNumber !== undefined ? `:${error.lineNumber}` : ''} fails to load (${error.message}): proxmox-firewall keeps the node's previous ruleset, or none after a reboot (every packet passes)`,
  };
}

function emptyConfig(): RustConfig {
  const loaded = loadRustConfig('', 'cluster');
  if (!loaded.ok) throw new Error('an empty cluster.fw loads');
  return loaded.config;
}
