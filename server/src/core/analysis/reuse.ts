import type { AbstractChains, AbstractRule, RuleRef } from './symbolic-walk';
import { boxesOverlap, type Box } from './packet-space';

/**
 * What changed in a ruleset since the previous analysis of the same node and family, so that
 * the walks an edit cannot affect are reused instead of redone.
 *
 * A walk for a rule only ever looks at rules whose match meets the rule's own packets (its
 * focus). So when no rule that changed (in its old or its new form) meets that focus, before
 * the rule for the packets that reach it and after it for what its removal would change, the
 * previous walk's result holds as it was; only rule positions in the edited chain shift.
 */
export interface ChainChanges {
  /** Per chain, the edited range: rules before `prefix` and from `oldEnd` on are unchanged. */
  readonly edits: ReadonlyMap<string, ChainEdit>;
  /** Per chain, where a walk could meet something that changed: the dirty places. */
  readonly dirty: ReadonlyMap<string, readonly DirtyPlace[]>;
  /** Chains of the new ruleset that did not exist before (nothing in them is reused). */
  readonly fresh: ReadonlySet<string>;
}

export interface ChainEdit {
  readonly prefix: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

interface DirtyPlace {
  /** Position in the new chain; x.5 for rules removed just before x. */
  readonly position: number;
  readonly box: Box;
}

function reachBox(rule: AbstractRule): Box | undefined {
  return rule.match ?? rule.maybe;
}

function diffChain(before: readonly string[], after: readonly string[]): ChainEdit | undefined {
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before[prefix] === after[prefix]) prefix++;
  if (prefix === before.length && prefix === after.length) return undefined;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++;
  return { prefix, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}

function jumpTarget(rule: AbstractRule): string | undefined {
  return rule.target.kind === 'jump' || rule.target.kind === 'goto' ? rule.target.chain : undefined;
}

/** Compares two models of one family, chain by chain, by each rule's signature. */
export function chainChanges(
  before: { chains: AbstractChains; signatures: ReadonlyMap<string, readonly string[]> },
  after: { chains: AbstractChains; signatures: ReadonlyMap<string, readonly string[]> },
): ChainChanges {
  const edits = new Map<string, ChainEdit>();
  const fresh = new Set<string>();
  const affected = new Set<string>();
  for (const [chain, signatures] of after.signatures) {
    const old = before.signatures.get(chain);
    if (!old) {
      fresh.add(chain);
      affected.add(chain);
      continue;
    }
    const edit = diffChain(old, signatures);
    if (edit) {
      edits.set(chain, edit);
      affected.add(chain);
    }
    if (before.chains.opaque.has(chain) !== after.chains.opaque.has(chain)) affected.add(chain);
  }
  for (const chain of before.signatures.keys())
    if (!after.signatures.has(chain)) affected.add(chain);
  // A chain that jumps into an affected chain is affected at that jump.
  const jumpsInto = new Map<string, { chain: string; index: number; box: Box }[]>();
  for (const [chain, rules] of after.chains.rules) {
    rules.forEach((rule, index) => {
      const target = jumpTarget(rule);
      const box = reachBox(rule);
      if (target === undefined || box === undefined) return;
      const list = jumpsInto.get(target) ?? [];
      list.push({ chain, index, box });
      jumpsInto.set(target, list);
    });
  }
  const dirty = new Map<string, DirtyPlace[]>();
  const place = (chain: string, p: DirtyPlace): void => {
    const list = dirty.get(chain);
    if (list) list.push(p);
    else dirty.set(chain, [p]);
  };
  for (const [chain, edit] of edits) {
    const oldRules = before.chains.rules.get(chain) ?? [];
    const newRules = after.chains.rules.get(chain) ?? [];
    for (let i = edit.prefix; i < edit.oldEnd; i++) {
      const box = reachBox(oldRules[i]!);
      if (box) place(chain, { position: edit.prefix - 0.5, box });
    }
    for (let i = edit.prefix; i < edit.newEnd; i++) {
      const box = reachBox(newRules[i]!);
      if (box) place(chain, { position: i, box });
    }
  }
  const queue = [...affected];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const chain = queue.pop()!;
    for (const jump of jumpsInto.get(chain) ?? []) {
      place(jump.chain, { position: jump.index, box: jump.box });
      if (!seen.has(jump.chain)) {
        seen.add(jump.chain);
        queue.push(jump.chain);
      }
    }
  }
  return { edits, dirty, fresh };
}

/** Where a rule of the new ruleset sat in the old one; undefined for an edited or new rule. */
export function oldIndex(changes: ChainChanges, ref: RuleRef): number | undefined {
  if (changes.fresh.has(ref.chain)) return undefined;
  const edit = changes.edits.get(ref.chain);
  if (!edit || ref.index < edit.prefix) return ref.index;
  if (ref.index >= edit.newEnd) return ref.index - edit.newEnd + edit.oldEnd;
  return undefined;
}

/** A rule of the old ruleset in the new one; undefined when it was edited or removed. */
export function newRef(changes: ChainChanges, ref: RuleRef): RuleRef | undefined {
  const edit = changes.edits.get(ref.chain);
  if (!edit || ref.index < edit.prefix) return ref;
  if (ref.index >= edit.oldEnd)
    return { chain: ref.chain, index: ref.index - edit.oldEnd + edit.newEnd };
  return undefined;
}

/**
 * Whether something that changed meets `focus` in `chain`: before the rule at `index` (the
 * packets that reach it), or anywhere in the chain (`whole`: what follows it as well).
 */
export function touched(
  changes: ChainChanges,
  chain: string,
  index: number,
  focus: Box,
  whole: boolean,
): boolean {
  for (const p of changes.dirty.get(chain) ?? []) {
    if ((whole || p.position < index) && boxesOverlap(focus, p.box)) return true;
  }
  return false;
}

/** The decisions of an old walk with their rules' new positions; undefined if one is gone. */
export function movedDecisions<T extends { readonly by: RuleRef }>(
  changes: ChainChanges,
  decisions: readonly T[],
): T[] | undefined {
  const out: T[] = [];
  for (const d of decisions) {
    const by = newRef(changes, d.by);
    if (!by) return undefined;
    out.push(by === d.by ? d : { ...d, by });
  }
  return out;
}
