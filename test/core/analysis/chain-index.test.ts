// The chain index (a spatial tree of each chain's rules) only chooses which rules a walk reads:
// on random chains, every walk with it must give exactly what the plain walk gives, reading
// every rule in order. The chains have Proxmox's shape where the index relies on it: packets
// reach a chain's user rules unmarked, a group chain clears the accept mark first, and a mark
// test follows each jump into a group. (The index files such a test under its jump, and leaves
// out rules that only clear the mark.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ChainIndex } from '../../../server/src/core/analysis/chain-index';
import {
  walkChain,
  type AbstractChains,
  type AbstractRule,
  type AbstractTarget,
  type RuleRef,
  type Verdict,
  type WalkOptions,
  type WalkResult,
} from '../../../server/src/core/analysis/symbolic-walk';
import type { IntervalSet } from '../../../server/src/core/analysis/intervals';
import {
  ANY_MARK,
  fullBox,
  HAS_MARK,
  NO_MARK,
  regionSubtract,
  type Box,
} from '../../../server/src/core/analysis/packet-space';

const range = (lo: number, hi: number): IntervalSet => [[BigInt(lo), BigInt(hi)]];

/** A set of up to three intervals within 0..max, or the whole of it. */
function values(max: number): fc.Arbitrary<IntervalSet | undefined> {
  const interval = fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: Math.ceil(max / 3) }))
    .map(([lo, width]) => [lo, Math.min(max, lo + width)] as const);
  return fc.option(
    fc.array(interval, { minLength: 1, maxLength: 3 }).map((list) => {
      // Sorted, disjoint, not adjacent: as intervals.normalise() leaves a set.
      const sorted = [...list].sort((a, b) => a[0] - b[0]);
      const out: [bigint, bigint][] = [];
      for (const [lo, hi] of sorted) {
        const last = out[out.length - 1];
        if (last && BigInt(lo) <= last[1] + 1n) {
          if (BigInt(hi) > last[1]) last[1] = BigInt(hi);
        } else out.push([BigInt(lo), BigInt(hi)]);
      }
      return out;
    }),
    { nil: undefined, freq: 3 },
  );
}

/** A box in a small corner of the space (so that rules meet often), in either family. */
function box(family: 4 | 6): fc.Arbitrary<Box> {
  const top = family === 4 ? 0 : 2 ** 40;
  return fc
    .record({
      proto: fc.option(fc.constantFrom(6, 17, 1), { nil: undefined }),
      dport: values(100),
      source: values(60),
      dest: values(60),
      iface: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    })
    .map((r) => {
      const full = fullBox(family, 2);
      // IPv6 addresses high in the space, where doubles lose their low bits.
      const high = (set: IntervalSet | undefined): IntervalSet | undefined =>
        set?.map(([a, b]) => [a + BigInt(top) * BigInt(top), b + BigInt(top) * BigInt(top)]);
      return {
        ...full,
        ...(r.proto === undefined ? {} : { proto: range(r.proto, r.proto) }),
        ...(r.dport ? { dport: r.dport } : {}),
        ...(r.source ? { source: high(r.source)! } : {}),
        ...(r.dest ? { dest: high(r.dest)! } : {}),
        ...(r.iface === undefined ? {} : { iface: range(r.iface, r.iface) }),
      };
    });
}

const VERDICTS: Verdict[] = ['ACCEPT', 'DROP', 'REJECT'];
type Kind = 'verdict' | 'return' | 'continue' | 'mark' | 'group' | 'goto' | 'maybe';

interface Spec {
  readonly kind: Kind;
  readonly box: Box;
  readonly verdict: Verdict;
  readonly group: number;
}

function spec(family: 4 | 6): fc.Arbitrary<Spec> {
  return fc.record({
    kind: fc.constantFrom<Kind>(
      'verdict',
      'verdict',
      'verdict',
      'verdict',
      'return',
      'continue',
      'mark',
      'group',
      'goto',
      'maybe',
    ),
    box: box(family),
    verdict: fc.constantFrom(...VERDICTS),
    group: fc.integer({ min: 0, max: 1 }),
  });
}

