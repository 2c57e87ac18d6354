// A firewall file as proxmox-firewall (the nftables backend) reads it: proxmox-ve-config's parser,
// which fails the whole file on its first bad line. `loadRustConfig` returns the parsed file, or
// the line that failed it and the text proxmox-firewall logs ("error updating firewall rules: …").
import type { FileKind } from '../model';
import {
  debugStr,
  fail,
  isAsciiWhitespace,
  matchName,
  perlBool,
  RustError,
  rustTrim,
  rustTrimStart,
  splitKeyValue,
  tryRustInt,
} from './rust-text';
import {
  parseIpsetEntry,
  parseLogLevel,
  parseLogRateLimit,
  parseRustAlias,
  parseRustRule,
  parseVerdict,
  type Direction,
  type IpsetEntry,
  type IpsetScope,
  type LogLevel,
  type LogRateLimit,
  type RustAlias,
  type RustRule,
  type RustVerdict,
} from './rust-types';

export interface RustLocated<T> {
  readonly value: T;
  /** 1-based line of the file. */
  readonly lineNumber: number;
}

export interface RustIpset {
  readonly scope: IpsetScope;
  readonly name: string;
  readonly entries: readonly RustLocated<IpsetEntry>[];
  readonly lineNumber: number;
}

export interface RustGroup {
  readonly name: string;
  readonly rules: readonly RustLocated<RustRule>[];
  readonly lineNumber: number;
}

/** The options proxmox-firewall reads, typed; keys it does not know are ignored (not kept). */
export interface RustOptions {
  readonly bools: ReadonlyMap<string, boolean>;
  readonly ints: ReadonlyMap<string, number>;
  readonly logLevels: ReadonlyMap<string, LogLevel>;
  readonly policies: ReadonlyMap<string, RustVerdict>;
  readonly logRatelimit?: LogRateLimit;
  readonly conntrackHelpers?: readonly string[];
}

export interface RustConfig {
  readonly kind: FileKind;
  readonly options: RustOptions;
  /** Every option line as written, by key (case kept: `ENABLE` is not `enable`). */
  readonly rawOptions: ReadonlyMap<string, RustLocated<string>>;
  readonly rules: readonly RustLocated<RustRule>[];
  /** By lower-cased name. */
  readonly aliases: ReadonlyMap<string, RustLocated<RustAlias>>;
  /** By name as written (case kept). */
  readonly ipsets: ReadonlyMap<string, RustIpset>;
  readonly groups: ReadonlyMap<string, RustGroup>;
}

export interface RustLoadError {
  /** The line that failed the file; undefined for a whole-file failure found after reading. */
  readonly lineNumber?: number;
  readonly message: string;
}

export type RustLoadResult =
  | { readonly ok: true; readonly config: RustConfig }
  | { readonly ok: false; readonly error: RustLoadError };

interface ParserConfig {
  readonly guestIfaceNames: boolean;
  readonly ipsetScope?: IpsetScope;
  readonly allowedDirections: readonly Direction[];
}

const PARSER_CONFIG: Readonly<Record<FileKind, ParserConfig>> = {
  cluster: {
    guestIfaceNames: false,
    ipsetScope: 'dc',
    allowedDirections: ['in', 'out', 'forward'],
  },
  host: { guestIfaceNames: false, allowedDirections: ['in', 'out', 'forward'] },
  guest: { guestIfaceNames: true, ipsetScope: 'guest', allowedDirections: ['in', 'out'] },
  vnet: { guestIfaceNames: false, allowedDirections: ['forward'] },
};

type OptionType = 'bool' | 'i64' | 'log-level' | 'verdict' | 'ratelimit' | 'helpers';

/** The option keys each file kind's Options struct declares, and their types. */
const OPTION_TYPES: Readonly<Record<FileKind, Readonly<Record<string, OptionType>>>> = {
  cluster: {
    enable: 'bool',
    ebtables: 'bool',
    log_ratelimit: 'ratelimit',
    policy_in: 'verdict',
    policy_out: 'verdict',
    policy_forward: 'verdict',
  },
  host: {
    enable: 'bool',
    nftables: 'bool',
    log_level_in: 'log-level',
    log_level_out: 'log-level',
    log_level_forward: 'log-level',
    log_nf_conntrack: 'bool',
    ndp: 'bool',
    nf_conntrack_allow_invalid: 'bool',
    nf_conntrack_helpers: 'helpers',
    nf_conntrack_max: 'i64',
    nf_conntrack_tcp_timeout_established: 'i64',
    nf_conntrack_tcp_timeout_syn_recv: 'i64',
    nosmurfs: 'bool',
    protection_synflood: 'bool',
    protection_synflood_burst: 'i64',
    protection_synflood_rate: 'i64',
    smurf_log_level: 'log-level',
    tcp_flags_log_level: 'log-level',
    tcpflags: 'bool',
  },
  guest: {
    dhcp: 'bool',
    enable: 'bool',
    ipfilter: 'bool',
    ndp: 'bool',
    radv: 'bool',
    log_level_in: 'log-level',
    log_level_out: 'log-level',
    macfilter: 'bool',
    policy_in: 'verdict',
    policy_out: 'verdict',
    policy_forward: 'verdict',
  },
  vnet: { enable: 'bool', policy_forward: 'verdict', log_level_forward: 'log-level' },
};

