// The values of proxmox-ve-config's firewall files, parsed as its Rust types parse them: rules and
// their options, address lists, ipset and alias names, ports, ICMP types, log levels, the log
// rate limit. Each parser returns the value or throws RustError with Rust's own text.
import { SERVICES } from '../facts';
import {
  debugStr,
  fail,
  matchName,
  matchNonWhitespace,
  parseBool,
  parseRustInt,
  RustError,
  rustTrim,
  rustTrimStart,
  tryCidr,
  tryRange,
  tryRustInt,
  type Family,
  type RustCidr,
  type RustRange,
} from './rust-text';

export type Direction = 'in' | 'out' | 'forward';
export type RustVerdict = 'ACCEPT' | 'REJECT' | 'DROP';
export type LogLevel =
  'nolog' | 'emerg' | 'alert' | 'crit' | 'err' | 'warn' | 'notice' | 'info' | 'debug';

/** Direction::from_str: IN, OUT, FORWARD in any case. */
export function parseDirection(text: string): Direction {
  for (const d of ['IN', 'OUT', 'FORWARD'])
    if (text.toUpperCase() === d && /^[A-Za-z]+$/.test(text)) return d.toLowerCase() as Direction;
  return fail(`invalid direction: ${debugStr(text)}, expect 'IN', 'OUT' or 'FORWARD'`);
}

/** Verdict::from_str: ACCEPT, REJECT, DROP in any case. */
export function parseVerdict(text: string): RustVerdict {
  const upper = text.toUpperCase();
  if (/^[A-Za-z]+$/.test(text) && (upper === 'ACCEPT' || upper === 'REJECT' || upper === 'DROP'))
    return upper;
  return fail(`invalid verdict ${debugStr(text)}, expected one of 'ACCEPT', 'REJECT' or 'DROP'`);
}

const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  nolog: 'nolog',
  emerg: 'emerg',
  alert: 'alert',
  crit: 'crit',
  err: 'err',
  warn: 'warn',
  warning: 'warn',
  notice: 'notice',
  info: 'info',
  debug: 'debug',
};

/** LogLevel::from_str: lower case only; `warning` is `warn`. */
export function parseLogLevel(text: string): LogLevel {
  const level = Object.hasOwn(LOG_LEVELS, text) ? LOG_LEVELS[text] : undefined;
  return level ?? fail(`invalid log level ${debugStr(text)}`);
}

// ---- addresses -------------------------------------------------------------------------------

export type IpEntry = { readonly kind: 'cidr'; readonly cidr: RustCidr } | RustRangeEntry;
interface RustRangeEntry {
  readonly kind: 'range';
  readonly range: RustRange;
}

export interface IpList {
  readonly family: Family;
  readonly entries: readonly IpEntry[];
}

export function parseIpEntry(text: string): IpEntry {
  const cidr = tryCidr(text);
  if (typeof cidr !== 'string') return { kind: 'cidr', cidr };
  const range = tryRange(text);
  if (typeof range !== 'string') return { kind: 'range', range };
  return fail(`Invalid IP entry: ${text}`);
}

function entryFamily(e: IpEntry): Family {
  return e.kind === 'cidr' ? e.cidr.family : e.range.family;
}

export function parseIpList(text: string): IpList {
  if (text === '') fail('Empty IP specification!');
  const entries: IpEntry[] = [];
  let family: Family | undefined;
  for (const element of text.split(',')) {
    const entry = parseIpEntry(element);
    if (family !== undefined && family !== entryFamily(entry))
      fail('Incompatible families in IPList!');
    family ??= entryFamily(entry);
    entries.push(entry);
  }
  return { family: family!, entries };
}

export type IpsetScope = 'dc' | 'guest' | 'sdn';
export type AliasScope = 'dc' | 'guest';

/** `+scope/name` (scoped) or `+name` (legacy); names keep their case. */
export type RuleIpsetName =
  | { readonly kind: 'scoped'; readonly scope: IpsetScope; readonly name: string }
  | { readonly kind: 'legacy'; readonly name: string };

/** `scope/name` (scoped) or `name` (legacy); names are lower-cased. */
export type RuleAliasName =
  | { readonly kind: 'scoped'; readonly scope: AliasScope; readonly name: string }
  | { readonly kind: 'legacy'; readonly name: string };

function parseIpsetScope(text: string): IpsetScope {
  if (text === '+dc') return 'dc';
  if (text === '+guest') return 'guest';
  if (text === '+sdn') return 'sdn';
  return fail(`invalid scope for ipset: ${text}`);
}

