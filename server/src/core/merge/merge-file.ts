// Three-way merge of one firewall file: the last pull (base), the workspace (local) and the
// cluster now (remote), list by list, the way Proxmox's writer lays the file out.
//
// - Options, aliases and ipset entries are keyed (option name, alias name, entry address): each
//   key merges on its own; both sides changing one key differently is a conflict.
// - An ipset or a security group deleted on one side and changed on the other is a conflict;
//   deleted on one side and untouched on the other, it is deleted.
// - Rules (in [RULES] and in each group) are lines in order, merged as diff3 merges text: the
//   rules both sides kept unchanged anchor the merge; a change between two anchors that only one
//   side made (a rule inserted, removed, edited, enabled or moved) is taken; both sides changing
//   the same stretch (inserting at the same place, editing or reordering the same rules) is a
//   conflict. A rule is its whole line, so editing any part of it is changing that rule, and a
//   rule both sides moved to different places is a conflict rather than a duplicate.
//
// Conflicts are written into the file between `<<<<<<< local`, `=======` and `>>>>>>> cluster`
// lines (see conflict-markers.ts): the parser reports them and push refuses until they are gone.
import type { FileKind } from '../model';
import type { ProxmoxConf } from '../model';
import {
  aliasLine,
  entryLines,
  groupHeader,
  ipsetHeader,
  optionLine,
  optionOrder,
  ruleLines,
} from '../writer';
import { perlSorted } from '../writer';
import { CLUSTER_MARKER, LOCAL_MARKER, SEPARATOR } from '../syntax';
import { chunkItems, diff3, mergeStretch } from './diff3';

/** A line of the merged file, or a conflict: what each side has in its place. */
export type Piece =
  string | { readonly local: readonly string[]; readonly cluster: readonly string[] };

export interface MergeConflict {
  /** Which part of the file: 'options', 'aliases', 'rules', 'ipset:NAME', 'group:NAME'. */
  readonly list: string;
  readonly local: readonly string[];
  readonly cluster: readonly string[];
}

export interface MergedFile {
  /** The merged text; '' when the merge leaves the file empty (Proxmox deletes it then). */
  readonly text: string;
  readonly conflicts: readonly MergeConflict[];
}

function conflict(local: readonly string[], cluster: readonly string[]): Piece {
  return { local, cluster };
}

/** Per-key three-way merge of keyed lines (undefined: the key is absent on that side). */
function mergeKeyed(
  keys: readonly string[],
  base: ReadonlyMap<string, string>,
  local: ReadonlyMap<string, string>,
  remote: ReadonlyMap<string, string>,
): Piece[] {
  const out: Piece[] = [];
  for (const key of keys) {
    const [b, l, r] = [base.get(key), local.get(key), remote.get(key)];
    if (l === r || r === b) {
      if (l !== undefined) out.push(l);
    } else if (l === b) {
      if (r !== undefined) out.push(r);
    } else out.push(conflict(l === undefined ? [] : [l], r === undefined ? [] : [r]));
  }
  return out;
}

/** Pairs of rules whose order one side changed and the merge does not keep. */
function lostOrder(
  base: readonly string[],
  local: readonly string[],
  remote: readonly string[],
  merged: readonly string[],
): Set<string> {
  const positions = (lines: readonly string[]): Map<string, number> => {
    const at = new Map<string, number>();
    lines.forEach((line, i) => {
      // A rule that is there twice has no one place: it is left out of the order check.
      at.set(line, at.has(line) ? -1 : i);
    });
    return at;
  };
  const [b, l, r, m] = [positions(base), positions(local), positions(remote), positions(merged)];
  const common = [...m.keys()].filter((x) => [b, l, r, m].every((p) => (p.get(x) ?? -1) >= 0));
  const lost = new Set<string>();
  for (const [i, x] of common.entries()) {
    for (const y of common.slice(i + 1)) {
      const before = (p: Map<string, number>): boolean => p.get(x)! < p.get(y)!;
      const result = before(m);
      for (const side of [l, r]) {
        if (before(side) !== before(b) && before(side) !== result) {
          lost.add(x);
          lost.add(y);
        }
      }
    }
  }
  return lost;
}

