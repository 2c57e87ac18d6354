// Which user rules can never match on a node that runs proxmox-firewall, with a witness packet:
// the node's nftables tables (nftables/ruleset.ts) read as abstract chains per entry and family
// (nft-to-box.ts), and each user rule's packets followed from the hook's first base chain to the
// rule. Unlike pve-firewall's chains, a user chain is not where the packets start: the fixed
// chains (management and corosync allowances, the SMB and DNS drops, allowed ICMP, NDP, DHCP…),
// the host's rules before the cluster's, a VNet's chain in an earlier base chain, all decide
// first. So a rule's packets are those that arrive at its chain (found by walking the base
// chain with that chain replaced by a catch-all marker) and then its chain up to it, with the
// chain index. A line is dead when every copy of it, in every entry and family that reaches its
// chain, is.
import type { RuleOrigin } from '../compile';
import type { NftRule, NodeTables } from './nft-model';
import { addNftInterfaceNames, nftEntries, type NftEntry } from './nft-space';
import { matchText, statementText } from './nft-text';
import type { Blocker, DeadRule, RemovableRule } from '../analysis';
import {
  walkChain,
  type AbstractChains,
  type AbstractRule,
  type Decision,
  type RuleRef,
  type Verdict,
} from '../analysis';
import { InterfaceNames } from '../analysis';
import { nftBoxModelSteps, type NftBoxModel } from './nft-to-box';
import { ANY_MARK, boxIntersect, NO_MARK, withMark, type Box, type Family } from '../analysis';
import type { Steps } from '../steps';
import { lineKey } from '../analysis';
import { describePacket, naturalness, pickPacketFrom, type Packet } from '../analysis';

/** A dead line on one node, with where its witness was found (to replay it). */
export interface NftDeadRule extends DeadRule {
  readonly entry: NftEntry;
  readonly family: Family;
}

/** A live line whose removal changes nothing on one node, with where its witness was found. */
export interface NftRemovableRule extends RemovableRule {
  readonly entry: NftEntry;
  readonly family: Family;
  readonly sample: Packet;
}

export interface NftReachReport {
  readonly dead: readonly NftDeadRule[];
  readonly removable: readonly NftRemovableRule[];
}

/** A user line's place in the files, or undefined for a line no file of the model has. */
export type OriginLookup = (
  path: string,
  lineNumber: number,
  chain: string,
) => RuleOrigin | undefined;

/** The marker that stands for a chain's start in the walk that finds what arrives there. */
const ARRIVAL = '\u0000arrival';

interface Context {
  readonly model: NftBoxModel;
  readonly base: string;
  /** The packets the base chain gets: those the hook's earlier base chains did not drop. */
  readonly start: readonly Box[];
  /** The earlier base chains' drops and rejects. */
  readonly before: readonly Decision[];
  /** Per user chain: what arrives at its start, and what the walk decided before. */
  readonly arrivals: Map<string, Arrival>;
}

/** What arrives at a chain's start; `unsure`: packets a rule pvefw cannot read may take first. */
interface Arrival {
  readonly arriving: Box[];
  readonly prior: Decision[];
  readonly unsure: readonly Box[];
}

interface Instance {
  readonly context: Context;
  readonly ref: RuleRef;
  readonly match: Box;
  readonly own: Verdict;
  readonly decided: readonly Decision[];
  readonly dead: boolean;
  /**
   * For a live copy: what the rest of its chain would do with the packets it takes, were it not
   * there — the decisions, or undefined when some packet would get another verdict, leave the
   * chain undecided, or meet a rule pvefw cannot read.
   */
  readonly rest?: readonly Decision[] | undefined;
}

function intersectAll(region: readonly Box[], box: Box): Box[] {
  const out: Box[] = [];
  for (const r of region) {
    const both = boxIntersect(r, box);
    if (both) out.push(both);
  }
  return out;
}

/** The chains a base chain can lead to, itself included. */
function reachableFrom(chains: AbstractChains, base: string): Set<string> {
  const seen = new Set<string>([base]);
  const todo = [base];
  while (todo.length > 0) {
    const chain = todo.pop()!;
    for (const r of chains.rules.get(chain) ?? []) {
      const t = r.target;
      if ((t.kind === 'jump' || t.kind === 'goto') && !seen.has(t.chain)) {
        seen.add(t.chain);
        todo.push(t.chain);
      }
    }
  }
  return seen;
}

