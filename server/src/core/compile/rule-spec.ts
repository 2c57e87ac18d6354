import type { RuleOrigin } from './ruleset-types';

/**
 * The hash pve-firewall turns into iptables commands (its `%rule`): user rules, macro
 * expansions and built-in rules all pass through it. Absent and empty differ, as in Perl.
 */
export interface RuleSpec {
  readonly action?: string;
  readonly macro?: string;
  readonly proto?: string;
  readonly dport?: string;
  readonly sport?: string;
  readonly source?: string;
  readonly dest?: string;
  readonly icmpType?: string;
  readonly ifaceIn?: string;
  readonly ifaceOut?: string;
  readonly dsttype?: string;
  /** Replaces every generated match. */
  readonly match?: string;
  /** Replaces the generated `-j ACTION`. */
  readonly target?: string;
  readonly log?: string;
  readonly logmsg?: string;
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