/**
 * diff3 of two rule lists, with two refinements. A stretch both sides changed still merges
 * when their edits of it do not meet (mergeStretch: one inserts at the top, the other removes
 * the rule below). And order decides in a rule list: a conflict takes along every one-sided
 * change that involves its rules, as does a rule the merge would hold twice (both moved it to
 * different places) and a pair of rules whose new order one side chose and the merge lost
 * (both reordered the same rules); the whole stretch from the first such change to the last
 * becomes one conflict, showing each side's order of it.
 */
function mergeRuleLines(
  base: readonly string[],
  local: readonly string[],
  remote: readonly string[],
): Piece[] {
  const chunks = diff3(base, local, remote).map((chunk) => {
    if (chunk.kind !== 'conflict') return { chunk, items: chunkItems(chunk) };
    return { chunk, items: mergeStretch(chunk.base, chunk.local, chunk.remote) };
  });
  const count = (lines: readonly string[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
    return counts;
  };
  const tentative = chunks.flatMap((c) => c.items ?? []);
  const [inLocal, inRemote] = [count(local), count(remote)];
  const involved = new Set(
    [...count(tentative)]
      .filter(([line, n]) => n > Math.max(inLocal.get(line) ?? 0, inRemote.get(line) ?? 0))
      .map(([line]) => line),
  );
  for (const line of lostOrder(base, local, remote, tentative)) involved.add(line);
  const entangled = chunks.map((c) => c.items === undefined);
  for (const c of chunks.filter((c) => c.items === undefined))
    for (const line of [...c.chunk.local, ...c.chunk.remote]) involved.add(line);
  for (let grown = true; grown;) {
    grown = false;
    chunks.forEach(({ chunk }, i) => {
      if (entangled[i] || chunk.kind === 'stable') return;
      const lines = [...chunk.local, ...chunk.remote];
      if (!lines.some((line) => involved.has(line))) return;
      entangled[i] = grown = true;
      for (const line of lines) involved.add(line);
    });
  }
  const first = entangled.indexOf(true);
  if (first === -1) return tentative;
  const last = entangled.lastIndexOf(true);
  const span = chunks.slice(first, last + 1).map((c) => c.chunk);
  return [
    ...chunks.slice(0, first).flatMap((c) => c.items!),
    conflict(
      span.flatMap((c) => [...c.local]),
      span.flatMap((c) => [...c.remote]),
    ),
    ...chunks.slice(last + 1).flatMap((c) => c.items!),
  ];
}

/** A keyed section or a rule list: always there, written when it has lines. */
function openSection(list: string, header: string, pieces: Piece[]): Section | undefined {
  return pieces.length > 0 ? { list, pieces: [header, '', ...pieces, ''] } : undefined;
}

interface Section {
  readonly list: string;
  readonly pieces: readonly Piece[];
}

/** A named section (ipset, group): header line and body lines, or absent. */
interface Named {
  readonly header: string;
  readonly lines: readonly string[];
}

function namedSection(
  list: string,
  [b, l, r]: readonly [Named | undefined, Named | undefined, Named | undefined],
  mergeBody: (
    base: readonly string[],
    local: readonly string[],
    remote: readonly string[],
  ) => Piece[],
): Section | undefined {
  const whole = (n: Named): string[] => [n.header, '', ...n.lines, ''];
  const equal = (x: Named, y: Named): boolean =>
    x.header === y.header &&
    x.lines.length === y.lines.length &&
    x.lines.every((line, i) => line === y.lines[i]);
  if (l && r) {
    const header = mergeKeyed(
      ['header'],
      new Map(b ? [['header', b.header]] : []),
      new Map([['header', l.header]]),
      new Map([['header', r.header]]),
    );
    return { list, pieces: [...header, '', ...mergeBody(b?.lines ?? [], l.lines, r.lines), ''] };
  }
  const only = l ?? r;
  if (!only) return undefined;
  if (!b) return { list, pieces: whole(only) };
  if (equal(only, b)) return undefined;
  return { list, pieces: [l ? conflict(whole(l), []) : conflict([], whole(r!))] };
}

function optionsMap(conf: ProxmoxConf): Map<string, string> {
  return new Map(Object.entries(conf.options ?? {}).map(([k, v]) => [k, optionLine(k, v)]));
}

function aliasesMap(conf: ProxmoxConf): Map<string, string> {
  return new Map(Object.entries(conf.aliases ?? {}).map(([k, a]) => [k, aliasLine(a)]));
}

function ipsetOf(conf: ProxmoxConf, name: string): Named | undefined {
  const entries = conf.ipset?.[name];
  if (!entries) return undefined;
  return {
    header: ipsetHeader(name, conf.ipset_comments?.[name]),
    lines: [...entryLines(entries).values()],
  };
}

function groupOf(conf: ProxmoxConf, name: string): Named | undefined {
  const rules = conf.groups?.[name];
  if (!rules) return undefined;
  return {
    header: groupHeader(name, conf.group_comments?.[name]),
    lines: ruleLines(rules, false),
  };
}

/** Keyed entry lines of a set body, back from the lines (the key is the address). */
function entryKey(line: string): string {
  const text = line.startsWith('!') ? line.slice(1) : line;
  const blank = text.indexOf(' ');
  return blank === -1 ? text : text.slice(0, blank);
}

function mergeEntries(
  base: readonly string[],
  local: readonly string[],
  remote: readonly string[],
): Piece[] {
  const keyed = (lines: readonly string[]): Map<string, string> =>
    new Map(lines.map((line) => [entryKey(line), line]));
  const [b, l, r] = [keyed(base), keyed(local), keyed(remote)];
  return mergeKeyed(perlSorted(new Set([...b.keys(), ...l.keys(), ...r.keys()])), b, l, r);
}

/** Conflict blocks next to each other become one. */
function coalesce(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (typeof piece !== 'string' && last !== undefined && typeof last !== 'string')
      out[out.length - 1] = conflict(
        [...last.local, ...piece.local],
        [...last.cluster, ...piece.cluster],
      );
    else out.push(piece);
  }
  return out;
}