export function parseIpsetName(text: string): { scope: IpsetScope; name: string } {
  const at = text.indexOf('/');
  if (at === -1 || at === text.length - 1) fail(`Invalid IPSet name: ${text}`);
  return { scope: parseIpsetScope(text.slice(0, at)), name: text.slice(at + 1) };
}

export function parseLegacyIpsetName(text: string): string {
  if (!text.startsWith('+')) fail(`ipset name does not start with '+': ${text}`);
  const m = matchName(text.slice(1));
  if (m && m[1] === '') return m[0];
  return fail(`not a valid ipset name: ${text}`);
}

function attempt<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RustError) return undefined;
    throw error;
  }
}

export function parseRuleIpsetName(text: string): RuleIpsetName {
  const scoped = attempt(() => parseIpsetName(text));
  if (scoped) return { kind: 'scoped', ...scoped };
  const legacy = attempt(() => parseLegacyIpsetName(text));
  if (legacy !== undefined) return { kind: 'legacy', name: legacy };
  return fail(`is neither a valid scoped nor legacy ipset name: ${text}`);
}

export function parseAliasName(text: string): { scope: AliasScope; name: string } {
  const at = text.indexOf('/');
  if (at === -1 || at === text.length - 1) fail('Invalid Alias name!');
  const prefix = text.slice(0, at);
  if (prefix !== 'dc' && prefix !== 'guest') fail(`invalid scope for alias: ${prefix}`);
  return { scope: prefix, name: asciiLower(text.slice(at + 1)) };
}

export function parseLegacyAliasName(text: string): string {
  const m = matchName(text);
  if (m && m[1] === '') return m[0].toLowerCase();
  return fail(`not a valid alias name: ${text}`);
}

