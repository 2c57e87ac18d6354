import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  intersect,
  normalise,
  overlaps,
  subtract,
  type IntervalSet,
} from '../../../server/src/core/analysis/intervals';
import {
  boxSubtract,
  DIMENSIONS,
  fullBox,
  pointInBox,
  type Box,
  type Dimension,
} from '../../../server/src/core/analysis/packet-space';

const small = fc
  .array(fc.tuple(fc.bigInt({ min: 0n, max: 40n }), fc.bigInt({ min: 0n, max: 40n })), {
    maxLength: 12,
  })
  .map((pairs) =>
    normalise(pairs.map(([a, b]): readonly [bigint, bigint] => (a <= b ? [a, b] : [b, a]))),
  );

// Long enough to take the paths for ipset-sized lists (searched, complemented once).
const long = fc
  .array(fc.tuple(fc.bigInt({ min: 0n, max: 400n }), fc.bigInt({ min: 0n, max: 3n })), {
    minLength: 10,
    maxLength: 60,
  })
  .map((pairs) => normalise(pairs.map(([a, w]): readonly [bigint, bigint] => [a, a + w])));

function has(set: IntervalSet, v: bigint): boolean {
  return set.some(([a, b]) => v >= a && v <= b);
}

/** Intersection, difference and overlap of x and y, checked value by value up to `top`. */
function agreesWithMembership(x: IntervalSet, y: IntervalSet, top: bigint): void {
  const both = intersect(x, y);
  const diff = subtract(x, y);
  for (let v = 0n; v <= top; v++) {
    assert.equal(has(both, v), has(x, v) && has(y, v));
    assert.equal(has(diff, v), has(x, v) && !has(y, v));
  }
  assert.equal(overlaps(x, y), both.length > 0);
  assert.deepEqual(normalise(both), both);
  assert.deepEqual(normalise(diff), diff);
}

test('interval intersection and subtraction agree with membership, point by point', () => {
  fc.assert(
    fc.property(small, small, (x, y) => agreesWithMembership(x, y, 41n)),
    { numRuns: 1000 },
  );
});

test('interval operations on long sets agree with membership, point by point', () => {
  fc.assert(
    fc.property(fc.oneof(small, long), fc.oneof(small, long), (x, y) =>
      agreesWithMembership(x, y, 405n),
    ),
    { numRuns: 500 },
  );
});

function boxOf(sets: Partial<Record<Dimension, IntervalSet>>): Box {
  return { ...fullBox(4, 3), ...sets };
}

test('box subtraction yields disjoint pieces covering exactly a \\ b', () => {
  const dims: Dimension[] = ['proto', 'dport', 'iface'];
  fc.assert(
    fc.property(fc.tuple(small, small, small), fc.tuple(small, small, small), (as, bs) => {
      const a = boxOf({ proto: as[0], dport: as[1], iface: as[2] });
      const b = boxOf({ proto: bs[0], dport: bs[1], iface: bs[2] });
      const pieces = boxSubtract(a, b);
      for (let p = 0n; p <= 12n; p += 3n)
        for (let d = 0n; d <= 12n; d += 2n)
          for (let i = 0n; i <= 3n; i++) {
            const point = Object.fromEntries(
              DIMENSIONS.map((k) => [k, fullBox(4, 3)[k][0]![0]]),
            ) as Record<Dimension, bigint>;
            point.proto = p;
            point.dport = d;
            point.iface = i;
            const inA = dims.every((k) => has(a[k], point[k]));
            const inB = dims.every((k) => has(b[k], point[k]));
            const count = pieces.filter((piece) => pointInBox(point, piece)).length;
            assert.equal(count, inA && !inB ? 1 : 0);
          }
    }),
    { numRuns: 200 },
  );
});
