import { regionIntersect, regionSubtract, type Box, type Region } from './packet-space';

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

export type AbstractChains = ReadonlyMap<string, readonly AbstractRule[]>;

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
}

const MAX_DEPTH = 16;

function withMark(region: Region, value: bigint): Box[] {
  return region.map((box) => ({ ...box, mark: [[value, value]] as const }));
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
): WalkResult {
  const decided: Decision[] = [];
  const returned: Box[] = [];
  let region: Box[] = [...start];
  const rules = chains.get(chain) ?? [];
  const end = stopAt === undefined ? rules.length : Math.min(stopAt, rules.length);
  for (let i = 0; i < end && region.length > 0; i++) {
    const rule = rules[i]!;
    if (!rule.match) continue;
    const hit = regionIntersect(region, rule.match);
    if (hit.length === 0) continue;
    const rest = regionSubtract(region, rule.match);
    const target = rule.target;
    switch (target.kind) {
      case 'verdict':
        decided.push({ region: hit, verdict: target.verdict, by: rule.ref });
        region = rest;
        break;
      case 'return':
        // Leaving the chain a rule analysis starts in is how host rules accept (RETURN).
        if (depth === 0) decided.push({ region: hit, verdict: 'ACCEPT', by: rule.ref });
        returned.push(...hit);
        region = rest;
        break;
      case 'continue':
        break;
      case 'set-mark':
        region = [...rest, ...withMark(hit, target.value)];
        break;
      case 'jump':
      case 'goto': {
        if (depth >= MAX_DEPTH) break;
        const sub = walkChain(chains, target.chain, hit, undefined, depth + 1);
        decided.push(...sub.decided);
        if (target.kind === 'jump') region = [...rest, ...sub.returned];
        else {
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
  if (stopAt === undefined) return { decided, returned: [...returned, ...region], remaining: [] };
  return { decided, returned, remaining: region };
}