/** Whether proxmox-firewall reads this option key in this kind of file (else it ignores it). */
export function rustKnowsOption(kind: FileKind, key: string): boolean {
  return Object.hasOwn(OPTION_TYPES[kind], key);
}

/** parse_named_section_tail: ` NAME] # comment`. */
function namedSectionTail(kind: 'ipset' | 'group', line: string): string {
  if (line === '' || !isAsciiWhitespace(line[0])) fail(`incomplete ${kind} section`);
  const trimmed = rustTrimStart(line);
  const name = matchName(trimmed);
  if (!name) fail(`expected a name for the ${kind} at ${debugStr(trimmed)}`);
  if (!name[1].startsWith(']')) fail(`expected closing ']' in ${kind} section header`);
  const rest = rustTrimStart(name[1].slice(1));
  if (rest !== '' && !rest.startsWith('#'))
    fail(`trailing characters after ${kind} section: ${debugStr(rest)}`);
  return name[0];
}

/** `BufRead::lines`: split at `\n`, one `\r` before it dropped. */
function rustLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

type Section =
  | { readonly kind: 'none' | 'options' | 'aliases' | 'rules' }
  | { readonly kind: 'ipset'; readonly set: MutableIpset }
  | { readonly kind: 'group'; readonly group: MutableGroup };

interface MutableIpset {
  scope: IpsetScope;
  name: string;
  entries: RustLocated<IpsetEntry>[];
  lineNumber: number;
}
interface MutableGroup {
  name: string;
  rules: RustLocated<RustRule>[];
  lineNumber: number;
}

function typedOption(type: OptionType, value: string): unknown {
  switch (type) {
    case 'bool':
      return perlBool(value);
    case 'i64': {
      const n = tryRustInt(value, 'i64');
      if (typeof n === 'string')
        fail(`invalid value: string ${debugStr(value)}, expected a i64-ish...`);
      return n;
    }
    case 'log-level':
      return parseLogLevel(value);
    case 'verdict':
      return parseVerdict(value);
    case 'ratelimit':
      return parseLogRateLimit(value);
    case 'helpers':
      return value === '' ? undefined : value.split(',');
  }
}

function typedOptions(
  kind: FileKind,
  raw: ReadonlyMap<string, RustLocated<string>>,
  lineOf: { line?: number | undefined },
): RustOptions {
  const bools = new Map<string, boolean>();
  const ints = new Map<string, number>();
  const logLevels = new Map<string, LogLevel>();
  const policies = new Map<string, RustVerdict>();
  let logRatelimit: LogRateLimit | undefined;
  let conntrackHelpers: readonly string[] | undefined;
  for (const [key, { value, lineNumber }] of raw) {
    const type = Object.hasOwn(OPTION_TYPES[kind], key) ? OPTION_TYPES[kind][key] : undefined;
    if (type === undefined) continue;
    lineOf.line = lineNumber;
    const typed = typedOption(type, value);
    if (type === 'bool') bools.set(key, typed as boolean);
    else if (type === 'i64') ints.set(key, typed as number);
    else if (type === 'log-level') logLevels.set(key, typed as LogLevel);
    else if (type === 'verdict') policies.set(key, typed as RustVerdict);
    else if (type === 'ratelimit') logRatelimit = typed as LogRateLimit;
    else conntrackHelpers = typed as readonly string[] | undefined;
  }
  lineOf.line = undefined;
  return {
    bools,
    ints,
    logLevels,
    policies,
    ...(logRatelimit ? { logRatelimit } : {}),
    ...(conntrackHelpers ? { conntrackHelpers } : {}),
  };
}

/** Loads one file as proxmox-ve-config does for its kind (Config::parse of cluster/host/guest/bridge). */
export function loadRustConfig(text: string, kind: FileKind): RustLoadResult {
  const where: { line?: number | undefined } = {};
  try {
    return { ok: true, config: parseRustConfig(text, kind, where) };
  } catch (error) {
    if (!(error instanceof RustError)) throw error;
    return {
      ok: false,
      error: {
        ...(where.line !== undefined ? { lineNumber: where.line } : {}),
        message: error.message,
      },
    };
  }
}

