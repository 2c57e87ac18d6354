import {
  ANY_MARK,
  boxesOverlap,
  withMark,
  sharedRange,
  HAS_MARK,
  NO_MARK,
  regionIntersect,
  regionMeets,
  regionSplit,
  regionSubtract,
  type Box,
  type Region,
} from './packet-space';

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT';

/** What a rule does to the packets it matches, reduced to what decides a verdict. */
export type AbstractTarget =
  | { readonly kind: 'verdict'; readonly verdict: Verdict }
  | { readonly kind: 'return' }
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string }
  | { readonly kind: 'set-mark'; readonly value: 0n | 1n }
  /** Logging, CONNMARK and other targets after which the packet goes on. */
  | { readonly kind: 'continue' };

export interface RuleRef {
  readonly chain: string;
  readonly index: number;
}

export interface AbstractRule {
  readonly ref: RuleRef;
  /** Packets the rule certainly matches (an under-approximation where a match is not modelled). */
  readonly match: Box | undefined;
  /**
   * Set when `match` is not exact (a match we do not model): the packets the rule may match.
   * Such a rule never decides packets in a walk, but a walk notes that it might.
   */
  readonly maybe?: Box;
  readonly target: AbstractTarget;
}

export interface AbstractChains {
  readonly rules: ReadonlyMap<string, readonly AbstractRule[]>;
  /** Finds the rules that can touch a region; without it every rule is looked at. */
  readonly index?: {
    candidates(chain: string, focus: Box, stopAt: number, from?: number): Iterable<number>;
  };
  /**
   * Chains of Proxmox's own plumbing (PVEFW-reject, PVEFW-SET-ACCEPT-MARK, …): what they decide
   * is credited to the rule that jumped into them, which is the one a user can act on.
   */
  readonly opaque: ReadonlySet<string>;
  /**
   * Per chain, where the rules after the last user rule begin (Proxmox's policy part), and every
   * packet of the family: with both, walks past a rule reuse one walk of that part.
   */
  readonly tails?: { readonly start: ReadonlyMap<string, number>; readonly universe: Box };
}

export interface Decision {
  readonly region: Region;
  readonly verdict: Verdict;
  readonly by: RuleRef;
}

export interface WalkResult {
  readonly decided: Decision[];
  /** Packets that reach the end of the chain (or a RETURN) undecided. */
  readonly returned: Box[];
  /** Packets still in the chain when it reached the stop index. */
  readonly remaining: Box[];
  /** Packets given the accept mark, and by which rule: groups accept this way. */
  readonly marked: Decision[];
  /**
   * Rules with a match we do not model that some of the packets met: each might have taken them
   * (with this verdict; undefined when it would have sent them elsewhere).
   */
  readonly maybe: MaybeTaken[];
  /** With `expect`: the walk stopped early on another verdict; the other fields are partial. */
  readonly contradicted?: boolean;
}

export interface MaybeTaken {
  readonly verdict: Verdict | undefined;
  readonly by: RuleRef;
  /** With `maybeRegions`: the packets that met the rule. */
  readonly region?: readonly Box[];
}

export interface WalkOptions {
  /** Stop before this rule and report the packets that reach it as `remaining`. */
  readonly stopAt?: number;
  /** Start at this rule instead of the first. */
  readonly from?: number;
  /** Rules (`chain index`) treated as absent: a rule's own copies, to ask what removing it does. */
  readonly without?: ReadonlySet<string>;
  /** A box holding every packet followed, to skip rules cheaply; derived from a one-box start. */
  readonly focus?: Box;
  /**
   * Only this verdict is of interest: the walk stops at the first packet that gets (or might
   * get) another one, and says so (`contradicted`).
   */
  readonly expect?: Verdict;
  /** Record, for each rule in `maybe`, which packets met it. */
  readonly maybeRegions?: boolean;
}

const MAX_DEPTH = 16;

function* allIndices(from: number, end: number): Generator<number, void, void> {
  for (let i = from; i < end; i++) yield i;
}

function maybeVerdict(target: AbstractTarget, depth: number): Verdict | undefined {
  if (target.kind === 'verdict') return target.verdict;
  if (target.kind === 'return' && depth === 0) return 'ACCEPT';
  return undefined;
}

/** The region's packets with the accept mark set to `value` (what MARK does to them). */
function markedAs(region: Region, value: bigint): Box[] {
  const mark = value === 1n ? HAS_MARK : value === 0n ? NO_MARK : sharedRange(value, value);
  return region.map((box) => withMark(box, mark));
}

function requiresMark(match: Box): boolean {
  return match.mark.length === 1 && match.mark[0]![0] === 1n && match.mark[0]![1] === 1n;
}

/** Splits a verdict on the accept mark among the rules that set the mark. */
function creditMarks(
  hit: Box[],
  verdict: Verdict,
  by: RuleRef,
  marked: readonly Decision[],
): Decision[] {
  const out: Decision[] = [];
  let rest: Box[] = hit;
  for (const m of marked) {
    for (const box of m.region) {
      const part = regionIntersect(rest, box);
      if (part.length === 0) continue;
      out.push({ region: part, verdict, by: m.by });
      rest = regionSubtract(rest, box);
    }
  }
  if (rest.length > 0) out.push({ region: rest, verdict, by });
  return out;
}

