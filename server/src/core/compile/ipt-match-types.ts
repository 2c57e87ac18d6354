/** An address interval of one family, inclusive. */
export interface AddressRange {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

/** What `-s`/`-d`, `-m iprange` or `-m set` compares the source or destination with. */
export type IptAddress =
  /** `-s a,b/24`: any of the items (single addresses or CIDRs). */
  | { readonly kind: 'list'; readonly items: readonly string[]; readonly ranges: AddressRange[] }
  /** `-m iprange --src-range a-b`. */
  | { readonly kind: 'range'; readonly text: string; readonly ranges: AddressRange[] }
  /** `-m set [!] --match-set NAME src|dst`: membership of a kernel set. */
  | { readonly kind: 'set'; readonly name: string; readonly negated: boolean };

/** One item of a port list: a number, `a:b`, or a service name (resolved from /etc/services). */
export interface PortItem {
  readonly text: string;
  readonly first: number;
  readonly last: number;
}

export interface IcmpTypeMatch {
  /** `icmp` for `-m icmp --icmp-type`, `icmpv6` for the IPv6 forms. */
  readonly protocol: 'icmp' | 'icmpv6';
  /** A type name or number as iptables reads it. */
  readonly type: string;
}

export type IptTarget =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'return' }
  | { readonly kind: 'reject'; readonly with?: string }
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string }
  | { readonly kind: 'set-mark'; readonly value: number; readonly mask: number }
  | { readonly kind: 'connmark'; readonly value: number }
  | { readonly kind: 'log'; readonly prefix: string }
  /** NFQUEUE (IPS): `args` as written, e.g. `--queue-num 1 --queue-bypass`. */
  | { readonly kind: 'queue'; readonly args: string };

/** An iptables rule as the analysis and the simulator need it: every condition, one target. */
export interface IptMatch {
  /** The chain of `-A CHAIN`, when the text has it. */
  readonly chain?: string;
  /** `-i` / `-o`; a trailing `+` is a prefix wildcard. */
  readonly iface?: string;
  readonly oface?: string;
  /** `-p` as written: a name (`tcp`, `icmpv6`, `ipv6-icmp`…) or a number. */
  readonly proto?: string;
  readonly source?: IptAddress;
  readonly dest?: IptAddress;
  readonly sport?: readonly PortItem[];
  readonly dport?: readonly PortItem[];
  readonly icmpType?: IcmpTypeMatch;
  /** `-m conntrack --ctstate A,B`: the packet's state must be one of them. */
  readonly ctstate?: readonly string[];
  /** `-m addrtype --src-type` / `--dst-type`: UNICAST, BROADCAST, MULTICAST, ANYCAST… */
  readonly srcType?: string;
  readonly dstType?: string;
  /** `-m mark --mark V/M`: (mark & mask) === value. */
  readonly mark?: { readonly value: number; readonly mask: number };
  /** `-m mac ! --mac-source M` (Proxmox only emits the negated form). */
  readonly macSource?: { readonly mac: string; readonly negated: boolean };
  /** `-m physdev`: bridge ports; a trailing `+` is a prefix wildcard. */
  readonly physdev?: {
    readonly in?: string;
    readonly out?: string;
    readonly isBridged: boolean;
  };
  /** `-m tcp [!] --tcp-flags MASK COMP`: (flags & MASK) === COMP, negated with `!`. */
  readonly tcpFlags?: {
    readonly mask: readonly string[];
    readonly comp: readonly string[];
    readonly negated: boolean;
  };
  /** `-m limit --limit R [--limit-burst B]` as written (a rate limit, not a packet property). */
  readonly limit?: string;
  readonly target: IptTarget;
}
