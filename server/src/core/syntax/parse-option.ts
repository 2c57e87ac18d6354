import { CONNTRACK_HELPERS } from '../facts';
import { ETHERTYPES } from '../facts';
import { LOG_LEVELS } from '../facts';
import type { FileKind } from '../facts';
import { validateLogRatelimit } from './log-ratelimit';
import { NWS, WS, perlSplitComma, trimPerlSpaceEnd } from './perl-text';
import { asciiLower } from './perl-text';
import { SourceToken, type LineError, type OptionLine, type Token } from './tree';
import type { SourceLine } from './source-lines';

type Store = 'int' | 'lower' | 'upper' | 'raw' | 'level';
type Verify = (value: string) => string | undefined;

interface OptionSyntax {
  readonly pattern: RegExp;
  readonly store: Store;
  readonly verify?: Verify;
  readonly fatal?: boolean;
}

const LEVELS = LOG_LEVELS.join('|');
// Proxmox's `(\S+)?\s*$` after a level that may itself end in blanks: the level's own blanks
// take them all, so the tail is left out there (two adjacent \s* would backtrack quadratically).
const LEVEL_VALUE = `((?:${LEVELS})${WS}*)?`;

function rule(
  keys: string,
  value: string,
  store: Store,
  flags = 'is',
  extra: Partial<OptionSyntax> = {},
): OptionSyntax {
  const tail = value === LEVEL_VALUE ? '$' : `${WS}*$`;
  return { pattern: new RegExp(`^(${keys}):${WS}*${value}${tail}`, flags + 'd'), store, ...extra };
}

const ethertypeNames = new Set(ETHERTYPES.flatMap((e) => [e.name, e.id]));
const helperNames = new Set(CONNTRACK_HELPERS);

function verifyEthertypes(value: string): string | undefined {
  // Proxmox splits on /\s*,\s*/; the value holds no blanks, so commas alone matter.
  for (const item of perlSplitComma(value)) {
    if (!ethertypeNames.has(item)) return `unknown ethernet protocol type: ${item}`;
  }
  return undefined;
}

function verifyHelpers(value: string): string | undefined {
  const items = perlSplitComma(value);
  if (items.join(',') !== value) return 'extraneous commas in list';
  for (const item of items) {
    if (!helperNames.has(item)) return `unknown helper ${item}`;
  }
  return undefined;
}

// One table per kind, in the order of pve-firewall's parse_*fw_option regexes. The value
// groups `(((\S+)[,]?)+)` of Proxmox are written as the equivalent `(\S+)`.
const OPTION_SYNTAX: Record<FileKind, readonly OptionSyntax[]> = {
  guest: [
    rule('enable|dhcp|ndp|radv|macfilter|ipfilter|ips', '(0|1)', 'int'),
    rule('log_level_in|log_level_out', LEVEL_VALUE, 'level'),
    rule('policy_(?:in|out)', '(ACCEPT|DROP|REJECT)', 'upper'),
    rule('ips_queues', '([0-9]+(?::[0-9]+)?)', 'raw'),
    rule('layer2_protocols', `(${NWS}+)`, 'raw', 'is', { verify: verifyEthertypes }),
  ],
  host: [
    rule(
      'enable|nosmurfs|tcpflags|ndp|log_nf_conntrack|nf_conntrack_allow_invalid|protection_synflood|nftables',
      '(0|1)',
      'int',
    ),
    rule('log_level_(?:in|out|forward)|tcp_flags_log_level|smurf_log_level', LEVEL_VALUE, 'level'),
    rule('nf_conntrack_helpers', `(${NWS}+)`, 'lower', 'is', { verify: verifyHelpers }),
    rule(
      'nf_conntrack_max|nf_conntrack_tcp_timeout_established|nf_conntrack_tcp_timeout_syn_recv|protection_synflood_rate|protection_synflood_burst|protection_limit',
      '([0-9]+)',
      'int',
    ),
  ],
  cluster: [
    rule('enable', '([0-9]+)', 'int'),
    rule('ebtables', '(0|1)', 'int'),
    rule('policy_(?:in|out|forward)', '(ACCEPT|DROP|REJECT)', 'upper'),
    // The only key Proxmox matches case-sensitively; a bad value kills the whole cluster.fw.
    rule('log_ratelimit', `(${NWS}+)`, 'raw', 's', { verify: validateLogRatelimit, fatal: true }),
  ],
  vnet: [
    rule('enable', '([0-9]+)', 'int'),
    rule('policy_forward', '(ACCEPT|DROP)', 'upper'),
    rule('log_level_forward', `(${LEVELS})`, 'lower'),
  ],
};

function stored(value: string, store: Store): string {
  switch (store) {
    case 'int':
      return String(parseInt(value, 10));
    case 'lower':
      return asciiLower(value);
    case 'upper':
      return value.toUpperCase();
    case 'level':
      return asciiLower(trimPerlSpaceEnd(value));
    case 'raw':
      return value;
  }
}

/** Parses an [OPTIONS] line with the option parser of the file's kind. */
export function parseOptionLine(line: SourceLine, kind: FileKind): OptionLine {
  const { content, start } = line;
  const whole = { start, end: start + content.length };
  for (const syntax of OPTION_SYNTAX[kind]) {
    const match = syntax.pattern.exec(content);
    if (!match) continue;
    const keyText = match[1]!;
    const rawValue = match[2] ?? '';
    const valueStart = match.indices?.[2]?.[0] ?? start + content.length - start;
    const keyToken: Token = new SourceToken(keyText, start);
    const valueToken: Token = new SourceToken(rawValue, start + valueStart);
    const key = asciiLower(keyText);
    const value = stored(rawValue, syntax.store);
    const problem = syntax.verify?.(syntax.store === 'lower' ? value : rawValue);
    if (problem !== undefined) {
      const error: LineError = {
        code: syntax.fatal ? 'invalid-log-ratelimit' : 'invalid-option-value',
        message: problem,
        span: valueToken.span,
      };
      return {
        kind: 'option',
        line,
        keyToken,
        valueToken,
        error,
        ...(syntax.fatal ? { fatal: true } : {}),
      };
    }
    return { kind: 'option', line, key, keyToken, value, valueToken };
  }
  return {
    kind: 'option',
    line,
    error: { code: 'invalid-option', message: `can't parse option '${content}'`, span: whole },
  };
}
