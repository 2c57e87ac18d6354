import type { FwConfig } from '../model';
import type { Topology } from '../model';
import type { Span } from '../text';

export type Family = 4 | 6;

/** A line of a .fw file. */
export interface SourceRef {
  readonly path: string;
  /** 1-based, as Proxmox's messages count. */
  readonly lineNumber: number;
  /** The line's trimmed content. */
  readonly span: Span;
}

/** Where a generated iptables rule comes from, so analysis can point back at the user's line. */
export interface RuleOrigin extends SourceRef {
  /**
   * Set when the rule sits in a `[group NAME]` of cluster.fw. A group chain is built once per
   * family and shared by every GROUP line naming it; `via` is the GROUP line that made Proxmox
   * build it (each caller's own jump rules carry that caller's GROUP line as their origin).
   */
  readonly group?: { readonly name: string; readonly via?: SourceRef };
  /** Which template of the rule's macro produced this iptables rule (0-based). */
  readonly macroIndex?: number;
}

/** One iptables rule exactly as pve-firewall hands it to iptables-restore (`-A CHAIN …`). */
export interface CompiledRule {
  readonly text: string;
  /** Set for rules generated from a user's line (including GROUP jumps). */
  readonly origin?: RuleOrigin;
  /** Set for rules Proxmox adds by itself: a short label saying why. */
  readonly builtin?: string;
}

export interface IpSetMember {
  /** As written to the kernel: /32 and /128 dropped, IPv6 compressed by Net::IP's rules. */
  readonly cidr: string;
  readonly nomatch: boolean;
}

/** One kernel `hash:net` set, one family of a `[IPSET name]` (or of a set Proxmox makes). */
export interface IpSetDefinition {
  /** Kernel name: `PVEFW-<vmid>-<name>-v<family>`, FNV-hashed when longer than 31 bytes. */
  readonly name: string;
  /** The name in the .fw file. */
  readonly setName: string;
  /** 0 for cluster and SDN sets. */
  readonly vmid: number;
  readonly family: Family;
  /** Sorted as Proxmox adds them (string order of the address). */
  readonly members: readonly IpSetMember[];
  /** The `ipset restore` lines: `create …` then one `add …` per member. */
  readonly commands: readonly string[];
}

/** One family's filter table and its ipsets. Chains are in the order Proxmox creates them. */
export interface Ruleset {
  readonly chains: Map<string, CompiledRule[]>;
  readonly ipsets: Map<string, IpSetDefinition>;
}

/**
 * A compile-time failure: Proxmox warns and leaves the rule (or ipset entry) out for this
 * NIC and family. `guestAborted` marks the failures that abort the rest of a guest's chains
 * (a GROUP whose group has a rule that fails to compile).
 */
export interface SkippedRule {
  readonly origin?: RuleOrigin;
  readonly message: string;
  /** Absent for ipset entries, which fail before the families are split. */
  readonly family?: Family;
  /** The chain the rule was meant for; for ipset entries `ipset <name>`. */
  readonly chain: string;
  readonly guestAborted?: number;
}

/** A loaded file and the path it is reported under. */
export interface SourcedConfig {
  readonly path: string;
  readonly config: FwConfig;
}

export interface CompileInput {
  /** cluster.fw; without it (or without `enable: 1`) Proxmox generates nothing. */
  readonly cluster?: SourcedConfig;
  /** The local node's host.fw. */
  readonly host?: SourcedConfig;
  /** `<vmid>.fw` by vmid; a guest without a file gets no chains and no ipsets. */
  readonly guests?: ReadonlyMap<number, SourcedConfig>;
  readonly topology: Topology;
  /** Members of SDN-generated sets (`+sdn/NAME`), when known. */
  readonly sdnIpSets?: ReadonlyMap<string, readonly string[]>;
}

export interface CompileResult {
  readonly v4: Ruleset;
  readonly v6: Ruleset;
  /** In Proxmox's warning order: IPv4 chains, IPv6 chains, then ipset entries. */
  readonly skipped: SkippedRule[];
  /** False when cluster.fw is missing, unloadable or lacks `enable: 1`: nothing is generated. */
  readonly enabled: boolean;
}
