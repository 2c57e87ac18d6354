// The three-way merge of one file: data in (base, local and cluster text of cluster.fw), the
// merged text out, with conflict markers where both sides changed the same thing. Property
// tests: a merge where only one side changed gives that side, and both sides making the same
// change gives it once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mergeFile } from '../../../server/src/core/merge/merge-file';
import { loadFileConf } from '../../../server/src/core/plan/firewall-state';
import type { ProxmoxConf } from '../../../server/src/core/model/proxmox-conf';
import { formatProxmoxConf } from '../../../server/src/core/writer/write-fw';

const conf = (text: string): ProxmoxConf =>
  loadFileConf({ kind: 'cluster' }, text, undefined, { sdnIpSets: new Set(), now: 0 });

function merge(base: string, local: string, remote: string): string {
  return mergeFile('cluster', conf(base), conf(local), conf(remote)).text;
}

const A = 'IN ACCEPT -p tcp -dport 22';
const B = 'IN ACCEPT -p tcp -dport 80';
const C = 'IN ACCEPT -p tcp -dport 443';
const D = 'IN DROP -p tcp -dport 23';
const E = 'IN ACCEPT -p udp -dport 53';
const rules = (...lines: string[]): string => `[RULES]\n\n${lines.map((l) => `${l}\n`).join('')}\n`;
const block = (local: string[], cluster: string[]): string =>
  `<<<<<<< local\n${local.map((l) => `${l}\n`).join('')}=======\n${cluster.map((l) => `${l}\n`).join('')}>>>>>>> cluster\n`;

const CASES: { name: string; base: string; local: string; remote: string; merged: string }[] = [
  {
    name: 'a rule added on each side, in different places',
    base: rules(A, B, C),
    local: rules(D, A, B, C),
    remote: rules(A, B, C, E),
    merged: rules(D, A, B, C, E),
  },
  {
    name: 'both sides add a rule at the same place: conflict',
    base: rules(A, B),
    local: rules(A, D, B),
    remote: rules(A, E, B),
    merged: `[RULES]\n\n${A}\n${block([D], [E])}${B}\n\n`,
  },
  {
    name: 'both sides add the same rule at the same place: once',
    base: rules(A, B),
    local: rules(A, D, B),
    remote: rules(A, D, B),
    merged: rules(A, D, B),
  },
  {
    name: 'one side moves a rule, the other edits a rule elsewhere',
    base: rules(A, B, C, D, E),
    local: rules(B, C, A, D, E),
    remote: rules(A, B, C, D, E.replace('53', '5353')),
    merged: rules(B, C, A, D, E.replace('53', '5353')),
  },
  {
    name: 'changes next to each other merge when they do not meet: a move, a replaced rule',
    base: rules(A, B, C, D),
    local: rules(B, C, A, D),
    remote: rules(A, B, C, E),
    merged: rules(B, C, A, E),
  },
  {
    name: 'a rule added at the top on one side, the top rule removed on the other',
    base: rules(A, B),
    local: rules(B),
    remote: rules(D, A, B),
    merged: rules(D, B),
  },
  {
    name: 'a rule one side removed and the other changed: conflict',
    base: rules(A, B, C),
    local: rules(A, C),
    remote: rules(A, `|${B}`, C),
    merged: `[RULES]\n\n${A}\n${block([], [`|${B}`])}${C}\n\n`,
  },
  {
    name: 'one side disables a rule the other deleted: conflict',
    base: rules(A, B, C),
    local: rules(A, `|${B}`, C),
    remote: rules(A, C),
    merged: `[RULES]\n\n${A}\n${block([`|${B}`], [])}${C}\n\n`,
  },
  {
    name: 'both sides reorder the same rules differently: conflict',
    base: rules(A, B, C),
    local: rules(B, A, C),
    remote: rules(A, C, B),
    merged: `[RULES]\n\n${block([B, A, C], [A, C, B])}\n`,
  },
  {
    name: 'both move one rule to different places: a conflict, never the rule twice',
    base: rules(A, B, C, D, E),
    local: rules(B, C, A, D, E),
    remote: rules(B, C, D, E, A),
    merged: `[RULES]\n\n${B}\n${C}\n${block([A, D, E], [D, E, A])}\n`,
  },
  {
    name: 'options merge key by key; the same key changed differently is a conflict',
    base: '[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n',
    local: '[OPTIONS]\n\nenable: 1\npolicy_in: ACCEPT\npolicy_out: REJECT\n\n',
    remote: '[OPTIONS]\n\nenable: 0\npolicy_in: REJECT\n\n',
    merged:
      `[OPTIONS]\n\nenable: 0\n${block(['policy_in: ACCEPT', 'policy_out: REJECT'], ['policy_in: REJECT'])}\n`.replace(
        `${block(['policy_in: ACCEPT', 'policy_out: REJECT'], ['policy_in: REJECT'])}`,
        `${block(['policy_in: ACCEPT'], ['policy_in: REJECT'])}policy_out: REJECT\n`,
      ),
  },
  {
    name: 'ipset entries merge by address; a set removed on one side and changed on the other is a conflict',
    base: '[IPSET office]\n\n10.1.0.0/16\n\n[IPSET old]\n\n10.9.0.0/16\n\n',
    local: '[IPSET office]\n\n10.1.0.0/16\n10.3.0.0/16 # new site\n\n',
    remote:
      '[IPSET office]\n\n10.1.0.0/16\n10.2.0.0/16\n\n[IPSET old]\n\n10.8.0.0/16\n10.9.0.0/16\n\n',
    merged:
      '[IPSET office]\n\n10.1.0.0/16\n10.2.0.0/16\n10.3.0.0/16 # new site\n\n' +
      block([], ['[IPSET old]', '', '10.8.0.0/16', '10.9.0.0/16', '']),
  },
  {
    name: 'aliases by name; a group deleted on one side, untouched on the other, is deleted',
    base: '[ALIASES]\n\nweb 10.0.0.1\n\n[group g1]\n\nIN ACCEPT -p tcp -dport 22\n\n',
    local: '[ALIASES]\n\nweb 10.0.0.2\n\n',
    remote:
      '[ALIASES]\n\ndb 10.0.0.9\nweb 10.0.0.1\n\n[group g1]\n\nIN ACCEPT -p tcp -dport 22\n\n',
    merged: '[ALIASES]\n\ndb 10.0.0.9\nweb 10.0.0.2\n\n',
  },
];

