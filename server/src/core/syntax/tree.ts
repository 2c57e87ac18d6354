import type { DiagnosticCode } from '../findings';
import type { Span } from '../text';
import type { ConflictMarker } from './conflict-markers';
import type { SourceLine } from './source-lines';

/** A node under construction: the parser fills in its readonly fields one by one. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A piece of a line: its text exactly as written and where it stands. */
export interface Token {
  readonly text: string;
  readonly span: Span;
}

/**
 * The tokens the parser makes: a token is its own span, which saves an object per token
 * (a rule line has about ten; a 50,000-rule file half a million).
 */
export class SourceToken implements Token, Span {
  readonly end: number;
  constructor(
    readonly text: string,
    readonly start: number,
  ) {
    this.end = start + text.length;
  }
  get span(): Span {
    return this;
  }
}

export type SectionKind = 'options' | 'aliases' | 'rules' | 'ipset' | 'group';

/** A line Proxmox rejects while parsing, with its exact message. */
export interface LineError {
  /** The diagnostic this error is, decided where the parser finds it. */
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
}

export interface HeaderLine {
  readonly kind: 'header';
  readonly line: SourceLine;
  readonly section: SectionKind;
  /** For [IPSET x] and [group x]: the name as Proxmox stores it (lower-cased). */
  readonly name?: string;
  readonly nameToken?: Token;
  readonly comment?: string;
  /** An invalid ipset or group name: the header closes the current section and opens none. */
  readonly error?: LineError;
}

export interface OptionLine {
  readonly kind: 'option';
  readonly line: SourceLine;
  /** Lower-cased key and the value as Proxmox stores it; absent when the line is dropped. */
  readonly key?: string;
  readonly keyToken?: Token;
  readonly value?: string;
  readonly valueToken?: Token;
  readonly error?: LineError;
  /** An invalid log_ratelimit: loading cluster.fw dies, so the whole file is ignored. */
  readonly fatal?: boolean;
}

export interface AliasLine {
  readonly kind: 'alias';
  readonly line: SourceLine;
  readonly nameToken?: Token;
  readonly cidrToken?: Token;
  /** The address as stored: /32 and /128 stripped. */
  readonly cidr?: string;
  readonly ipversion?: 4 | 6;
  readonly comment?: string;
  readonly error?: LineError;
  /** Not `NAME CIDR`: Proxmox stores nothing and prints only Perl noise. */
  readonly malformed?: boolean;
}

export interface IpSetEntryLine {
  readonly kind: 'ipset-entry';
  readonly line: SourceLine;
  readonly set: string;
  readonly nomatch: boolean;
  /** The entry token (address, CIDR or alias name); absent when the line is not one token. */
  readonly entryToken?: Token;
  readonly comment?: string;
}

/** The options of a rule line, in the order Proxmox's own lists give them. */
export const RULE_FIELDS = [
  'iface',
  'proto',
  'dport',
  'sport',
  'source',
  'dest',
  'log',
  'icmp-type',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export interface RuleOption {
  readonly flag: Token;
  readonly value: Token;
}

/** The `repeated` of every rule that repeats no option: one shared empty list. */
export const NO_REPEATS: readonly RuleOption[] = Object.freeze([]);

export interface RuleSyntax {
  readonly enabled: boolean;
  readonly typeToken?: Token;
  /** Lower-cased, as Proxmox stores it. */
  readonly type?: string;
  readonly actionToken?: Token;
  readonly action?: string;
  readonly macroToken?: Token;
  /** Last occurrence of each option (a repeated option silently overwrites). */
  readonly options: Partial<Record<RuleField, RuleOption>>;
  /** Options given more than once, in order, for the lint that reports them. */
  readonly repeated: readonly RuleOption[];
  readonly comment?: Token;
  /** `unable to parse rule…`: Proxmox drops the line. */
  readonly error?: LineError;
}

export interface RuleLine {
  readonly kind: 'rule';
  readonly line: SourceLine;
  /** The group the rule belongs to (lower-cased), or undefined for [RULES]. */
  readonly group?: string;
  readonly rule: RuleSyntax;
}

export interface CommentLine {
  readonly kind: 'comment' | 'blank';
  readonly line: SourceLine;
}

/** Content before any section, or after an invalid [IPSET]/[group] header. */
export interface NoSectionLine {
  readonly kind: 'no-section';
  readonly line: SourceLine;
}

/**
 * A merge-conflict marker (`<<<<<<< local`, `=======`, `>>>>>>> cluster`) that `pvefw pull`
 * writes around what the workspace and the cluster each have: no part of Proxmox's format.
 */
export interface ConflictMarkerLine {
  readonly kind: 'conflict-marker';
  readonly line: SourceLine;
  readonly marker: ConflictMarker;
}

export type FwLine =
  | HeaderLine
  | OptionLine
  | AliasLine
  | IpSetEntryLine
  | RuleLine
  | CommentLine
  | NoSectionLine
  | ConflictMarkerLine;

export interface FwSyntaxTree {
  readonly text: string;
  readonly lines: readonly FwLine[];
  /** True when the text has "\r\n" line ends, which hide every section header from Proxmox. */
  readonly crlf: boolean;
}
