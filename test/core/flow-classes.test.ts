// Flow classes: merging pieces never changes which packets a class holds, and address sets read
// by the names people gave them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networksOf } from '../../server/src/core/analysis/address-text';
import { InterfaceNames } from '../../server/src/core/analysis/ipt-to-box';
import {
  fullBox,
  pickPoint,
  pointInBox,
  type Box,
  type Dimension,
} from '../../server/src/core/analysis/packet-space';
import {
  addressesText,
  coalesce,
  flowClasses,
  type FlowEntry,
} from '../../server/src/core/plan/flow-classes';

const V4 = (a: number, b: number, c: number, d: number): bigint =>
  BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d);

function box(parts: Partial<Record<Dimension, readonly (readonly [bigint, bigint])[]>>): Box {
  return { ...fullBox(4, 0), ...parts };
}

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

test('coalescing keeps exactly the packets of the pieces', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const next = random(seed);
    const pick = (n: number): bigint => BigInt(Math.floor(next() * n));
    const pieces: Box[] = [];
    for (let i = 0; i < 6; i++) {
      const port = pick(8);
      const proto = pick(3) + 5n;
      const source = pick(4);
      pieces.push(
        box({ dport: [[port, port]], proto: [[proto, proto]], source: [[source, source]] }),
      );
    }
    const merged = coalesce(pieces);
    assert.ok(merged.length <= pieces.length);
    // Every packet of the small space is in the merged region exactly when it is in a piece.
    for (let port = 0n; port < 8n; port++)
      for (let proto = 5n; proto < 8n; proto++)
        for (let source = 0n; source < 4n; source++) {
          const point = {
            ...pickPoint(fullBox(4, 0)),
            dport: port,
            proto,
            source,
          };
          const inPieces = pieces.some((p) => pointInBox(point, p));
          const inMerged = merged.filter((p) => pointInBox(point, p)).length;
          assert.equal(inMerged > 0, inPieces, `seed ${seed}`);
        }
  }
});

test('addresses read as a known name, as "anywhere except" one, or as networks', () => {
  const office = { name: '+office', set: [[V4(198, 51, 100, 0), V4(198, 51, 100, 255)]] as const };
  const all = fullBox(4, 0).source;
  assert.equal(addressesText(all, 4, [office], 'anywhere'), 'anywhere');
  assert.equal(addressesText(office.set, 4, [office], 'anywhere'), '+office');
  const rest = [
    [0n, V4(198, 51, 99, 255)],
    [V4(198, 51, 101, 0), V4(255, 255, 255, 255)],
  ] as const;
  assert.equal(addressesText(rest, 4, [office], 'anywhere'), 'anywhere except +office');
  assert.equal(addressesText(rest, 4, [], 'anywhere'), 'anywhere except 198.51.100.0/24');
  assert.equal(
    addressesText([[V4(10, 0, 0, 0), V4(10, 0, 1, 255)]], 4, [], 'anywhere'),
    '10.0.0.0/23',
  );
});

test('networks of a range are the fewest CIDR blocks, single addresses without a prefix', () => {
  assert.deepEqual(networksOf([[V4(10, 0, 0, 1), V4(10, 0, 0, 6)]], 4, 10).networks, [
    '10.0.0.1',
    '10.0.0.2/31',
    '10.0.0.4/31',
    '10.0.0.6',
  ]);
  assert.deepEqual(networksOf([[0n, (1n << 128n) - 1n]], 6, 3).networks, ['::/0']);
  assert.deepEqual(networksOf([[0n, 9n]], 4, 1), { networks: ['0.0.0.0/29'], more: 1 });
});

test('a policy change reads as one wide class with its exceptions, and its packet is real', () => {
  const entry: FlowEntry = {
    where: 'host pve1',
    direction: 'inbound',
    self: 'pve1',
    selfAddresses: [V4(192, 0, 2, 11)],
  };
  const ssh = box({ proto: [[6n, 6n]], dport: [[22n, 22n]] });
  const everything = fullBox(4, 0);
  // Before: ssh accepted, the rest dropped. After: everything accepted.
  const notSsh = [
    box({ proto: [[0n, 5n]] }),
    box({ proto: [[7n, 255n]] }),
    box({ proto: [[6n, 6n]], dport: [[0n, 21n]] }),
    box({ proto: [[6n, 6n]], dport: [[23n, 65535n]] }),
  ];
  const found = flowClasses(
    [
      { verdict: 'ACCEPT', region: [ssh] },
      { verdict: 'DROP', region: notSsh },
    ],
    [{ verdict: 'ACCEPT', region: [everything] }],
    entry,
    { family: 4, names: new InterfaceNames(), known: [] },
  );
  assert.deepEqual(
    found.classes.map((c) => `${c.text}: ${c.before} → ${c.after}`),
    ['inbound all traffic to pve1 from anywhere, except tcp port 22: DROP → ACCEPT'],
  );
  assert.match(found.classes[0]!.example, /→ 192\.0\.2\.11:443$/);
});
