// One rule of a .fw file as proxmox-firewall 1.2.3 turns it into nftables rules (src/rule.rs,
// `ToNftRules`): a log rule first when the rule logs, then the verdict rule; the interface, the
// protocol (options it does not read are gone), the macro's protocols, then the addresses, each
// step changing every rule made so far. A rule whose family is fixed (by ICMP or an address)
// drops an address of the other family; an ipset splits a rule into one per family, matching
// "in the set and not in its nomatch set". A rule that cannot be generated (a missing set, alias
// or macro, an interface in the forward direction) is skipped alone (`from_config_rule`).
import { rustMacro } from './rust-macros';
import { cidrBounds, type Family, type RustCidr } from './rust-text';
import {
  icmpTypeNumber,
  type Direction,
  type IcmpMatch,
  type IpAddrMatch,
  type LogLevel,
  type ProtocolMatch,
  type RuleAliasName,
  type RuleIpsetName,
  type RuleMatch,
  type RustRule,
  type RustVerdict,
} from './rust-types';
import type {
  LogLimit,
  NftMatch,
  NftRule,
  NftRuleOrigin,
  NftStatement,
  Range,
  TableId,
} from './nft-model';

/** A set a rule names, found: its scope decides the nft set's name. */
export interface FoundSet {
  readonly scope: 'dc' | 'sdn' | 'guest';
  readonly name: string;
}

/** What rule generation asks of the firewall config (FirewallConfig::ipset, ::alias, iface names). */
export interface RuleLookups {
  ipset(name: RuleIpsetName, vmid: number | undefined): FoundSet | undefined;
  alias(name: RuleAliasName, vmid: number | undefined): RustCidr | undefined;
  /** `net1` of a guest as its device (`tap100i1`); undefined when the key names no NIC index. */
  guestIface(vmid: number, key: string): string | undefined;
}

export interface RuleEnv {
  readonly table: TableId;
  readonly chain: string;
  readonly direction: Direction;
  readonly vmid?: number;
  readonly lookups: RuleLookups;
  /** The cluster's log_ratelimit when enabled: every log rule carries it as a `limit`. */
  readonly logLimit?: LogLimit;
  readonly origin?: NftRuleOrigin;
}

/** SetName::ipset_name: `v4-dc/name`, `v6-sdn/name`, `v4-guest-100/name`, `…-nomatch`. */
export function nftSetName(
  family: Family,
  set: FoundSet,
  vmid: number | undefined,
  nomatch: boolean,
): string {
  const scoped =
    set.scope === 'guest' && vmid !== undefined
      ? `guest-${vmid}/${set.name}`
      : `${set.scope}/${set.name}`;
  return `v${family}-${scoped}${nomatch ? '-nomatch' : ''}`;
}

const NFLOG_LEVEL: Readonly<Record<Exclude<LogLevel, 'nolog'>, number>> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warn: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

/** A log rule's statement: Log::generate_prefix, `:VMID:LEVEL:CHAIN: VERDICT: ` (VMID 0 for none). */
export function logStatement(
  level: Exclude<LogLevel, 'nolog'>,
  chain: string,
  verdict: RustVerdict,
  vmid: number | undefined,
  limit: LogLimit | undefined,
): NftStatement {
  return {
    kind: 'log',
    prefix: `:${vmid ?? 0}:${NFLOG_LEVEL[level]}:${chain}: ${verdict}: `,
    ...(limit ? { limit } : {}),
  };
}

/**
 * generate_verdict: REJECT is a jump to do-reject, except for traffic to a guest (the bridge
 * table's in direction), where it is a drop (the bridge postrouting hook cannot reject).
 */
export function verdictStatement(
  verdict: RustVerdict,
  env: Pick<RuleEnv, 'table' | 'direction'>,
): NftStatement {
  if (verdict === 'REJECT')
    return env.table === 'bridge' && env.direction === 'in'
      ? { kind: 'drop' }
      : { kind: 'jump', target: 'do-reject' };
  return { kind: verdict === 'ACCEPT' ? 'accept' : 'drop' };
}

/** An nft rule while it is built: its matches, its end, and the family its matches fixed. */
interface Draft {
  family?: Family;
  matches: NftMatch[];
  statement: NftStatement;
}

/** Why a rule is skipped (`skipping rule …: <message>` in proxmox-firewall's log). */
export class SkipRule extends Error {}

/** handle_iface: the guest's device for a guest rule, the name itself for a node's rule. */
function applyIface(drafts: Draft[], env: RuleEnv, name: string): void {
  if (env.direction === 'forward')
    throw new SkipRule('cannot define interfaces for forward direction');
  const guest = env.vmid !== undefined;
  const kind = (env.direction === 'in') !== guest ? 'iifname' : 'oifname';
  let iface = name;
  if (env.vmid !== undefined) {
    const device = env.lookups.guestIface(env.vmid, name);
    if (device === undefined)
      throw new SkipRule(`cannot resolve interface '${name}' for VM #${env.vmid}`);
    iface = device;
  }
  for (const d of drafts) d.matches.push({ kind, name: iface });
}

function icmpMatch(icmp: IcmpMatch, family: Family): NftMatch {
  const { type, code } = icmp;
  if (type === undefined && code === undefined)
    return { kind: 'l4proto', protos: [family === 4 ? 'icmp' : 'icmpv6'] };
  const number = type === undefined || type === 'any' ? undefined : icmpTypeNumber(type, family);
  return {
    kind: 'icmp',
    family,
    ...(type === 'any' ? { anyType: true } : number !== undefined ? { types: [number] } : {}),
    ...(code !== undefined ? { code } : {}),
  };
}