/** What a walk carries into every chain it enters, in one shape (see walkChain). */
interface WalkSettings {
  readonly without: ReadonlySet<string> | undefined;
  readonly expect: Verdict | undefined;
  readonly maybeRegions: boolean;
}

/**
 * Follows a region of packets through a chain the way iptables would, first match wins,
 * descending into jumped-to chains. With `stopAt`, stops before that rule and reports what is
 * still undecided there: the packets that reach it.
 */
export function walkChain(
  chains: AbstractChains,
  chain: string,
  start: Region,
  options: WalkOptions = {},
): WalkResult {
  // Read once, into one shape: callers' option literals each have a hidden class of their own,
  // and the walk into every jumped-to chain read them again through V8's megamorphic lookup.
  const settings: WalkSettings = {
    without: options.without,
    expect: options.expect,
    maybeRegions: options.maybeRegions === true,
  };
  return walkFrom(chains, chain, start, settings, options.focus, options.from, options.stopAt, 0);
}

function walkFrom(
  chains: AbstractChains,
  chain: string,
  start: Region,
  settings: WalkSettings,
  givenFocus: Box | undefined,
  from = 0,
  stopAt: number | undefined,
  depth: number,
): WalkResult {
  const focus: Box | undefined =
    givenFocus ?? (start.length === 1 ? withMark(start[0]!, ANY_MARK) : undefined);
  const decided: Decision[] = [];
  const returned: Box[] = [];
  const marked: Decision[] = [];
  const maybe: WalkResult['maybe'] = [];
  let region: Box[] = [...start];
  const rules = chains.rules.get(chain) ?? [];
  const { without, expect } = settings;
  const partial = (): WalkResult => ({
    decided,
    returned,
    remaining: region,
    marked,
    maybe,
    contradicted: true,
  });
  const end = stopAt === undefined ? rules.length : Math.min(stopAt, rules.length);
  const indexed = focus !== undefined && chains.index !== undefined;
  const order: Iterable<number> =
    focus && chains.index
      ? chains.index.candidates(chain, focus, end, from)
      : allIndices(from, end);
  for (const k of order) {
    if (region.length === 0) break;
    const rule = rules[k]!;
    if (without?.has(`${chain} ${k}`)) continue;
    if (!rule.match) {
      if (
        rule.maybe &&
        rule.target.kind !== 'continue' &&
        (!focus || boxesOverlap(focus, rule.maybe)) &&
        regionMeets(region, rule.maybe)
      ) {
        const verdict = maybeVerdict(rule.target, depth);
        maybe.push(
          settings.maybeRegions
            ? { verdict, by: rule.ref, region: regionIntersect(region, rule.maybe) }
            : { verdict, by: rule.ref },
        );
        if (expect && verdict !== expect) return partial();
      }
      continue;
    }
    // Most rules share nothing with the packets followed: skip them without touching the region
    // (the index yields only rules that meet the focus, but for mark tests after a jump).
    if (focus && !indexed && !boxesOverlap(focus, rule.match)) continue;
    const { hit, rest } = regionSplit(region, rule.match);
    if (hit.length === 0) continue;
    const target = rule.target;
    if (expect && target.kind === 'verdict' && target.verdict !== expect) return partial();
    if (expect && target.kind === 'return' && depth === 0 && expect !== 'ACCEPT') return partial();
    switch (target.kind) {
      case 'verdict':
        if (requiresMark(rule.match))
          decided.push(...creditMarks(hit, target.verdict, rule.ref, marked));
        else decided.push({ region: hit, verdict: target.verdict, by: rule.ref });
        region = rest;
        break;
      case 'return':
        // Leaving the chain a rule analysis starts in is how host rules accept (RETURN).
        if (depth === 0) {
          if (requiresMark(rule.match))
            decided.push(...creditMarks(hit, 'ACCEPT', rule.ref, marked));
          else decided.push({ region: hit, verdict: 'ACCEPT', by: rule.ref });
        }
        returned.push(...hit);
        region = rest;
        break;
      case 'continue':
        break;
      case 'set-mark':
        if (target.value === 1n)
          marked.push({ region: markedAs(hit, 1n), verdict: 'ACCEPT', by: rule.ref });
        region = [...rest, ...markedAs(hit, target.value)];
        break;
      case 'jump':
      case 'goto': {
        if (depth >= MAX_DEPTH) break;
        const sub = walkFrom(chains, target.chain, hit, settings, focus, 0, undefined, depth + 1);
        const credit = chains.opaque.has(target.chain);
        const own = <T extends { by: RuleRef }>(d: T): T => (credit ? { ...d, by: rule.ref } : d);
        decided.push(...sub.decided.map(own));
        marked.push(...sub.marked.map(own));
        maybe.push(...sub.maybe.map(own));
        if (sub.contradicted) return partial();
        if (target.kind === 'jump') {
          region = [...rest, ...sub.returned];
        } else {
          // A goto returns straight to our caller: guest OUT rules accept this way.
          if (depth === 0 && sub.returned.length > 0) {
            if (expect && expect !== 'ACCEPT') return partial();
            decided.push({ region: sub.returned, verdict: 'ACCEPT', by: rule.ref });
          }
          returned.push(...sub.returned);
          region = rest;
        }
        break;
      }
    }
  }
  if (stopAt === undefined)
    return { decided, returned: [...returned, ...region], remaining: [], marked, maybe };
  return { decided, returned, remaining: region, marked, maybe };
}