export function parseRuleAliasName(text: string): RuleAliasName {
  const scoped = attempt(() => parseAliasName(text));
  if (scoped) return { kind: 'scoped', ...scoped };
  const legacy = attempt(() => parseLegacyAliasName(text));
  if (legacy !== undefined) return { kind: 'legacy', name: legacy };
  return fail(`invalid alias name: ${text}`);
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export type IpAddrMatch =
  | { readonly kind: 'ip'; readonly list: IpList }
  | { readonly kind: 'set'; readonly set: RuleIpsetName }
  | { readonly kind: 'alias'; readonly alias: RuleAliasName };

export function parseIpAddrMatch(text: string): IpAddrMatch {
  if (text === '') fail('empty IP specification');
  const list = attempt(() => parseIpList(text));
  if (list) return { kind: 'ip', list };
  const set = attempt(() => parseRuleIpsetName(text));
  if (set) return { kind: 'set', set };
  const alias = attempt(() => parseRuleAliasName(text));
  if (alias) return { kind: 'alias', alias };
  return fail(`invalid IP specification: ${text}`);
}

// ---- ports -----------------------------------------------------------------------------------

/** /etc/services as a PVE node has it (netbase): every name and alias to its port. */
const NAMED_PORTS: ReadonlyMap<string, number> = new Map(SERVICES.map((s) => [s.name, s.port]));

export type PortEntry = readonly [number, number];

function parsePort(text: string): number {
  const n = tryRustInt(text, 'u16');
  if (typeof n === 'number') return n;
  const named = NAMED_PORTS.get(text);
  if (named !== undefined) return named;
  return fail(`invalid port specification: ${text}`);
}

export function parsePortEntry(text: string): PortEntry {
  const trimmed = rustTrim(text);
  const colon = trimmed.indexOf(':');
  if (colon === -1) {
    const port = parsePort(text);
    return [port, port];
  }
  const first = parsePort(trimmed.slice(0, colon));
  const second = parsePort(trimmed.slice(colon + 1));
  if (first > second) fail('start port is greater than end port!');
  return [first, second];
}

export function parsePortList(text: string): readonly PortEntry[] {
  if (text === '') fail('empty port specification');
  return rustTrim(text)
    .split(',')
    .map((e) => parsePortEntry(e));
}

// ---- ICMP ------------------------------------------------------------------------------------

export interface IcmpMatch {
  /** A type by number or nft name; 'any' matches every type; undefined: no type given. */
  readonly type?: number | string;
  readonly code?: number;
}

const ICMP_TYPES: Readonly<Record<string, number>> = {
  'address-mask-reply': 18,
  'address-mask-request': 17,
  'destination-unreachable': 3,
  'echo-reply': 0,
  'echo-request': 8,
  'info-reply': 16,
  'info-request': 15,
  'parameter-problem': 12,
  redirect: 5,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'source-quench': 4,
  'time-exceeded': 11,
  'timestamp-reply': 14,
  'timestamp-request': 13,
};

/** iptables names nftables lacks, as type and code (IPv4). */
const ICMP_IPTABLES_NAMES: Readonly<Record<string, readonly [number, number]>> = {
  'network-unreachable': [3, 0],
  'host-unreachable': [3, 1],
  'protocol-unreachable': [3, 2],
  'port-unreachable': [3, 3],
  'fragmentation-needed': [3, 4],
  'source-route-failed': [3, 5],
  'network-unknown': [3, 6],
  'host-unknown': [3, 7],
  'network-prohibited': [3, 9],
  'host-prohibited': [3, 10],
  'TOS-network-unreachable': [3, 11],
  'TOS-host-unreachable': [3, 12],
  'communication-prohibited': [3, 13],
  'host-precedence-violation': [3, 14],
  'precedence-cutoff': [3, 15],
  'network-redirect': [5, 0],
  'host-redirect': [5, 1],
  'TOS-network-redirect': [5, 2],
  'TOS-host-redirect': [5, 3],
  'ttl-zero-during-transit': [11, 0],
  'ttl-zero-during-reassembly': [11, 1],
  'ip-header-bad': [12, 0],
  'required-option-missing': [12, 1],
};

export const ICMPV6_TYPES: Readonly<Record<string, number>> = {
  'destination-unreachable': 1,
  'echo-reply': 129,
  'echo-request': 128,
  'ind-neighbor-advert': 142,
  'ind-neighbor-solicit': 141,
  'mld-listener-done': 132,
  'mld-listener-query': 130,
  'mld-listener-reduction': 132,
  'mld-listener-report': 131,
  'mld2-listener-report': 143,
  'nd-neighbor-advert': 136,
  'nd-neighbor-solicit': 135,
  'nd-redirect': 137,
  'nd-router-advert': 134,
  'nd-router-solicit': 133,
  'packet-too-big': 2,
  'parameter-problem': 4,
  'router-renumbering': 138,
  'time-exceeded': 3,
};

/**
 * iptables ICMPv6 names nftables lacks. proxmox-ve-config spells one key `reject-route'` (with a
 * stray quote), so `reject-route` itself is no valid ICMPv6 type there.
 */
const ICMPV6_IPTABLES_NAMES: Readonly<Record<string, readonly [number, number] | string>> = {
  'no-route': [1, 0],
  'communication-prohibited': [1, 1],
  'beyond-scope': [1, 2],
  'address-unreachable': [1, 3],
  'port-unreachable': [1, 4],
  'failed-policy': [1, 5],
  "reject-route'": [1, 6],
  'ttl-zero-during-transit': [3, 0],
  'ttl-zero-during-reassembly': [3, 1],
  'bad-header': [4, 0],
  'unknown-header-type': [4, 1],
  'unknown-option': [4, 2],
  'router-solicitation': 'nd-router-solicit',
  'router-advertisement': 'nd-router-advert',
  'neighbor-solicitation': 'nd-neighbor-solicit',
  'neighbour-solicitation': 'nd-neighbor-solicit',
  'neighbor-advertisement': 'nd-neighbor-advert',
  'neighbour-advertisement': 'nd-neighbor-advert',
  redirect: 'nd-redirect',
};

function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function icmpTypeOf(
  text: string,
  names: Readonly<Record<string, number>>,
  what: string,
): number | string {
  if (text.toLowerCase() === 'any') return 'any';
  const n = tryRustInt(rustTrim(text), 'u8');
  if (typeof n === 'number') return n;
  if (own(names, text) !== undefined) return text;
  return fail(`${debugStr(text)} is not a valid ${what} type`);
}

export function parseIcmp(text: string): IcmpMatch {
  const mapped = own(ICMP_IPTABLES_NAMES, text);
  if (mapped) return { type: mapped[0], code: mapped[1] };
  const type = attempt(() => icmpTypeOf(text, ICMP_TYPES, 'icmp'));
  if (type !== undefined) return { type };
  return fail('supplied string is neither a valid icmp type nor code');
}

export function parseIcmpv6(text: string): IcmpMatch {
  const mapped = own(ICMPV6_IPTABLES_NAMES, text);
  if (typeof mapped === 'string') return { type: mapped };
  if (mapped) return { type: mapped[0], code: mapped[1] };
  const type = attempt(() => icmpTypeOf(text, ICMPV6_TYPES, 'icmpv6'));
  if (type !== undefined) return { type };
  return fail('supplied string is not a valid icmpv6 type');
}

/** The number of an ICMP type as nft names it, per family. */
export function icmpTypeNumber(type: number | string, family: Family): number | undefined {
  if (typeof type === 'number') return type;
  return own(family === 4 ? ICMP_TYPES : ICMPV6_TYPES, type);
}

// ---- rule options, protocols, rules ------------------------------------------------------------

/** The options of a rule line, by field (aliases `p` and `i` folded in). */
export interface RuleOptions {
  readonly proto?: string;
  readonly dport?: string;
  readonly sport?: string;
  readonly dest?: string;
  readonly source?: string;
  readonly iface?: string;
  readonly log?: LogLevel;
  readonly icmpType?: string;
}

const OPTION_FIELDS: Readonly<Record<string, keyof RuleOptions>> = {
  proto: 'proto',
  p: 'proto',
  dport: 'dport',
  sport: 'sport',
  dest: 'dest',
  source: 'source',
  iface: 'iface',
  i: 'iface',
  log: 'log',
  'icmp-type': 'icmpType',
};
const EXPECTED_FIELDS = Object.keys(OPTION_FIELDS)
  .map((k) => `\`${k}\``)
  .join(', ');

/** RuleOptions::from_str: `-name value` pairs (a second dash optional), then serde's checks. */
export function parseRuleOptions(line: string): RuleOptions {
  const raw = new Map<string, string>();
  let rest = line;
  for (;;) {
    rest = rustTrimStart(rest);
    if (rest === '') break;
    if (!rest.startsWith('-')) fail("expected an option starting with '-'");
    rest = rest.slice(1);
    if (rest.startsWith('-')) rest = rest.slice(1);
    const name = matchName(rest);
    if (!name) fail("expected a parameter name after '-'");
    const param = name[0];
    const value = matchNonWhitespace(rustTrimStart(name[1]));
    if (!value) fail(`expected a value for ${debugStr(param)}`);
    if (raw.has(param)) fail(`duplicate option in rule: ${param}`);
    raw.set(param, value[0]);
    rest = value[1];
  }
  const out: Record<string, string> = {};
  for (const [param, value] of raw) {
    const field = own(OPTION_FIELDS, param);
    if (field === undefined) fail(`unknown field \`${param}\`, expected one of ${EXPECTED_FIELDS}`);
    if (field in out) fail(`duplicate field \`${field === 'icmpType' ? 'icmp-type' : field}\``);
    out[field] = field === 'log' ? parseLogLevel(value) : value;
  }
  return out;
}

export interface Ports {
  readonly sport?: readonly PortEntry[];
  readonly dport?: readonly PortEntry[];
}

/** What `-p` makes of the rest: which options each protocol reads (the others are dropped). */
export type Protocol =
  | { readonly kind: 'ports'; readonly name: 'tcp' | 'udp' | 'dccp' | 'sctp' | 'udplite' }
  | { readonly kind: 'icmp'; readonly icmp: IcmpMatch }
  | { readonly kind: 'icmpv6'; readonly icmp: IcmpMatch }
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'numeric'; readonly number: number };