/** Protocol::to_nft_rules. */
function applyProtocol(drafts: Draft[], proto: ProtocolMatch): void {
  for (const d of drafts) {
    switch (proto.kind) {
      case 'ports':
        d.matches.push({ kind: 'l4proto', protos: [proto.name] });
        if (proto.ports?.sport)
          d.matches.push({ kind: 'port', field: 'sport', proto: 'th', ranges: proto.ports.sport });
        if (proto.ports?.dport)
          d.matches.push({ kind: 'port', field: 'dport', proto: 'th', ranges: proto.ports.dport });
        break;
      case 'named':
        d.matches.push({ kind: 'l4proto', protos: [proto.name] });
        break;
      case 'numeric':
        d.matches.push({ kind: 'l4proto', protos: [proto.number] });
        break;
      case 'icmp':
      case 'icmpv6': {
        // A rule whose family is already the other one is left as it is.
        const family: Family = proto.kind === 'icmp' ? 4 : 6;
        if (d.family !== undefined && d.family !== family) break;
        d.matches.push(icmpMatch(proto.icmp, family));
        d.family = family;
        break;
      }
    }
  }
}

function aliasText(name: RuleAliasName): string {
  return name.kind === 'scoped' ? `${name.scope}/${name.name}` : name.name;
}

function ipsetText(name: RuleIpsetName): string {
  return name.kind === 'scoped' ? `${name.scope}/${name.name}` : name.name;
}

/** handle_set: one rule per family the rule may still have, each "in the set, not in nomatch". */
function applySet(
  drafts: Draft[],
  name: RuleIpsetName,
  field: 'saddr' | 'daddr',
  env: RuleEnv,
): Draft[] {
  const set = env.lookups.ipset(name, env.vmid);
  if (!set) throw new SkipRule(`could not find ipset ${ipsetText(name)}`);
  return drafts.flatMap((d) =>
    ([4, 6] as const)
      .filter((family) => d.family === undefined || d.family === family)
      .map((family) => ({
        ...d,
        family,
        matches: [
          ...d.matches,
          {
            kind: 'addr',
            family,
            field,
            ranges: [],
            set: nftSetName(family, set, env.vmid, false),
          },
          {
            kind: 'addr',
            family,
            field,
            ranges: [],
            negate: true,
            set: nftSetName(family, set, env.vmid, true),
          },
        ] as NftMatch[],
      })),
  );
}

/** handle_match: an address list or an alias, only where the rule's family allows it. */
function applyAddress(
  drafts: Draft[],
  match: IpAddrMatch,
  field: 'saddr' | 'daddr',
  env: RuleEnv,
): Draft[] {
  if (match.kind === 'set') return applySet(drafts, match.set, field, env);
  let family: Family;
  let ranges: Range[];
  if (match.kind === 'ip') {
    family = match.list.family;
    ranges = match.list.entries.map((e) =>
      e.kind === 'cidr' ? cidrBounds(e.cidr) : [e.range.start, e.range.last],
    );
  } else {
    const cidr = env.lookups.alias(match.alias, env.vmid);
    if (!cidr) throw new SkipRule(`could not find alias ${aliasText(match.alias)}`);
    family = cidr.family;
    ranges = [cidrBounds(cidr)];
  }
  for (const d of drafts) {
    if (d.family !== undefined && d.family !== family) continue;
    d.matches.push({ kind: 'addr', family, field, ranges });
    d.family = family;
  }
  return drafts;
}

/** RuleMatch::to_nft_rules. */
function matchRules(r: RuleMatch, env: RuleEnv): Draft[] {
  if (r.dir !== env.direction) return [];
  let drafts: Draft[] = [];
  if (r.log !== undefined && r.log !== 'nolog')
    drafts.push({
      matches: [],
      statement: logStatement(r.log, env.chain, r.verdict, env.vmid, env.logLimit),
    });
  drafts.push({ matches: [], statement: verdictStatement(r.verdict, env) });
  if (r.iface !== undefined) applyIface(drafts, env, r.iface);
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
  if (r.ip?.src) drafts = applyAddress(drafts, r.ip.src, 'saddr', env);
  if (r.ip?.dst) drafts = applyAddress(drafts, r.ip.dst, 'daddr', env);
  return drafts;
}

export interface SkippedRule {
  readonly origin?: NftRuleOrigin;
  readonly message: string;
}

/**
 * NftRule::from_config_rule: the nft rules of one .fw rule in one chain, or none when it is
 * disabled, of another direction, or cannot be generated (then `skipped` says why).
 */
export function rulesOf(rule: RustRule, env: RuleEnv, skipped: SkippedRule[]): NftRule[] {
  if (rule.disabled) return [];
  const origin = env.origin ? { origin: env.origin } : {};
  try {
    const body = rule.body;
    if (body.kind === 'group') {
      if (env.direction === 'forward' && body.iface !== undefined) return [];
      const drafts: Draft[] = [
        {
          matches: [],
          statement: { kind: 'jump', target: `group-${body.group}-${env.direction}` },
        },
      ];
      if (body.iface !== undefined) applyIface(drafts, env, body.iface);
      return drafts.map((d) => ({ matches: d.matches, statement: d.statement, ...origin }));
    }
    return matchRules(body, env).map((d) => ({
      matches: d.matches,
      statement: d.statement,
      ...origin,
    }));
  } catch (error) {
    if (!(error instanceof SkipRule)) throw error;
    skipped.push({ ...origin, message: `skipping rule: ${error.message}` });
    return [];
  }
}