function parseRustConfig(
  text: string,
  kind: FileKind,
  where: { line?: number | undefined },
): RustConfig {
  const parser = PARSER_CONFIG[kind];
  const rawOptions = new Map<string, RustLocated<string>>();
  const rules: RustLocated<RustRule>[] = [];
  const aliases = new Map<string, RustLocated<RustAlias>>();
  const ipsets = new Map<string, RustIpset>();
  const groups = new Map<string, RustGroup>();
  let section = { kind: 'none' } as Section;

  const setSection = (to: Section): void => {
    const prev = section;
    section = to;
    if (prev.kind === 'ipset') {
      where.line = prev.set.lineNumber;
      if (ipsets.has(prev.set.name)) fail(`duplicate ipset: ${debugStr(prev.set.name)}`);
      ipsets.set(prev.set.name, prev.set);
    } else if (prev.kind === 'group') {
      where.line = prev.group.lineNumber;
      if (groups.has(prev.group.name)) fail(`duplicate group: ${debugStr(prev.group.name)}`);
      groups.set(prev.group.name, prev.group);
    }
  };

  const lines = rustLines(text);
  for (const [i, raw] of lines.entries()) {
    const lineNumber = i + 1;
    const line = rustTrim(raw);
    if (line === '' || line.startsWith('#')) continue;
    where.line = lineNumber;
    const upper = line.replace(/[a-z]/g, (c) => c.toUpperCase());
    if (upper === '[OPTIONS]') setSection({ kind: 'options' });
    else if (upper === '[ALIASES]') setSection({ kind: 'aliases' });
    else if (upper === '[RULES]') setSection({ kind: 'rules' });
    else if (line.startsWith('[IPSET')) {
      const name = namedSectionTail('ipset', line.slice('[IPSET'.length));
      if (parser.ipsetScope === undefined)
        fail('IPSET in config, but no scope set in parser config');
      setSection({
        kind: 'ipset',
        set: { scope: parser.ipsetScope, name, entries: [], lineNumber },
      });
    } else if (line.startsWith('[group')) {
      const name = namedSectionTail('group', line.slice('[group'.length));
      setSection({ kind: 'group', group: { name, rules: [], lineNumber } });
    } else if (line.startsWith('[')) fail(`invalid section ${debugStr(line)}`);
    else {
      const current = section;
      switch (current.kind) {
        case 'none':
          fail(`config line with no section: ${debugStr(line)}`);
          break;
        case 'options': {
          const kv = splitKeyValue(line);
          if (!kv) fail(`expected colon separated key and value, found ${debugStr(line)}`);
          if (rawOptions.has(kv[0])) fail(`duplicate option ${debugStr(kv[0])}`);
          rawOptions.set(kv[0], { value: kv[1], lineNumber });
          break;
        }
        case 'aliases': {
          const alias = parseRustAlias(line);
          if (aliases.has(alias.name)) fail(`duplicate alias: ${line}`);
          aliases.set(alias.name, { value: alias, lineNumber });
          break;
        }
        case 'rules':
          rules.push({ value: checkedRule(line, parser), lineNumber });
          break;
        case 'ipset':
          current.set.entries.push({ value: parseIpsetEntry(line), lineNumber });
          break;
        case 'group':
          current.group.rules.push({ value: parseRustRule(line), lineNumber });
          break;
      }
    }
  }
  setSection({ kind: 'none' });
  const options = typedOptions(kind, rawOptions, where);
  where.line = undefined;

  const declared = (what: string, has: boolean, lineOfFirst: number | undefined): void => {
    if (!has) return;
    if (lineOfFirst !== undefined) where.line = lineOfFirst;
    fail(`${kind === 'host' ? 'host' : 'guest'} firewall config cannot declare ${what}`);
  };
  if (kind === 'host' || kind === 'guest')
    declared('groups', groups.size > 0, [...groups.values()][0]?.lineNumber);
  if (kind === 'host') {
    declared('aliases', aliases.size > 0, [...aliases.values()][0]?.lineNumber);
    declared('ipsets', ipsets.size > 0, [...ipsets.values()][0]?.lineNumber);
  }
  return { kind, options, rawOptions, rules, aliases, ipsets, groups };
}

function checkedRule(line: string, parser: ParserConfig): RustRule {
  const rule = parseRustRule(line);
  const iface = rule.body.iface;
  if (parser.guestIfaceNames && iface !== undefined) {
    const n = iface.startsWith('net') ? tryRustInt(iface.slice(3), 'u16') : 'no';
    if (typeof n === 'string') fail('interface name must be of the form "net<number>"');
  }
  if (rule.body.kind === 'match' && !parser.allowedDirections.includes(rule.body.dir))
    fail(`found not allowed direction in firewall config: ${rule.body.dir}`);
  return rule;
}