export type ProtocolMatch = Protocol & { readonly ports?: Ports };

function portsOf(options: RuleOptions): Ports {
  const sport = options.sport !== undefined ? parsePortList(options.sport) : undefined;
  const dport = options.dport !== undefined ? parsePortList(options.dport) : undefined;
  return { ...(sport ? { sport } : {}), ...(dport ? { dport } : {}) };
}

const PORT_PROTOCOLS: Readonly<Record<string, 'tcp' | 'udp' | 'dccp' | 'sctp' | 'udplite'>> = {
  dccp: 'dccp',
  '33': 'dccp',
  sctp: 'sctp',
  '132': 'sctp',
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  udplite: 'udplite',
  '136': 'udplite',
};

export function protocolFromOptions(options: RuleOptions): ProtocolMatch | undefined {
  const proto = options.proto;
  if (proto === undefined) return undefined;
  const ported = own(PORT_PROTOCOLS, proto);
  if (ported) return { kind: 'ports', name: ported, ports: portsOf(options) };
  if (proto === 'icmp' || proto === '1')
    return { kind: 'icmp', icmp: options.icmpType ? parseIcmp(options.icmpType) : {} };
  if (proto === 'ipv6-icmp' || proto === 'icmpv6' || proto === '58')
    return { kind: 'icmpv6', icmp: options.icmpType ? parseIcmpv6(options.icmpType) : {} };
  const n = tryRustInt(proto, 'u8');
  if (typeof n === 'number') return { kind: 'numeric', number: n };
  return { kind: 'named', name: proto };
}