/** What arrives at the start of `chain` when the base chain walks the context's packets. */
function arrivalAt(context: Context, chain: string): Arrival {
  const known = context.arrivals.get(chain);
  if (known) return known;
  const { chains, universe } = context.model;
  const marker: AbstractRule = {
    ref: { chain: ARRIVAL, index: 0 },
    match: withMark(universe, ANY_MARK),
    target: { kind: 'verdict', verdict: 'ACCEPT' },
  };
  const rules = new Map(chains.rules);
  rules.set(chain, [marker]);
  const walk = walkChain({ rules, opaque: chains.opaque }, context.base, [...context.start], {
    maybeRegions: true,
  });
  const arriving: Box[] = [];
  const prior: Decision[] = [...context.before];
  for (const d of walk.decided) {
    if (d.by.chain === ARRIVAL) arriving.push(...d.region);
    else prior.push(d);
  }
  const found = { arriving, prior, unsure: walk.maybe.flatMap((m) => m.region ?? []) };
  context.arrivals.set(chain, found);
  return found;
}

/** The verdict a user rule gives, or undefined for a rule that gives none (a group jump). */
function ownVerdict(rule: NftRule): Verdict | undefined {
  const s = rule.statement;
  if (s.kind === 'accept') return 'ACCEPT';
  if (s.kind === 'drop') return 'DROP';
  if (s.kind === 'jump' && s.target === 'do-reject') return 'REJECT';
  return undefined;
}

/** The contexts of one entry: each base chain of its hook with the packets it gets. */
function* contextsOf(model: NftBoxModel): Steps<Context[]> {
  const out: Context[] = [];
  let region: Box[] = [withMark(model.universe, NO_MARK)];
  let before: Decision[] = [];
  for (const base of model.bases) {
    out.push({ model, base, start: region, before, arrivals: new Map() });
    yield;
    const walk = walkChain(model.chains, base, region);
    const passed = [...walk.returned];
    const stopped: Decision[] = [];
    // An accept ends only its base chain: the packets go on to the next one.
    for (const d of walk.decided) {
      if (d.verdict === 'ACCEPT') passed.push(...d.region);
      else stopped.push(d);
    }
    before = [...before, ...stopped];
    region = passed;
  }
  return out;
}

function fixedText(rule: NftRule): string {
  return [...rule.matches.map(matchText), statementText(rule.statement)].join(' ');
}

/**
 * The dead user rules of one node's tables. `origin` places a line of a file (its span, its
 * group); lines it does not know are left out.
 */
export function* analyseNftTables(tables: NodeTables, origin: OriginLookup): Steps<NftReachReport> {
  const byLine = new Map<
    string,
    { instances: Instance[]; unjudged: boolean; origin: RuleOrigin }
  >();
  const models: NftBoxModel[] = [];
  for (const family of [4, 6] as const) {
    const names = new InterfaceNames();
    addNftInterfaceNames(tables, names);
    for (const entry of nftEntries(tables)) {
      const model = yield* nftBoxModelSteps(tables, entry, family, names);
      if (!model) continue;
      models.push(model);
      for (const context of yield* contextsOf(model)) {
        for (const chain of reachableFrom(model.chains, context.base)) {
          const from = model.provenance.get(chain) ?? [];
          if (!from.some((p) => p.rule.origin)) continue;
          const rules = model.chains.rules.get(chain) ?? [];
          for (let k = 0; k < rules.length; k++) {
            const p = from[k]!;
            const o = p.rule.origin;
            const own = ownVerdict(p.rule);
            if (!o || !own) continue;
            const at = origin(o.path, o.lineNumber, chain);
            if (!at) continue;
            const key = lineKey(o.path, o.lineNumber);
            let line = byLine.get(key);
            if (!line) byLine.set(key, (line = { instances: [], unjudged: false, origin: at }));
            const rule = rules[k]!;
            if (!rule.match) {
              // A match this entry cannot read: the rule might take packets, nothing is said.
              if (rule.maybe) line.unjudged = true;
              continue;
            }
            yield;
            const { arriving, prior, unsure } = arrivalAt(context, chain);
            // A rule pvefw cannot read may take some of these packets first: the verdicts the
            // walk gives them might not be theirs, so nothing is said of this line.
            if (unsure.some((b) => boxIntersect(b, rule.match!) !== undefined)) {
              line.unjudged = true;
              continue;
            }
            const pre = prior.flatMap((d) => {
              const region = intersectAll(d.region, rule.match!);
              return region.length > 0 ? [{ ...d, region }] : [];
            });
            const start = intersectAll(arriving, rule.match);
            if (start.length === 0 && pre.length === 0) continue;
            const walk = walkChain(
              model.chains,
              chain,
              start.map((b) => withMark(b, NO_MARK)),
              {
                stopAt: k,
                focus: withMark(rule.match, ANY_MARK),
              },
            );
            if (walk.maybe.length > 0) {
              line.unjudged = true;
              continue;
            }
            const isDead = walk.remaining.length === 0;
            line.instances.push({
              context,
              ref: rule.ref,
              match: rule.match,
              own,
              decided: [...pre, ...walk.decided],
              dead: isDead,
              ...(isDead
                ? {}
                : { rest: restOf(model, chain, k, o, own, walk.remaining, rule.match) }),
            });
          }
        }
      }
    }
  }
  const dead: NftDeadRule[] = [];
  const deadKeys = new Set<string>();
  const candidates: { rule: NftRemovableRule; deciders: string[] }[] = [];
  const logged = loggedLines(tables);
  for (const [key, line] of byLine) {
    if (line.unjudged || line.instances.length === 0) continue;
    if (line.instances.every((i) => i.dead)) {
      // Nothing decided its packets (none came): nothing to say.
      if (line.instances.every((i) => i.decided.length === 0)) continue;
      dead.push(deadLine(line.origin, line.instances, origin));
      deadKeys.add(key);
      continue;
    }
    // Removing a logged rule loses its log lines.
    if (logged.has(key)) continue;
    const found = removableLine(line.origin, line.instances, origin);
    if (found) candidates.push(found);
  }
  // Two copies of one rule each make the other look removable: only the dead one is.
  const removable = candidates
    .filter((c) => !c.deciders.some((k) => deadKeys.has(k)))
    .map((c) => c.rule);
  return { dead, removable };
}