/** Merges one file of kind `kind`; a side without the file is the empty configuration {}. */
export function mergeFile(
  kind: FileKind,
  base: ProxmoxConf,
  local: ProxmoxConf,
  remote: ProxmoxConf,
): MergedFile {
  const confs = [base, local, remote] as const;
  const sections: (Section | undefined)[] = [];

  const options = confs.map(optionsMap) as [
    Map<string, string>,
    Map<string, string>,
    Map<string, string>,
  ];
  const optionKeys = optionOrder(kind, [...new Set(options.flatMap((m) => [...m.keys()]))]);
  sections.push(openSection('options', '[OPTIONS]', mergeKeyed(optionKeys, ...options)));

  const hasLocalLists = kind === 'cluster' || kind === 'guest';
  if (hasLocalLists) {
    const aliases = confs.map(aliasesMap) as [
      Map<string, string>,
      Map<string, string>,
      Map<string, string>,
    ];
    const aliasKeys = perlSorted(new Set(aliases.flatMap((m) => [...m.keys()])));
    sections.push(openSection('aliases', '[ALIASES]', mergeKeyed(aliasKeys, ...aliases)));
    const names = perlSorted(new Set(confs.flatMap((c) => Object.keys(c.ipset ?? {}))));
    for (const name of names) {
      const versions = confs.map((c) => ipsetOf(c, name)) as [
        Named | undefined,
        Named | undefined,
        Named | undefined,
      ];
      sections.push(namedSection(`ipset:${name}`, versions, mergeEntries));
    }
  }

  const rules = confs.map((c) => ruleLines(c.rules ?? [], true)) as [string[], string[], string[]];
  sections.push(openSection('rules', '[RULES]', mergeRuleLines(...rules)));

  if (kind === 'cluster') {
    const names = perlSorted(new Set(confs.flatMap((c) => Object.keys(c.groups ?? {}))));
    for (const name of names) {
      const versions = confs.map((c) => groupOf(c, name)) as [
        Named | undefined,
        Named | undefined,
        Named | undefined,
      ];
      sections.push(namedSection(`group:${name}`, versions, mergeRuleLines));
    }
  }

  const conflicts: MergeConflict[] = [];
  let text = '';
  for (const section of sections) {
    if (!section) continue;
    for (const piece of coalesce(section.pieces)) {
      if (typeof piece === 'string') {
        text += `${piece}\n`;
        continue;
      }
      conflicts.push({ list: section.list, local: piece.local, cluster: piece.cluster });
      text += `${LOCAL_MARKER}\n${piece.local.map((l) => `${l}\n`).join('')}${SEPARATOR}\n`;
      text += `${piece.cluster.map((l) => `${l}\n`).join('')}${CLUSTER_MARKER}\n`;
    }
  }
  return { text, conflicts };
}