for (const c of CASES) {
  test(`merge: ${c.name}`, () => {
    assert.equal(merge(c.base, c.local, c.remote), c.merged);
  });
}

test('the conflicts are listed by part of the file, with both sides', () => {
  const merged = mergeFile(
    'cluster',
    conf(rules(A, B)),
    conf(rules(A, D, B)),
    conf(rules(A, E, B)),
  );
  assert.deepEqual(merged.conflicts, [{ list: 'rules', local: [D], cluster: [E] }]);
});

// Random cluster.fw contents: options, aliases, ipsets, rules, groups from small pools, so that
// random pairs share much and differ a little.
const ruleArb = fc.constantFrom(A, B, C, D, E, `|${A}`, 'OUT ACCEPT -p udp -dport 123', 'GROUP g1');
const fileArb = fc
  .record({
    enable: fc.option(fc.constantFrom('0', '1'), { nil: undefined }),
    policy: fc.option(fc.constantFrom('ACCEPT', 'DROP', 'REJECT'), { nil: undefined }),
    aliases: fc.uniqueArray(fc.constantFrom('web 10.0.0.1', 'db 10.0.0.2', 'web2 10.0.0.3 # x'), {
      selector: (l) => l.split(' ')[0],
    }),
    sets: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('office', 'lab'),
        entries: fc.uniqueArray(fc.constantFrom('10.1.0.0/16', '!10.1.2.0/24', '10.2.0.0/16 # c')),
      }),
      { selector: (s) => s.name },
    ),
    rules: fc.array(ruleArb, { maxLength: 7 }),
    group: fc.option(
      fc.array(
        ruleArb.filter((r) => !r.startsWith('GROUP')),
        { maxLength: 3 },
      ),
      {
        nil: undefined,
      },
    ),
  })
  .map((f) => {
    let text = '';
    const options = [
      ...(f.enable ? [`enable: ${f.enable}`] : []),
      ...(f.policy ? [`policy_in: ${f.policy}`] : []),
    ];
    if (options.length) text += `[OPTIONS]\n\n${options.join('\n')}\n\n`;
    if (f.aliases.length) text += `[ALIASES]\n\n${f.aliases.join('\n')}\n\n`;
    for (const set of f.sets) text += `[IPSET ${set.name}]\n\n${set.entries.join('\n')}\n\n`;
    text += `[group g1]\n\n`;
    if (f.rules.length) text += rules(...f.rules);
    if (f.group) text += `[group g2]\n\n${f.group.join('\n')}\n\n`;
    return text;
  });

