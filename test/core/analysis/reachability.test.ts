import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  AbstractChains,
  AbstractRule,
  AbstractTarget,
} from '../../../server/src/core/analysis/symbolic-walk';
import { fullBox, type Box, type Dimension } from '../../../server/src/core/analysis/packet-space';
import type { IntervalSet } from '../../../server/src/core/analysis/intervals';
import { blockingRules, reachInstance } from '../../../server/src/core/analysis/rule-reach';

function box(sets: Partial<Record<Dimension, IntervalSet>>): Box {
  return { ...fullBox(4, 2), ...sets };
}
const tcp = (lo: bigint, hi = lo): Box => box({ proto: [[6n, 6n]], dport: [[lo, hi]] });

function chainsOf(list: [string, AbstractRule[]][]): AbstractChains {
  return { rules: new Map(list), opaque: new Set(['SET-ACCEPT']) };
}

function chain(name: string, rules: [Box | undefined, AbstractTarget][]): [string, AbstractRule[]] {
  return [
    name,
    rules.map(([match, target], index) => ({ ref: { chain: name, index }, match, target })),
  ];
}
const ACCEPT: AbstractTarget = { kind: 'verdict', verdict: 'ACCEPT' };
const DROP: AbstractTarget = { kind: 'verdict', verdict: 'DROP' };

test('a rule whose packets are all taken earlier is dead, with a minimal set of blockers', () => {
  const chains = chainsOf([
    chain('IN', [
      [tcp(22n), { kind: 'return' }],
      [tcp(20n, 30n), DROP],
      [tcp(22n), DROP],
      [tcp(20n, 31n), DROP],
    ]),
  ]);
  const dead = reachInstance(chains, { ref: { chain: 'IN', index: 2 }, match: tcp(22n) });
  assert.equal(dead.dead, true);
  assert.deepEqual(
    dead.decided.map((d) => [d.by.index, d.verdict]),
    [[0, 'ACCEPT']],
  );
  assert.deepEqual(
    blockingRules(dead).map((r) => r.index),
    [0],
  );
  const alive = reachInstance(chains, { ref: { chain: 'IN', index: 3 }, match: tcp(20n, 31n) });
  assert.equal(alive.dead, false);
});

test('several earlier rules together can cover a rule', () => {
  const chains = chainsOf([
    chain('IN', [
      [tcp(1n, 100n), ACCEPT],
      [tcp(101n, 200n), ACCEPT],
      [tcp(50n, 150n), DROP],
    ]),
  ]);
  const reach = reachInstance(chains, { ref: { chain: 'IN', index: 2 }, match: tcp(50n, 150n) });
  assert.equal(reach.dead, true);
  assert.deepEqual(
    blockingRules(reach).map((r) => r.index),
    [0, 1],
  );
});

test('a group behaves like its rules inlined: accept mark, return, then accept on the mark', () => {
  const marked = box({ mark: [[1n, 1n]] });
  const chains = chainsOf([
    chain('GROUP-web-IN', [
      [box({}), { kind: 'set-mark', value: 0n }],
      [tcp(80n), { kind: 'goto', chain: 'SET-ACCEPT' }],
    ]),
    chain('SET-ACCEPT', [[box({}), { kind: 'set-mark', value: 1n }]]),
    chain('IN', [
      [box({}), { kind: 'jump', chain: 'GROUP-web-IN' }],
      [marked, ACCEPT],
      [tcp(80n), DROP],
      [tcp(81n), DROP],
    ]),
  ]);
  const dead = reachInstance(chains, { ref: { chain: 'IN', index: 2 }, match: tcp(80n) });
  assert.equal(dead.dead, true);
  assert.deepEqual(
    dead.decided.map((d) => d.by.index),
    [1],
  );
  assert.equal(
    reachInstance(chains, { ref: { chain: 'IN', index: 3 }, match: tcp(81n) }).dead,
    false,
  );
});
