import {
  ANY_MARK,
  boxesOverlap,
  regionIntersect,
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
  readonly target: AbstractTarget;
}

export interface AbstractChains {
  readonly rules: ReadonlyMap<string, readonly AbstractRule[]>;
  /** Finds the rules that can touch a region; without it every rule is looked at. */
  readonly index?: { candidates(chain: string, focus: Box, stopAt: number): Iterable<number> };
  /**
   * Chains of Proxmox's own plumbing (PVEFW-reject, PVEFW-SET-ACCEPT-MARK, …): what they decide
   * is credited to the rule that jumped into them, which is the one a user can act on.
   */
  readonly opaque: ReadonlySet<string>;
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
}

const MAX_DEPTH = 16;

function* allIndices(end: number): Generator<number, void, void> {
  for (let i = 0; i < end; i++) yield i;
}

function withMark(region: Region, value: bigint): Box[] {
  return region.map((box) => ({ ...box, mark: [[value, value]] as const }));
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

/**
 * Follows a region of packets through a chain the way iptables would, first match wins,
 * descending into jumped-to chains. With `stopAt`, stops before that rule and reports what is
 * still undecided there: the packets that reach it.
 */
export function walkChain(
  chains: AbstractChains,
  chain: string,
  start: Region,
  stopAt?: number,
  depth = 0,
  focus: Box | undefined = start.length === 1 ? { ...start[0]!, mark: ANY_MARK } : undefined,
): WalkResult {
  const decided: Decision[] = [];
  const returned: Box[] = [];
  const marked: Decision[] = [];
  let region: Box[] = [...start];
  const rules = chains.rules.get(chain) ?? [];
  const end = stopAt === undefined ? rules.length : Math.min(stopAt, rules.length);
  const order: Iterable<number> =
    focus && chains.index ? chains.index.candidates(chain, focus, end) : allIndices(end);
  for (const k of order) {
    if (region.length === 0) break;
    const rule = rules[k]!;
    if (!rule.match) continue;
    // Most rules share nothing with the packets followed: skip them without touching the region.
    if (focus && !boxesOverlap(focus, rule.match)) continue;
    const hit = regionIntersect(region, rule.match);
    if (hit.length === 0) continue;
    const rest = regionSubtract(region, rule.match);
    const target = rule.target;
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
          marked.push({ region: withMark(hit, 1n), verdict: 'ACCEPT', by: rule.ref });
        region = [...rest, ...withMark(hit, target.value)];
        break;
      case 'jump':
      case 'goto': {
        if (depth >= MAX_DEPTH) break;
        const sub = walkChain(chains, target.chain, hit, undefined, depth + 1, focus);
        const credit = chains.opaque.has(target.chain);
        const own = (d: Decision): Decision => (credit ? { ...d, by: rule.ref } : d);
        decided.push(...sub.decided.map(own));
        marked.push(...sub.marked.map(own));
        if (target.kind === 'jump') {
          region = [...rest, ...sub.returned];
        } else {
          // A goto returns straight to our caller: guest OUT rules accept this way.
          if (depth === 0 && sub.returned.length > 0) {
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
    return { decided, returned: [...returned, ...region], remaining: [], marked };
  return { decided, returned, remaining: region, marked };
}
