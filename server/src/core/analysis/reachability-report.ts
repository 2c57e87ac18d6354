// What the reachability analysis of one node finds: dead, removable and overlapping rules, with
// the rules that decide their packets and a witness packet each.
import type { RuleOrigin, SkippedRule } from '../compile';
import type { EnablingImpact } from './enabling';
import type { FamilyModel } from './family-model';
import type { Verdict } from './symbolic-walk';
import type { Packet } from './witness';

/** A rule that decided some of a dead rule's packets: a user's line or one of Proxmox's own. */
export interface Blocker {
  readonly origin?: RuleOrigin;
  readonly builtin?: string;
  readonly chain: string;
}

export interface DeadRule {
  readonly origin: RuleOrigin;
  readonly ownVerdict: Verdict;
  /** Shadowed: some of its packets get another verdict; redundant: all get its own. */
  readonly kind: 'shadowed' | 'redundant';
  readonly blockers: readonly Blocker[];
  readonly witness: {
    readonly packet: string;
    /** The same packet as data, for whoever wants to send it through the simulator. */
    readonly sample: Packet;
    /** The chain of the rule's copy the packet was meant for (`tap100i0-IN`, `PVEFW-HOST-IN`…). */
    readonly chain: string;
    readonly takenBy: Blocker;
    readonly verdict: Verdict;
  };
  /** True for a `|` rule: it would be dead if enabled. */
  readonly disabled: boolean;
}

/**
 * A live rule whose removal changes nothing: every packet it takes would get the same verdict
 * from the rules after it (or the chain's policy).
 */
export interface RemovableRule {
  readonly origin: RuleOrigin;
  readonly ownVerdict: Verdict;
  /** What would take its packets instead. */
  readonly takers: readonly Blocker[];
  readonly witness: { readonly packet: string; readonly takenBy: Blocker };
}

export interface ReachabilityReport {
  /** False when nothing could be compiled (no cluster.fw). */
  readonly analysed: boolean;
  readonly dead: readonly DeadRule[];
  /** Line keys of disabled rules that would not be dead if enabled. */
  readonly liveIfEnabled: ReadonlySet<string>;
  /** Compile-time failures of enabled rules, one per line and message. */
  readonly skipped: readonly SkippedRule[];
  /** Live rules that change nothing (see RemovableRule). */
  readonly removable: readonly RemovableRule[];
  /** Live rules some of whose packets an earlier rule decides differently (when asked for). */
  readonly overlaps: readonly Overlap[];
  /** Per family, what analysis needs to answer further questions (lockout, hover). */
  readonly families: readonly FamilyModel[];
  /** Per disabled rule that packets would reach (line key): what enabling it would do. */
  readonly enabling: ReadonlyMap<string, EnablingImpact>;
}

/**
 * Al-Shaer's anomalies between a live rule and an earlier one with another verdict:
 * generalization when the later rule also matches every packet of the earlier one (the earlier
 * is an exception carved out of it), correlation when each matches packets the other does not.
 */
export interface Overlap {
  readonly origin: RuleOrigin;
  readonly ownVerdict: Verdict;
  readonly earlier: RuleOrigin;
  readonly earlierVerdict: Verdict;
  readonly kind: 'generalization' | 'correlation';
  readonly witness: string;
}