const written = (text: string): string => formatProxmoxConf('cluster', conf(text));

test('property: merge(b, x, b) = x, merge(b, b, x) = x, merge(b, x, x) = x, no conflicts', () => {
  fc.assert(
    fc.property(fileArb, fileArb, (b, x) => {
      const want = written(x);
      for (const [l, r] of [
        [x, b],
        [b, x],
        [x, x],
      ] as const) {
        const merged = mergeFile('cluster', conf(b), conf(l), conf(r));
        assert.deepEqual(merged.conflicts, []);
        assert.equal(merged.text, want);
      }
    }),
    { numRuns: 300 },
  );
});

test('property: merging is symmetric up to which side a conflict shows first', () => {
  fc.assert(
    fc.property(fileArb, fileArb, fileArb, (b, l, r) => {
      const one = mergeFile('cluster', conf(b), conf(l), conf(r));
      const other = mergeFile('cluster', conf(b), conf(r), conf(l));
      assert.deepEqual(
        one.conflicts.map((c) => [c.list, c.local, c.cluster]),
        other.conflicts.map((c) => [c.list, c.cluster, c.local]),
      );
      if (one.conflicts.length === 0) assert.equal(one.text, other.text);
    }),
    { numRuns: 300 },
  );
});

// Rule lists alone, with rules from a pool of eight (duplicates allowed), for the invariants a
// clean merge of rules must keep.
const POOL = [A, B, C, D, E, `|${A}`, 'OUT ACCEPT -p udp -dport 123', 'IN DROP -p icmp'];
const listArb = fc.array(fc.constantFrom(...POOL), { maxLength: 8 });
const linesOf = (text: string): string[] =>
  text.split('\n').filter((l) => l !== '' && l !== '[RULES]');

test('property: a clean rule merge keeps what both sides kept, invents nothing, doubles nothing, and keeps each side’s reordering', () => {
  fc.assert(
    fc.property(listArb, listArb, listArb, (b, l, r) => {
      const merged = mergeFile('cluster', conf(rules(...b)), conf(rules(...l)), conf(rules(...r)));
      if (merged.conflicts.length > 0) return;
      const out = linesOf(merged.text);
      const count = (xs: string[], x: string): number => xs.filter((y) => y === x).length;
      for (const x of new Set(out)) {
        assert.ok(l.includes(x) || r.includes(x), `invented ${x}`);
        assert.ok(count(out, x) <= Math.max(count(l, x), count(r, x)), `doubled ${x}`);
      }
      for (const x of b)
        if (count(b, x) === 1 && count(l, x) === 1 && count(r, x) === 1)
          assert.ok(out.includes(x), `lost ${x}, kept by both`);
      const once = (xs: string[], x: string): boolean => count(xs, x) === 1;
      const common = [...new Set(out)].filter((x) => [b, l, r, out].every((xs) => once(xs, x)));
      for (const x of common)
        for (const y of common) {
          if (x === y) continue;
          const before = (xs: string[]): boolean => xs.indexOf(x) < xs.indexOf(y);
          for (const side of [l, r])
            if (before(side) !== before(b))
              assert.equal(before(out), before(side), `order of ${x} and ${y}`);
        }
    }),
    { numRuns: 2000 },
  );
});