export interface IpMatch {
  readonly src?: IpAddrMatch;
  readonly dst?: IpAddrMatch;
}

function ipMatchFromOptions(options: RuleOptions): IpMatch | undefined {
  const src = options.source !== undefined ? parseIpAddrMatch(options.source) : undefined;
  const dst = options.dest !== undefined ? parseIpAddrMatch(options.dest) : undefined;
  if (!src && !dst) return undefined;
  if (src?.kind === 'ip' && dst?.kind === 'ip' && src.list.family !== dst.list.family)
    fail('src and dst family must be equal');
  return { ...(src ? { src } : {}), ...(dst ? { dst } : {}) };
}

export interface RuleMatch {
  readonly kind: 'match';
  readonly dir: Direction;
  readonly verdict: RustVerdict;
  readonly macro?: string;
  readonly iface?: string;
  readonly log?: LogLevel;
  readonly ip?: IpMatch;
  readonly proto?: ProtocolMatch;
}

export interface RuleGroup {
  readonly kind: 'group';
  readonly group: string;
  readonly iface?: string;
}

export interface RustRule {
  readonly disabled: boolean;
  readonly body: RuleMatch | RuleGroup;
  readonly comment?: string;
}

export function ruleMatchFromOptions(
  dir: Direction,
  verdict: RustVerdict,
  macro: string | undefined,
  options: RuleOptions,
): RuleMatch {
  if (options.dport !== undefined && options.icmpType !== undefined)
    fail('dport and icmp-type are mutually exclusive');
  const ip = ipMatchFromOptions(options);
  const proto = protocolFromOptions(options);
  return {
    kind: 'match',
    dir,
    verdict,
    ...(macro !== undefined ? { macro } : {}),
    ...(options.iface !== undefined ? { iface: options.iface } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
    ...(ip ? { ip } : {}),
    ...(proto ? { proto } : {}),
  };
}

/** parse_action: `VERDICT` or `Macro(VERDICT)`, and the rest of the line. */
export function parseAction(line: string): [string | undefined, RustVerdict, string] {
  const first = matchName(line);
  if (!first) fail('expected a verdict or macro name');
  const [word, rest] = first;
  if (rest.startsWith('(')) {
    const inner = matchName(rest.slice(1));
    if (!inner) fail('expected a verdict');
    if (!inner[1].startsWith(')')) fail("expected closing ')' after verdict");
    return [word, parseVerdict(inner[0]), rustTrimStart(inner[1].slice(1))];
  }
  return [undefined, parseVerdict(word), rustTrimStart(rest)];
}

function parseRuleMatch(line: string): RuleMatch {
  const dir = matchName(line);
  if (!dir) fail('expected a direction');
  const direction = parseDirection(dir[0]);
  const [macro, verdict, rest] = parseAction(rustTrimStart(dir[1]));
  return ruleMatchFromOptions(direction, verdict, macro, parseRuleOptions(rustTrimStart(rest)));
}

function parseRuleGroup(line: string): RuleGroup {
  const keyword = matchName(line);
  if (!keyword) fail('expected a leading keyword in rule group');
  if (keyword[0].toLowerCase() !== 'group') fail('Expected keyword GROUP');
  const name = matchName(rustTrim(keyword[1]));
  if (!name) fail('expected a name for rule group');
  const options = parseRuleOptions(rustTrimStart(name[1]));
  const { iface, ...others } = options;
  if (Object.keys(others).length > 0) fail('only interface parameter is permitted for group rules');
  return { kind: 'group', group: name[0], ...(iface !== undefined ? { iface } : {}) };
}

/** Rule::from_str: a comment after the first `#`, `|` for disabled, `GROUP` (upper case) or a match. */
export function parseRustRule(input: string): RustRule {
  if (/[\n\r]/.test(input)) fail('rule must not contain any newlines!');
  const hash = input.indexOf('#');
  let line = rustTrim(input);
  let comment: string | undefined;
  if (hash !== -1 && hash < input.length - 1) {
    line = rustTrim(input.slice(0, hash));
    comment = rustTrim(input.slice(hash + 1));
  }
  let disabled = false;
  if (line.startsWith('|')) {
    disabled = true;
    line = rustTrimStart(line.slice(1));
  }
  const body = line.startsWith('GROUP') ? parseRuleGroup(line) : parseRuleMatch(line);
  return { disabled, body, ...(comment !== undefined ? { comment } : {}) };
}

// ---- aliases, ipset entries, log rate limit ----------------------------------------------------

export interface RustAlias {
  readonly name: string;
  readonly address: RustCidr;
  readonly comment?: string;
}

export function parseRustAlias(text: string): RustAlias {
  const name = matchName(rustTrimStart(text));
  if (!name) fail('expected an alias name');
  const address = matchNonWhitespace(rustTrimStart(name[1]));
  if (!address) fail(`expected a value for alias ${debugStr(name[0])}`);
  const cidr = tryCidr(address[0]);
  if (typeof cidr === 'string') fail(cidr);
  const rest = rustTrimStart(address[1]);
  if (rest !== '' && !rest.startsWith('#')) fail(`trailing characters in alias: ${debugStr(rest)}`);
  return {
    name: asciiLower(name[0]),
    address: cidr,
    ...(rest.startsWith('#') ? { comment: rustTrim(rest.slice(1)) } : {}),
  };
}

export type IpsetAddress =
  | { readonly kind: 'cidr'; readonly cidr: RustCidr }
  | { readonly kind: 'alias'; readonly alias: RuleAliasName };

export function parseIpsetAddress(text: string): IpsetAddress {
  const cidr = tryCidr(text);
  if (typeof cidr !== 'string') return { kind: 'cidr', cidr };
  const alias = attempt(() => parseRuleAliasName(text));
  if (alias) return { kind: 'alias', alias };
  return fail(`Invalid address in IPSet: ${text}`);
}

export interface IpsetEntry {
  readonly nomatch: boolean;
  readonly address: IpsetAddress;
  readonly comment?: string;
}

export function parseIpsetEntry(text: string): IpsetEntry {
  let line = rustTrimStart(text);
  const nomatch = line.startsWith('!');
  if (nomatch) line = line.slice(1);
  const value = matchNonWhitespace(rustTrimStart(line));
  if (!value) fail('missing value');
  const address = parseIpsetAddress(value[0]);
  const rest = rustTrimStart(value[1]);
  if (rest !== '' && !rest.startsWith('#'))
    fail(`trailing characters in ipset entry: ${debugStr(rest)}`);
  return {
    nomatch,
    address,
    ...(rest.startsWith('#') ? { comment: rustTrim(rest.slice(1)) } : {}),
  };
}

export interface LogRateLimit {
  readonly enabled: boolean;
  readonly rate: number;
  readonly per: 'second' | 'minute' | 'hour' | 'day';
  readonly burst: number;
}

export const DEFAULT_LOG_RATELIMIT: LogRateLimit = {
  enabled: true,
  rate: 1,
  per: 'second',
  burst: 5,
};

export function parseLogRateLimit(text: string): LogRateLimit {
  let limit: { -readonly [K in keyof LogRateLimit]: LogRateLimit[K] } = {
    ...DEFAULT_LOG_RATELIMIT,
  };
  for (const element of text.split(',')) {
    const eq = element.indexOf('=');
    if (eq === -1) {
      limit.enabled = parseBool(element);
      continue;
    }
    const key = element.slice(0, eq);
    const value = element.slice(eq + 1);
    if (key === '' || value === '') fail('invalid value in log_ratelimit');
    if (key === 'enable') limit.enabled = parseBool(value);
    else if (key === 'burst') limit.burst = parseRustInt(value, 'i64');
    else if (key === 'rate') {
      const slash = value.indexOf('/');
      if (slash === -1) limit.rate = parseRustInt(value, 'i64');
      else {
        const unit = value.slice(slash + 1);
        if (unit === '') fail('empty unit specification');
        limit = { ...limit, rate: parseRustInt(value.slice(0, slash), 'i64') };
        if (unit !== 'second' && unit !== 'minute' && unit !== 'hour' && unit !== 'day')
          fail('Invalid time scale provided');
        limit.per = unit;
      }
    } else fail('Invalid value for Key found in log_ratelimit!');
  }
  return limit;
}