/** The lines that log (a log rule of their own before the verdict). */
function loggedLines(tables: NodeTables): Set<string> {
  const out = new Set<string>();
  for (const table of [tables.inet, tables.bridge])
    for (const rules of table?.chains.values() ?? [])
      for (const r of rules)
        if (r.origin && r.statement.kind === 'log')
          out.add(lineKey(r.origin.path, r.origin.lineNumber));
  return out;
}

/**
 * What the rest of the chain does with the packets that reach a live copy, as if the line were
 * not there (its other copies in the chain left out too): the decisions when every packet gets
 * the copy's own verdict, else undefined.
 */
function restOf(
  model: NftBoxModel,
  chain: string,
  k: number,
  line: { path: string; lineNumber: number },
  own: Verdict,
  reaching: readonly Box[],
  match: Box,
): Decision[] | undefined {
  const from = model.provenance.get(chain) ?? [];
  const without = new Set<string>();
  from.forEach((p, i) => {
    if (p.rule.origin?.path === line.path && p.rule.origin.lineNumber === line.lineNumber)
      without.add(`${chain} ${i}`);
  });
  const walk = walkChain(model.chains, chain, [...reaching], {
    from: k + 1,
    without,
    focus: withMark(match, ANY_MARK),
  });
  // Packets that leave the chain go on to what its caller does: not known to be the same.
  if (walk.returned.length > 0 || walk.maybe.length > 0) return undefined;
  const same = (d: Decision): boolean =>
    d.verdict === own || (own === 'REJECT' && rejects(model, d));
  return walk.decided.every(same) ? walk.decided : undefined;
}

function removableLine(
  at: RuleOrigin,
  instances: readonly Instance[],
  origin: OriginLookup,
): { rule: NftRemovableRule; deciders: string[] } | undefined {
  const live = instances.filter((i) => !i.dead);
  if (live.some((i) => i.rest === undefined)) return undefined;
  const takers: Blocker[] = [];
  const deciders: string[] = [];
  let best: { i: Instance; d: Decision; score: number } | undefined;
  for (const i of live)
    for (const d of i.rest!) {
      const by = blockerOf(i.context.model, d.by, origin);
      if (!takers.some((x) => sameBlocker(x, by))) takers.push(by);
      if (by.origin) deciders.push(lineKey(by.origin.path, by.origin.lineNumber));
      let score = -1;
      for (const box of d.region) score = Math.max(score, naturalness(box, i.context.model.family));
      // An accept the hook's next base chain may still undo is a weaker example.
      if (d.verdict !== 'ACCEPT' || i.context.base === i.context.model.bases.at(-1)) score += 100;
      if (!best || score > best.score) best = { i, d, score };
    }
  if (!best) return undefined;
  const model = best.i.context.model;
  const sample = pickPacketFrom(best.d.region, model.family, model.names);
  return {
    rule: {
      origin: at,
      ownVerdict: best.i.own,
      takers,
      witness: { packet: describePacket(sample), takenBy: blockerOf(model, best.d.by, origin) },
      entry: model.entry,
      family: model.family,
      sample,
    },
    deciders,
  };
}

