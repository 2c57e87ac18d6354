// Which rule of the cluster becomes which rule of the workspace. Identity is content (every
// field but the comment and the enable flag), never position. Matched rules already in relative
// order are kept in place (a longest increasing subsequence, so the fewest moves); between two
// kept rules, a rule that goes and a rule that comes, of the same direction, become one update.
import type { ProxmoxRule } from '../model';
import { RULE_IDENTITY_FIELDS } from './rule-fields';
import { longestIncreasing } from './lis';

export interface RuleMatching {
  /** Target index → index of the current rule that becomes it (kept, moved or updated). */
  readonly matchOf: readonly (number | undefined)[];
  /** Target indices whose rule stays where it is. */
  readonly anchors: ReadonlySet<number>;
  /** Current indices matched by nothing: rules to delete. */
  readonly unmatched: readonly number[];
}

/** `current` holds undefined for a rule Proxmox would drop once it rewrites the file. */
export function matchRules(
  current: readonly (ProxmoxRule | undefined)[],
  target: readonly ProxmoxRule[],
): RuleMatching {
  const key = (rule: ProxmoxRule): string =>
    JSON.stringify(RULE_IDENTITY_FIELDS.map((f) => rule[f] ?? null));
  const queues = new Map<string, number[]>();
  current.forEach((rule, i) => {
    if (!rule) return;
    const k = key(rule);
    const queue = queues.get(k);
    if (queue) queue.push(i);
    else queues.set(k, [i]);
  });
  const matchOf = target.map((rule) => queues.get(key(rule))?.shift());
  const taken = new Set(matchOf.filter((i): i is number => i !== undefined));
  const matched = matchOf.flatMap((i, j) => (i === undefined ? [] : [{ i, j }]));
  const anchors = new Set(longestIncreasing(matched.map((m) => m.i)).map((k) => matched[k]!.j));
  pairUpdates(current, target, matchOf, anchors, taken);
  return { matchOf, anchors, unmatched: current.flatMap((_, i) => (taken.has(i) ? [] : [i])) };
}

function pairUpdates(
  current: readonly (ProxmoxRule | undefined)[],
  target: readonly ProxmoxRule[],
  matchOf: (number | undefined)[],
  anchors: Set<number>,
  taken: Set<number>,
): void {
  const bounds = [...anchors].sort((a, b) => a - b);
  let prevI = -1;
  let prevJ = -1;
  for (const j of [...bounds, target.length]) {
    const i = j < target.length ? matchOf[j]! : current.length;
    const gone: number[] = [];
    for (let k = prevI + 1; k < i; k++) if (!taken.has(k) && current[k]) gone.push(k);
    const added: number[] = [];
    for (let k = prevJ + 1; k < j; k++) if (matchOf[k] === undefined) added.push(k);
    for (let n = 0; n < Math.min(gone.length, added.length); n++) {
      if (current[gone[n]!]!.type !== target[added[n]!]!.type) continue;
      matchOf[added[n]!] = gone[n]!;
      taken.add(gone[n]!);
      anchors.add(added[n]!);
    }
    prevI = i;
    prevJ = j;
  }
}
