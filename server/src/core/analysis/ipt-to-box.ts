import { icmpInvalidWithoutConnection } from '../facts';
import { icmpRange } from '../facts';
import { PROTOCOLS } from '../facts';
import { SERVICE_BY_NAME } from '../model';
import { perlNetIpNew } from '../syntax';
import { cidrRange } from './cidr-range';
import type { AbstractTarget } from './symbolic-walk';
import { intersect, normalise, type IntervalSet } from './intervals';
import {
  DIMENSIONS,
  DST_TYPES,
  sharedRange,
  fullBox,
  HAS_MARK,
  NO_MARK,
  boxOf,
  type Box,
  type Dimension,
  type Family,
} from './packet-space';

/** Interface names numbered for the `iface` dimension; 0 is every name not listed. */
export class InterfaceNames {
  private readonly index = new Map<string, number>();
  add(name: string): void {
    if (!name.endsWith('+') && !this.index.has(name)) this.index.set(name, this.index.size + 1);
  }
  /** The names in numbering order: two lists with one key number every interface alike. */
  key(): string {
    return [...this.index.keys()].join('\n');
  }
  get count(): number {
    return this.index.size;
  }
  numberOf(name: string): number | undefined {
    return this.index.get(name);
  }
  nameOf(n: number): string {
    for (const [name, i] of this.index) if (i === n) return name;
    return 'another interface';
  }
}

/** Adds every interface name a ruleset's `-i`/`-o` matches mention. */
export function addInterfaceNames(
  ruleset: { readonly chains: ReadonlyMap<string, readonly { readonly text: string }[]> },
  names: InterfaceNames,
): void {
  for (const rules of ruleset.chains.values()) {
    for (const { text } of rules) {
      // Most rules name no interface: a plain search spares running the pattern on them.
      if (!text.includes(' -i ') && !text.includes(' -o ')) continue;
      for (const m of text.matchAll(/ -[io] (\S+)/g)) names.add(m[1]!);
    }
  }
}

export interface ConvertedRule {
  /** Packets the rule certainly matches; undefined when it matches no new connection for sure. */
  readonly under: Box | undefined;
  /** Packets the rule may match. */
  readonly over: Box | undefined;
  readonly target: AbstractTarget;
}

export interface SetLookup {
  (kernelName: string): IntervalSet | undefined;
}

const PROTOCOL_NUMBER = new Map<string, number>(
  PROTOCOLS.filter((p) => p.number !== null).map((p) => [p.name, p.number!]),
);
PROTOCOL_NUMBER.set('icmpv6', 58);

const ACCEPT_BIT = 0x80000000n;

const singles = new Map<bigint, IntervalSet>();

/** {value} for the small dimensions (protocol, interface, address type, ICMP), shared. */
function single(value: bigint): IntervalSet {
  let set = singles.get(value);
  if (!set) {
    set = sharedRange(value, value);
    if (singles.size > 100_000) singles.clear();
    singles.set(value, set);
  }
  return set;
}

function addressRange(text: string): IntervalSet | undefined {
  const range = cidrRange(text);
  return range ? [range] : undefined;
}

const portLists = new Map<string, IntervalSet | undefined>();

/** A port, range or list as a set; the same text gives the same (shared, never mutated) set. */
function portSet(text: string): IntervalSet | undefined {
  if (/^[0-9]+$/.test(text)) return single(BigInt(text));
  if (portLists.has(text)) return portLists.get(text);
  if (portLists.size > 100_000) portLists.clear();
  const set = readPorts(text);
  portLists.set(text, set);
  return set;
}

function readPorts(text: string): IntervalSet | undefined {
  const out: [bigint, bigint][] = [];
  for (const item of text.split(',')) {
    const range = /^([0-9]+):([0-9]+)$/.exec(item);
    if (range) out.push([BigInt(range[1]!), BigInt(range[2]!)]);
    else if (/^[0-9]+$/.test(item)) out.push([BigInt(item), BigInt(item)]);
    else {
      const port = SERVICE_BY_NAME.get(item);
      if (port === undefined) return undefined;
      out.push([BigInt(port), BigInt(port)]);
    }
  }
  return normalise(out);
}

