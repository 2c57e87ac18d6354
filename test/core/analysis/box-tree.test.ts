// The chain index files a long chain's rules in one tree per block of chain positions
// (BlockTree): asked for the rules whose hull meets a query between two positions, it must give
// exactly the rules a plain scan of the chain gives, in chain order, wherever the positions
// fall among the blocks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  BlockTree,
  BoxTree,
  HULL_DIMENSIONS,
  hullBounds,
} from '../../../server/src/core/analysis/box-tree';
import { fullBox, type Box } from '../../../server/src/core/analysis/packet-space';
import { runToEnd } from '../../../server/src/core/steps';

const CHAIN = 1300;

/** A rule's box: a port range and a /8 to /24 source in 10.0.0.0/8, or no rule at all. */
function rule(): fc.Arbitrary<Box | undefined> {
  return fc.option(
    fc
      .tuple(
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 8, max: 24 }),
        fc.integer({ min: 0, max: 2 ** 24 - 1 }),
      )
      .map(([port, width, prefix, host]): Box => {
        const size = 2 ** (32 - prefix);
        const net = Math.floor((0x0a000000 + host) / size) * size;
        return {
          ...fullBox(4, 2),
          dport: [[BigInt(port), BigInt(Math.min(65535, port + width))]],
          source: [[BigInt(net), BigInt(net + size - 1)]],
        };
      }),
    { freq: 8 },
  );
}

function meets(a: Box, b: Box): boolean {
  const bounds = (): Float64Array => new Float64Array(HULL_DIMENSIONS);
  const [alo, ahi, blo, bhi] = [bounds(), bounds(), bounds(), bounds()];
  hullBounds(a, alo, ahi, 0);
  hullBounds(b, blo, bhi, 0);
  for (let d = 0; d < HULL_DIMENSIONS; d++)
    if (alo[d]! > bhi[d]! || blo[d]! > ahi[d]!) return false;
  return true;
}

test('a tree per block of chain positions gives the rules a scan gives, in chain order', () => {
  fc.assert(
    fc.property(
      fc.array(rule(), { minLength: CHAIN, maxLength: CHAIN }),
      fc.array(
        fc.tuple(rule(), fc.integer({ min: 0, max: CHAIN }), fc.integer({ min: 0, max: CHAIN })),
        { minLength: 8, maxLength: 8 },
      ),
      (boxes, queries) => {
        const blocks = new BlockTree(boxes);
        // Built in steps, as the chain index builds a long chain's tree ahead of the walks.
        const grown = new BlockTree(boxes, true);
        runToEnd(grown.grow());
        const whole = new BoxTree(boxes);
        for (const [query, a, b] of queries) {
          if (!query) continue;
          const [from, stopAt] = a <= b ? [a, b] : [b, a];
          const lo = new Float64Array(HULL_DIMENSIONS);
          const hi = new Float64Array(HULL_DIMENSIONS);
          hullBounds(query, lo, hi, 0);
          const want: number[] = [];
          for (let i = from; i < stopAt; i++) {
            const box = boxes[i];
            if (box && meets(box, query)) want.push(i);
          }
          assert.deepEqual([...blocks.meeting(lo, hi, from, stopAt)], want);
          assert.deepEqual([...grown.meeting(lo, hi, from, stopAt)], want);
          assert.deepEqual([...whole.meeting(lo, hi, from, stopAt)], want);
          for (const i of want) assert.equal(blocks.isExact(i), whole.isExact(i));
        }
      },
    ),
    { seed: 14, numRuns: 20 },
  );
});
