// Where the packet evaluator plugs into plan and push: each use is behind one function type.
import type { FirewallState } from './firewall-state';
import type { PulledTopology } from './topology';

/** One flow (per host or guest) whose verdict differs between the cluster now and after a push. */
export interface FlowChange {
  /** `host <node>`, `guest <vmid> net<N>`, or (proxmox-firewall) `vnet <name> on <node>`. */
  readonly where: string;
  /** The packets as a class, e.g. `inbound tcp port 22 to pve1 from anywhere except +admins`. */
  readonly flow: string;
  readonly before: 'ACCEPT' | 'DROP' | 'REJECT';
  readonly after: 'ACCEPT' | 'DROP' | 'REJECT';
  /** One packet of the flow, as proof: `IPv4 tcp 192.0.2.1:40000 → 10.0.0.11:8006`. */
  readonly example?: string;
  /** What decides the flow now and after: `firewall/cluster.fw line 7: IN DROP …`, a policy. */
  readonly beforeBy?: readonly string[];
  readonly afterBy?: readonly string[];
}

export interface ImpactSummary {
  readonly changes: readonly FlowChange[];
  /** What the list leaves out or could not compare, for people. */
  readonly notes?: readonly string[];
}

/** Compares the effective filtering of two whole-cluster states. */
export type ImpactAnalyzer = (before: FirewallState, after: FirewallState) => ImpactSummary;

export interface LockoutQuestion {
  /** The address the pushing machine is seen from (its source address towards the cluster). */
  readonly clientAddress: string;
  /** Every address of every node, from topology.json. */
  readonly nodeAddresses: readonly { readonly node: string; readonly address: string }[];
  /** The pulled topology, for each node's own subnet (its management allowances). */
  readonly topology?: PulledTopology;
  /** The cluster as it is now: a lock-out is a change from reachable to unreachable. */
  readonly before?: FirewallState;
}

/** A node address the new configuration would cut this machine off, and what would do it. */
export interface LockedOut {
  readonly node: string;
  readonly address: string;
  /** The rule that would decide, as a person reads it (`firewall/cluster.fw line 7`, the policy…). */
  readonly cause?: string;
}

export type LockoutVerdict =
  | { readonly checked: false; readonly reason: string }
  | {
      readonly checked: true;
      readonly lockedOut: readonly LockedOut[];
    };

/**
 * Would `after` cut the pushing machine off port 8006 of any node? Needs the packet evaluator:
 * walk PVEFW-HOST-IN of each node for tcp from `clientAddress` to each node address, port 8006.
 */
export type LockoutCheck = (after: FirewallState, question: LockoutQuestion) => LockoutVerdict;
