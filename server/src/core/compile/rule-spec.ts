import type { RuleOrigin } from './ruleset-types';

/**
 * The hash pve-firewall turns into iptables commands (its `%rule`): user rules, macro
 * expansions and built-in rules all pass through it. Absent and empty differ, as in Perl.
 */
export interface RuleSpec {
  readonly action?: string | undefined;
  readonly macro?: string | undefined;
  readonly proto?: string | undefined;
  readonly dport?: string | undefined;
  readonly sport?: string | undefined;
  readonly source?: string | undefined;
  readonly dest?: string | undefined;
  readonly icmpType?: string | undefined;
  readonly ifaceIn?: string | undefined;
  readonly ifaceOut?: string | undefined;
  readonly dsttype?: string | undefined;
  /** Replaces every generated match. */
  readonly match?: string | undefined;
  /** Replaces the generated `-j ACTION`. */
  readonly target?: string | undefined;
  readonly log?: string | undefined;
  readonly logmsg?: string | undefined;
}

/**
 * The spec with every field present, in one order. Specs made with only the fields they use
 * had a hidden class per combination of fields, and every read of them in iptRuleToCmds went
 * through V8's megamorphic lookup.
 */
export function specShape(r: RuleSpec): RuleSpec {
  return {
    action: r.action,
    macro: r.macro,
    proto: r.proto,
    dport: r.dport,
    sport: r.sport,
    source: r.source,
    dest: r.dest,
    icmpType: r.icmpType,
    ifaceIn: r.ifaceIn,
    ifaceOut: r.ifaceOut,
    dsttype: r.dsttype,
    match: r.match,
    target: r.target,
    log: r.log,
    logmsg: r.logmsg,
  };
}

/** The names a file defines (an FwConfig fits; cluster.fw's gets Proxmox's additions). */
export interface NameTable {
  /** Keyed by lower-cased name. */
  readonly aliases: ReadonlyMap<string, { readonly cidr: string; readonly ipversion: 4 | 6 }>;
  readonly ipsets: { has(name: string): boolean };
}

/** The configurations `+set` and alias references resolve against for one rule. */
export interface RefScope {
  /** cluster.fw (Proxmox's `$cluster_conf`); absent for the built-in chains. */
  readonly cluster?: NameTable;
  /** The rule's own file (`$fw_conf`): the guest for guest rules, host.fw for host rules. */
  readonly local?: NameTable;
  /** The vmid the local file's ipsets are named with (0 for cluster-level files). */
  readonly localVmid?: number;
  readonly sdnSets?: ReadonlySet<string>;
}

/**
 * pve-firewall dies (a Perl `die`) while compiling one rule; its caller's `eval` decides how
 * much is skipped. The message is Proxmox's, without the trailing newline.
 */
export class CompileDie extends Error {
  /** Set when the failing rule is not the one being compiled (a rule of a GROUP's group). */
  origin?: RuleOrigin;

  constructor(message: string) {
    super(message);
    this.name = 'CompileDie';
  }
}

/** Proxmox's syslog levels, as numbers in the NFLOG prefix. */
export const LOG_LEVEL_NUMBER: Readonly<Record<string, number>> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};
