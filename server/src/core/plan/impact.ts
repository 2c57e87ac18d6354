// Where the packet evaluator plugs into plan and push: each use is behind one function type.
import type { FirewallState } from './firewall-state';
import type { PulledTopology } from './topology';

/** One flow (per host or guest) whose verdict differs between the cluster now and after a push. */
export interface FlowChange {
  /** `host <node>`, `guest <vmid> net<N>` or `vnet <name> (<node>)`. */
  readonly where: string;
  /** The packets, e.g. `IN tcp from 192.0.2.0/24 to port 22`. */
  readonly flow: string;
  readonly before: 'ACCEPT' | 'DROP' | 'REJECT';
  readonly after: 'ACCEPT' | 'DROP' | 'REJECT';
}

export interface ImpactSummary {
  readonly changes: readonly FlowChange[];
  /** What the comparison could not say as a flow (a node whose update would fail, …). */
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

export type LockoutVerdict =
  | { readonly checked: false; readonly reason: string }
  | {
      readonly checked: true;
      readonly lockedOut: readonly { readonly node: string; readonly address: string }[];
    };

/**
 * Would `after` cut the pushing machine off port 8006 of any node? Needs the packet evaluator:
 * walk PVEFW-HOST-IN of each node for tcp from `clientAddress` to each node address, port 8006.
 */
export type LockoutCheck = (after: FirewallState, question: LockoutQuestion) => LockoutVerdict;