function protoNumber(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text);
  return PROTOCOL_NUMBER.get(text);
}

function complement(set: IntervalSet, max: bigint): IntervalSet {
  const out: [bigint, bigint][] = [];
  let next = 0n;
  for (const [a, b] of set) {
    if (a > next) out.push([next, a - 1n]);
    next = b + 1n;
  }
  if (next <= max) out.push([next, max]);
  return out;
}

const INVALID_FIRST: Record<Family, { proto: IntervalSet; icmp: IntervalSet }> = {
  4: {
    proto: sharedRange(1n, 1n),
    icmp: normalise(icmpInvalidWithoutConnection(4).map(([a, b]) => [BigInt(a), BigInt(b)])),
  },
  6: {
    proto: sharedRange(58n, 58n),
    icmp: normalise(icmpInvalidWithoutConnection(6).map(([a, b]) => [BigInt(a), BigInt(b)])),
  },
};

/**
 * Which packets of the analysis' space a `--ctstate` list matches. The space holds the first
 * packet of every flow, as the kernel sees it: NEW, except ICMP messages that cannot open a
 * connection, which are INVALID (facts/conntrack.ts), and IPv6 neighbour discovery, which is
 * untracked. RELATED and ESTABLISHED packets are never first. So `INVALID` matches just those
 * ICMP messages, and the kernel's drop of them is what keeps a rule's witness from being one.
 */
function firstPacketStates(
  states: readonly string[],
  family: Family,
): 'all' | 'never' | 'inexact' | { proto: IntervalSet; icmp: IntervalSet } {
  const isNew = states.includes('NEW');
  const invalid = states.includes('INVALID');
  // IPv4 has no untracked messages: NEW and INVALID together are every first packet.
  if (isNew && invalid) return family === 4 || states.includes('UNTRACKED') ? 'all' : 'inexact';
  if (invalid) return INVALID_FIRST[family];
  // NEW alone, or UNTRACKED alone: not one box (Proxmox writes neither).
  return isNew || states.includes('UNTRACKED') ? 'inexact' : 'never';
}

// Shared by every rule: a model of 50,000 rules holds one target per rule.
const TARGETS = {
  ACCEPT: Object.freeze({ kind: 'verdict', verdict: 'ACCEPT' }),
  DROP: Object.freeze({ kind: 'verdict', verdict: 'DROP' }),
  REJECT: Object.freeze({ kind: 'verdict', verdict: 'REJECT' }),
  RETURN: Object.freeze({ kind: 'return' }),
  CONTINUE: Object.freeze({ kind: 'continue' }),
} as const satisfies Record<string, AbstractTarget>;

function parseTarget(tokens: readonly string[]): AbstractTarget {
  const j = tokens.indexOf('-j');
  const g = tokens.indexOf('-g');
  if (g >= 0) return { kind: 'goto', chain: tokens[g + 1]! };
  const name = j >= 0 ? tokens[j + 1]! : '';
  switch (name) {
    case 'ACCEPT':
    case 'NFQUEUE':
      return TARGETS.ACCEPT;
    case 'DROP':
      return TARGETS.DROP;
    case 'REJECT':
      return TARGETS.REJECT;
    case 'RETURN':
      return TARGETS.RETURN;
    case 'MARK': {
      const value = tokens[tokens.indexOf('--set-mark') + 1] ?? '0';
      const [v, mask] = value.split('/').map((x) => BigInt(x));
      if (mask !== undefined && (mask & ACCEPT_BIT) === 0n) return TARGETS.CONTINUE;
      return { kind: 'set-mark', value: (v! & ACCEPT_BIT) !== 0n ? 1n : 0n };
    }
    case '':
    case 'NFLOG':
    case 'LOG':
    case 'CONNMARK':
      return TARGETS.CONTINUE;
    default:
      return { kind: 'jump', chain: name };
  }
}

/**
 * Reads one rule of Proxmox's generated ruleset (`-A CHAIN …`) into the packet space. A match we
 * do not model (MAC, physdev, rate limits, TCP flags, source address type) makes `under` empty
 * and leaves `over` unconstrained, so a rule is never called dead on a guess.
 */