function blockerOf(model: NftBoxModel, ref: RuleRef, origin: OriginLookup): Blocker {
  const p = model.provenance.get(ref.chain)?.[ref.index];
  if (!p) return { chain: ref.chain, builtin: `rule ${ref.index + 1} of ${ref.chain}` };
  const o = p.rule.origin;
  const at = o ? origin(o.path, o.lineNumber, p.chain) : undefined;
  if (at) return { chain: p.chain, origin: at };
  return {
    chain: p.chain,
    builtin: `proxmox-firewall, ${p.table} ${p.chain}: ${fixedText(p.rule)}`,
  };
}

function sameBlocker(a: Blocker, b: Blocker): boolean {
  if (a.origin && b.origin)
    return a.origin.path === b.origin.path && a.origin.lineNumber === b.origin.lineNumber;
  return !a.origin && !b.origin && a.builtin === b.builtin;
}

function loopback(model: NftBoxModel, d: Decision): boolean {
  const rule = model.provenance.get(d.by.chain)?.[d.by.index]?.rule;
  return (
    rule?.origin === undefined &&
    rule?.matches.some((m) => (m.kind === 'iifname' || m.kind === 'oifname') && m.name === 'lo') ===
      true
  );
}

/** Whether a decision is a user's REJECT (its `jump do-reject`, whatever do-reject did). */
function rejects(model: NftBoxModel, d: Decision): boolean {
  const s = model.provenance.get(d.by.chain)?.[d.by.index]?.rule.statement;
  return s?.kind === 'jump' && s.target === 'do-reject';
}

function isUser(model: NftBoxModel, d: Decision): boolean {
  return model.provenance.get(d.by.chain)?.[d.by.index]?.rule.origin !== undefined;
}

function deadLine(
  at: RuleOrigin,
  instances: readonly Instance[],
  origin: OriginLookup,
): NftDeadRule {
  const all = instances.flatMap((i) => i.decided.map((d) => ({ i, d })));
  const user = all.filter(({ i, d }) => isUser(i.context.model, d));
  // The loopback accept takes a share of every rule's packets: the explanation when nothing else is.
  const fixed = all.filter(({ i, d }) => !loopback(i.context.model, d));
  const explaining = user.length > 0 ? user : fixed.length > 0 ? fixed : all;
  const blockers: Blocker[] = [];
  for (const { i, d } of explaining) {
    const b = blockerOf(i.context.model, d.by, origin);
    if (!blockers.some((x) => sameBlocker(x, b))) blockers.push(b);
  }
  // A REJECT's own packets go through do-reject, which drops broadcasts: an earlier REJECT's
  // drops there are what this rule would do too.
  const same = ({ i, d }: { i: Instance; d: Decision }): boolean =>
    d.verdict === i.own || (i.own === 'REJECT' && rejects(i.context.model, d));
  const differing = explaining.filter((x) => !same(x));
  // A verdict that ends the packet's way through the hook: not an accept in a base chain after
  // which another runs (a VNet's chain in the node's input hook).
  const final = ({ i, d }: { i: Instance; d: Decision }): boolean =>
    d.verdict !== 'ACCEPT' || i.context.base === i.context.model.bases.at(-1);
  // Then the most ordinary packet (unicast, between documentation addresses), stable otherwise.
  const score = (x: { i: Instance; d: Decision }): number => {
    let best = -1;
    for (const box of intersectAll(x.d.region, x.i.match))
      best = Math.max(best, naturalness(box, x.i.context.model.family));
    return (final(x) ? 100 : 0) + best;
  };
  const order = (list: typeof explaining): typeof explaining =>
    list
      .map((x, n) => ({ x, n, s: score(x) }))
      .sort((a, b) => b.s - a.s || a.n - b.n)
      .map(({ x }) => x);
  const pick =
    order(differing)[0] ??
    order(explaining.filter(({ i, d }) => d.verdict === i.own))[0] ??
    explaining[0]!;
  const model = pick.i.context.model;
  const boxes = intersectAll(pick.d.region, pick.i.match);
  const sample: Packet = pickPacketFrom(
    boxes.length > 0 ? boxes : [pick.i.match],
    model.family,
    model.names,
  );
  return {
    origin: at,
    ownVerdict: pick.i.own,
    kind: differing.length > 0 ? 'shadowed' : 'redundant',
    blockers,
    witness: {
      packet: describePacket(sample),
      sample,
      chain: pick.i.ref.chain,
      takenBy: blockerOf(model, pick.d.by, origin),
      verdict: pick.d.verdict,
    },
    disabled: false,
    entry: model.entry,
    family: model.family,
  };
}
