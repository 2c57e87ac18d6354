import type { CompiledRule, Family } from '../compile';

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT';

/** What a request says of the packet's connection (`--state`, the tests' `state`). */
export type ConnState = 'new' | 'established' | 'related' | 'invalid';

/** The state `-m conntrack --ctstate` sees. */
export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';

/** What a test or `pvefw simulate` asks: the packet and the two ends. */
export interface SimulateRequest {
  /** `host`, `outside`, `nfvm`, `vm<ID>`, `vm<ID>i<N>`, `ct<ID>`, `vmbrX/PORT`. */
  readonly from: string;
  readonly to: string;
  /** Default tcp. A name (`tcp`, `udp`, `icmp`, `icmpv6`…) or a protocol number. */
  readonly proto?: string;
  /** A port, or the ICMP type (name or number) for icmp and icmpv6. */
  readonly dport?: string;
  readonly sport?: string;
  /** Defaults: the host's address at a `host` end, else 100.100.1.2 and 100.200.3.4. */
  readonly source?: string;
  readonly dest?: string;
  /** Address types as iptables' addrtype match sees them; default UNICAST. */
  readonly srctype?: string;
  readonly dsttype?: string;
  /** new (default), established, related or invalid: see ConnState. */
  readonly state?: string;
}

/** The packet as one firewall check sees it. */
export interface Packet {
  readonly family: Family;
  readonly proto: string;
  readonly dport?: string;
  readonly sport?: string;
  readonly source: string;
  readonly dest: string;
  readonly srctype: string;
  readonly dsttype: string;
  /** The connection state conntrack gives the packet, and why when it is not the one asked. */
  readonly ctstate: CtState;
  readonly ctWhy?: string;
  /** TCP flags set; default: SYN for a new or related packet, ACK for any other. */
  readonly tcpFlags?: readonly string[];
  /** Set when the packet leaves a guest NIC. */
  readonly macSource?: string;
  readonly ifaceIn?: string;
  readonly ifaceOut?: string;
  readonly physdevIn?: string;
  readonly physdevOut?: string;
}

/** One step of the walk through the chains. */
export type TraceEvent =
  | { readonly kind: 'enter'; readonly chain: string }
  /** A rule that matched, and what it did. */
  | {
      readonly kind: 'rule';
      readonly chain: string;
      /** 0-based position in the chain. */
      readonly index: number;
      readonly rule: CompiledRule;
      readonly effect: string;
    }
  /** The end of a chain, or a RETURN: back to the caller. */
  | { readonly kind: 'leave'; readonly chain: string };

/** One netfilter hook the packet passes on its way (Proxmox's simulator's "IPT check"). */
export interface HookCheck {
  /** Where the packet is: `host`, a bridge, `fwbr-in`, `fwbr-out`. */
  readonly at: string;
  readonly chain: string;
  readonly packet: Packet;
  readonly verdict: Verdict;
  readonly events: readonly TraceEvent[];
  /** The rule that gave the verdict; absent when the built-in chain's policy did. */
  readonly decidedBy?: {
    readonly chain: string;
    readonly index: number;
    readonly rule: CompiledRule;
  };
}

/** What the sender of a rejected packet gets back, when it is not the reject's reply. */
export interface SenderView {
  /** `nothing`: the reply is lost on its way; `if-routed`: it arrives only over a route. */
  readonly sees: 'nothing' | 'if-routed';
  readonly why: string;
  /** The reply's own walk back through the sender's firewall bridge, when it met one. */
  readonly replyChecks?: readonly HookCheck[];
}

export interface SimulationResult {
  readonly verdict: Verdict;
  readonly checks: readonly HookCheck[];
  /** Set when the verdict is REJECT and the sender does not simply see the reject's reply. */
  readonly sender?: SenderView;
  /** The walk through proxmox-firewall's table, as text, for a node on nftables. */
  readonly nftables?: readonly string[];
}