/** A main chain and two groups, built from the specs as Proxmox lays such chains out. */
function chainsOf(
  family: 4 | 6,
  main: readonly Spec[],
  groups: readonly (readonly Spec[])[],
): AbstractChains {
  const rules = new Map<string, AbstractRule[]>();
  const add = (
    chain: string,
    list: AbstractRule[],
    match: Box | undefined,
    target: AbstractTarget,
    maybe?: Box,
  ): void => {
    const rule: AbstractRule = {
      ref: { chain, index: list.length },
      match,
      target,
      ...(maybe ? { maybe } : {}),
    };
    list.push(rule);
  };
  groups.forEach((specs, g) => {
    const name = `GROUP-${g}`;
    const list: AbstractRule[] = [];
    // Proxmox's group chains clear the accept mark first.
    add(name, list, fullBox(family, 2), { kind: 'set-mark', value: 0n });
    for (const s of specs) {
      if (s.kind === 'maybe')
        add(name, list, undefined, { kind: 'verdict', verdict: s.verdict }, s.box);
      else if (s.kind === 'mark' || s.kind === 'group' || s.kind === 'goto') {
        // A group accepts by marking the packet and returning.
        add(name, list, s.box, { kind: 'set-mark', value: 1n });
        add(name, list, { ...s.box, mark: HAS_MARK }, { kind: 'return' });
      } else if (s.kind === 'verdict')
        add(name, list, s.box, { kind: 'verdict', verdict: s.verdict });
      else add(name, list, s.box, { kind: s.kind });
    }
    rules.set(name, list);
  });
  const list: AbstractRule[] = [];
  for (const s of main) {
    const group = `GROUP-${s.group}`;
    switch (s.kind) {
      // Marking is for groups; a user chain's own rules decide.
      case 'mark':
      case 'verdict':
        add('MAIN', list, s.box, { kind: 'verdict', verdict: s.verdict });
        break;
      case 'maybe':
        add('MAIN', list, undefined, { kind: 'verdict', verdict: s.verdict }, s.box);
        break;
      case 'group':
        add('MAIN', list, s.box, { kind: 'jump', chain: group });
        add('MAIN', list, { ...s.box, mark: HAS_MARK }, { kind: 'verdict', verdict: 'ACCEPT' });
        break;
      case 'goto':
        add('MAIN', list, s.box, { kind: 'goto', chain: group });
        break;
      default:
        add('MAIN', list, s.box, { kind: s.kind });
    }
  }
  rules.set('MAIN', list);
  return { rules, opaque: new Set() };
}

/** What a walk says, without its regions: who decided, in which order, and how it ended. */
function summary(walk: WalkResult): unknown {
  const who = (d: { by: RuleRef; verdict?: Verdict | undefined }): string =>
    `${d.by.chain} ${d.by.index} ${d.verdict}`;
  return {
    decided: [...new Set(walk.decided.map(who))].sort(),
    marked: [...new Set(walk.marked.map(who))].sort(),
    maybe: walk.maybe.map(who),
    contradicted: walk.contradicted,
  };
}

/** Whether two regions hold the same packets, however they are cut into boxes. */
function sameRegion(a: readonly Box[], b: readonly Box[]): boolean {
  const minus = (x: readonly Box[], y: readonly Box[]): Box[] =>
    y.reduce<Box[]>((rest, box) => regionSubtract(rest, box), [...x]);
  return minus(a, b).length === 0 && minus(b, a).length === 0;
}

/** Whether each rule decides, marks and might take the same packets in both walks. */
function samePackets(a: WalkResult, b: WalkResult): boolean {
  const byRule = (
    list: readonly { by: RuleRef; region?: readonly Box[] }[],
  ): Map<string, Box[]> => {
    const out = new Map<string, Box[]>();
    for (const d of list) {
      const key = `${d.by.chain} ${d.by.index}`;
      out.set(key, [...(out.get(key) ?? []), ...(d.region ?? [])]);
    }
    return out;
  };
  const same = (x: Map<string, Box[]>, y: Map<string, Box[]>): boolean =>
    [...x].every(([key, region]) => sameRegion(region, y.get(key) ?? []));
  return (
    same(byRule(a.decided), byRule(b.decided)) &&
    same(byRule(a.marked), byRule(b.marked)) &&
    same(byRule(a.maybe), byRule(b.maybe)) &&
    sameRegion(a.returned, b.returned) &&
    sameRegion(a.remaining, b.remaining)
  );
}

test('walks read the same rules, and give the same answer, with the chain index as without', () => {
  let walks = 0;
  fc.assert(
    fc.property(
      fc
        .constantFrom<4 | 6>(4, 6)
        .chain((family) =>
          fc.tuple(
            fc.constant(family),
            fc.array(spec(family), { minLength: 1, maxLength: 80 }),
            fc.array(fc.array(spec(family), { maxLength: 12 }), { minLength: 2, maxLength: 2 }),
            fc.array(box(family), { minLength: 1, maxLength: 6 }),
            fc.constantFrom<Verdict | undefined>(undefined, ...VERDICTS),
          ),
        ),
      ([family, main, groups, starts, expect]) => {
        const plain = chainsOf(family, main, groups);
        const indexed: AbstractChains = { ...plain, index: new ChainIndex(plain) };
        const length = plain.rules.get('MAIN')!.length;
        for (const start of starts) {
          {
            const region = [{ ...start, mark: NO_MARK }];
            const focus = { ...start, mark: ANY_MARK };
            for (let at = 0; at <= length; at += 1 + (at % 3)) {
              // Before a rule (what reaches it) and past it (what its removal would change).
              const options: WalkOptions[] = [
                { stopAt: at, focus },
                {
                  from: at,
                  focus,
                  without: new Set([`MAIN ${at + 1}`]),
                  ...(expect ? { expect } : {}),
                  maybeRegions: true,
                },
              ];
              for (const option of options) {
                const want = walkChain(plain, 'MAIN', region, option);
                const got = walkChain(indexed, 'MAIN', region, option);
                assert.deepEqual(summary(got), summary(want));
                assert.ok(samePackets(got, want));
                walks++;
              }
            }
          }
        }
      },
    ),
    { seed: 14, numRuns: 300 },
  );
  assert.ok(walks > 10_000, `only ${walks} walks compared`);
});