export function convertRule(
  text: string,
  family: Family,
  names: InterfaceNames,
  sets: SetLookup,
): ConvertedRule {
  const tokens = text.split(' ').filter((t) => t.length > 0);
  const target = parseTarget(tokens);
  const full = fullBox(family, names.count);
  // A literal, not a spread copy: a spread puts the fields out of line (an extra array per box).
  const box: Record<Dimension, IntervalSet> = {
    mark: full.mark,
    proto: full.proto,
    dport: full.dport,
    sport: full.sport,
    icmp: full.icmp,
    iface: full.iface,
    dsttype: full.dsttype,
    source: full.source,
    dest: full.dest,
  };
  let exact = true;
  let never = false;
  let end = tokens.findIndex((t) => t === '-j' || t === '-g');
  if (end < 0) end = tokens.length;
  let negated = false;
  const set = (d: Dimension, v: IntervalSet | undefined): void => {
    if (v === undefined) exact = false;
    else box[d] = negated ? complement(v, full[d][0]![1]) : v;
  };
  for (let i = 2; i < end; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1] ?? '';
    negated = t === '!';
    const flag = negated ? next : t;
    const value = negated ? (tokens[i + 2] ?? '') : next;
    const step = negated ? 2 : 1;
    switch (flag) {
      case '-i':
      case '-o': {
        const n = names.numberOf(value);
        set('iface', n === undefined ? undefined : single(BigInt(n)));
        i += step;
        break;
      }
      case '-s':
      case '-d':
        set(flag === '-s' ? 'source' : 'dest', addressRange(value));
        i += step;
        break;
      case '--src-range':
      case '--dst-range': {
        const [a, b] = value.split('-');
        const lo = perlNetIpNew(a ?? '');
        const hi = perlNetIpNew(b ?? '');
        set(
          flag === '--src-range' ? 'source' : 'dest',
          lo.ok && hi.ok ? [[lo.first, hi.last]] : undefined,
        );
        i += step;
        break;
      }
      case '-p': {
        const p = protoNumber(value);
        set('proto', p === undefined ? undefined : single(BigInt(p)));
        i += step;
        break;
      }
      case '--dport':
      case '--dports':
      case '--sport':
      case '--sports':
        set(flag.startsWith('--d') ? 'dport' : 'sport', portSet(value));
        i += step;
        break;
      case '--icmp-type':
      case '--icmpv6-type': {
        const r = icmpRange(value, flag === '--icmp-type' ? 4 : 6);
        set('icmp', r ? [[BigInt(r[0]), BigInt(r[1])]] : undefined);
        i += step;
        break;
      }
      case '--match-set': {
        const members = sets(value);
        set(tokens[i + step + 1] === 'dst' ? 'dest' : 'source', members);
        i += step + 1;
        break;
      }
      case '--dst-type': {
        const k = DST_TYPES.indexOf(value as (typeof DST_TYPES)[number]);
        set('dsttype', k < 0 ? undefined : single(BigInt(k)));
        i += step;
        break;
      }
      case '--ctstate': {
        const only = firstPacketStates(value.split(','), family);
        if (only === 'never') never = true;
        else if (only === 'inexact') exact = false;
        else if (only !== 'all') {
          box.proto = intersect(box.proto, only.proto);
          box.icmp = intersect(box.icmp, only.icmp);
        }
        i += step;
        break;
      }
      case '--mark': {
        const [v, mask] = value.split('/').map((x) => BigInt(x));
        if (mask !== undefined && mask === ACCEPT_BIT)
          box.mark = (v! & ACCEPT_BIT) !== 0n ? HAS_MARK : NO_MARK;
        else exact = false;
        i += step;
        break;
      }
      case '-m':
      case '--match':
        i += 1;
        break;
      default:
        // Options of matches we do not model, and their values.
        if (flag.startsWith('-')) exact = false;
        break;
    }
  }
  // A dimension left empty (an ipset with no member of this family) matches no packet: the
  // rule's copy in this family takes nothing, and must not count as a place it is reached.
  if (never || DIMENSIONS.some((d) => box[d].length === 0))
    return { under: undefined, over: undefined, target };
  const made = boxOf(box);
  return { under: exact ? made : undefined, over: made, target };
}
