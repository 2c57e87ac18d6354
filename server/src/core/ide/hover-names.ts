// Hover text for ipsets (effective membership), aliases (address) and groups (their rules),
// with where each is defined and how much uses it.
import { fileStem } from '../model';
import type { IpSetDef } from '../model';
import { size } from '../analysis';
import { familyMembers, intervalText, kernelEntry, type KernelEntry } from './ipset-preview';
import type { NameRef } from '../model';
import { referencesTo, resolveRef, type Resolution, type SymbolTarget } from './resolve';
import type { IdeFile, WorkspaceModel } from './workspace-model';

const SHOWN_INTERVALS = 12;

function definedAt(target: SymbolTarget): string {
  const def = target.defs[target.defs.length - 1]!;
  return `${fileStem(target.file.path)}.fw line ${def.line.line.number}`;
}

function usage(ws: WorkspaceModel, target: SymbolTarget): string {
  const hits = referencesTo(ws, target);
  const rules = hits.filter((h) => !h.ref.inIpSetEntry);
  const entries = hits.length - rules.length;
  const files = new Set(rules.map((h) => h.file.id)).size;
  const ruleText =
    rules.length === 0
      ? 'No rule uses it'
      : `Used by ${rules.length} ${rules.length === 1 ? 'rule' : 'rules'}${files > 1 ? ` in ${files} files` : ''}`;
  return entries > 0
    ? `${ruleText}, and by ${entries} ipset ${entries === 1 ? 'entry' : 'entries'}.`
    : `${ruleText}.`;
}

/** Each entry as the kernel gets it: aliases resolved, entries with errors left out. */
function kernelEntries(
  ws: WorkspaceModel,
  file: IdeFile,
  set: IpSetDef,
): { entries: KernelEntry[]; skipped: string[] } {
  const refs = new Map<unknown, NameRef>();
  for (const ref of file.parsed.names.refs) if (ref.inIpSetEntry) refs.set(ref.line, ref);
  const entries: KernelEntry[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const entry of set.entries) {
    const written = entry.line.entryToken?.text ?? entry.line.line.content;
    if (entry.error !== undefined || entry.cidr === undefined) {
      skipped.push(`\`${written}\` (${entry.error ?? 'not an entry'})`);
      continue;
    }
    let cidr = entry.cidr;
    if (entry.isAlias) {
      const ref = refs.get(entry.line);
      const target = ref && resolveRef(ws, file, ref)?.target;
      const alias = target?.file.load.config.aliases.get(target.key);
      if (!alias) {
        skipped.push(`\`${written}\` (alias not found)`);
        continue;
      }
      cidr = alias.cidr;
    }
    const loaded = kernelEntry(cidr, entry.nomatch);
    if (typeof loaded === 'string') skipped.push(`\`${written}\` (${loaded})`);
    else if (!seen.has(`${loaded.first}/${loaded.prefix}`)) {
      // The kernel keeps one entry per network; Proxmox de-duplicates after resolving aliases.
      seen.add(`${loaded.first}/${loaded.prefix}`);
      entries.push(loaded);
    }
  }
  return { entries, skipped };
}

function familyLine(version: 4 | 6, entries: readonly KernelEntry[]): string {
  const intervals = familyMembers(entries, version);
  const label = version === 4 ? 'IPv4' : 'IPv6';
  if (intervals.length === 0) return `- ${label}: none`;
  const shown = intervals.slice(0, SHOWN_INTERVALS).map((i) => `\`${intervalText(version, i)}\``);
  if (intervals.length > SHOWN_INTERVALS)
    shown.push(`… and ${intervals.length - SHOWN_INTERVALS} more`);
  const count = version === 4 ? ` (${size(intervals)} addresses)` : '';
  return `- ${label}: ${shown.join(', ')}${count}`;
}

// A loaded set never changes (a new revision of its file, or of the cluster.fw its aliases come
// from, loads new objects), so its membership text can be kept as long as the set lives.
const MEMBERSHIP = new WeakMap<IpSetDef, string[]>();

function membership(ws: WorkspaceModel, file: IdeFile, set: IpSetDef): string[] {
  const known = MEMBERSHIP.get(set);
  if (known) return known;
  const { entries, skipped } = kernelEntries(ws, file, set);
  const nomatch = set.entries.filter((e) => e.nomatch).length;
  const members = [
    'Members (the most specific entry decides; `!` entries exclude):',
    familyLine(4, entries),
    familyLine(6, entries),
  ].join('\n');
  const counts = `${set.entries.length} ${set.entries.length === 1 ? 'entry' : 'entries'}${nomatch ? `, ${nomatch} with \`!\`` : ''}`;
  const text = [
    members,
    skipped.length > 0 ? `${counts}. Never loaded: ${skipped.join(', ')}.` : `${counts}.`,
  ];
  MEMBERSHIP.set(set, text);
  return text;
}

const SPECIAL_SETS: Record<string, string> = {
  management:
    'In cluster.fw, `management` may reach the hosts on 8006, 5900-5999, 3128, 22 and 60000-60050 after all host and cluster IN rules; the compiler also adds `local_network`.',
  blacklist:
    'In cluster.fw, sources in `blacklist` are dropped before any rule, on the hosts and towards guests.',
};

function ipSetSections(ws: WorkspaceModel, target: SymbolTarget): string[] {
  const set = target.file.load.config.ipsets.get(target.key);
  const comment = set?.header.comment ? ` — ${set.header.comment}` : '';
  const sections = [`**ipset** \`${target.key}\` · ${definedAt(target)}${comment}`];
  if (set) sections.push(...membership(ws, target.file, set));
  const special = target.file.kind === 'cluster' ? SPECIAL_SETS[target.key] : undefined;
  if (special) sections.push(special);
  if (target.file.kind === 'guest' && /^ipfilter-net[0-9]+$/.test(target.key))
    sections.push(
      'Packets that this NIC sends from any other source address are dropped; the compiler adds the link-local address.',
    );
  sections.push(usage(ws, target));
  return sections;
}

function aliasSections(ws: WorkspaceModel, target: SymbolTarget): string[] {
  const alias = target.file.load.config.aliases.get(target.key);
  const line = alias?.line;
  const value = alias ? ` = \`${alias.cidr}\` (IPv${alias.ipversion})` : '';
  const comment = line?.comment ? ` — ${line.comment}` : '';
  return [
    `**alias** \`${line?.nameToken?.text ?? target.key}\`${value} · ${definedAt(target)}${comment}`,
    usage(ws, target),
  ];
}

function groupSections(ws: WorkspaceModel, target: SymbolTarget): string[] {
  const group = target.file.load.config.groups.get(target.key);
  const comment = group?.header.comment ? ` — ${group.header.comment}` : '';
  const sections = [`**security group** \`${target.key}\` · ${definedAt(target)}${comment}`];
  const rules = group?.rules.map((r) => r.line.line.content) ?? [];
  sections.push(rules.length > 0 ? ['```pve-firewall', ...rules, '```'].join('\n') : 'No rules.');
  const uses = referencesTo(ws, target).length;
  sections.push(
    uses === 0
      ? 'No GROUP rule uses it.'
      : `Used by ${uses} GROUP ${uses === 1 ? 'rule' : 'rules'}.`,
  );
  return sections;
}

export function nameHoverSections(
  ws: WorkspaceModel,
  target: SymbolTarget,
  resolution?: Resolution,
): string[] {
  const sections =
    target.kind === 'ipset'
      ? ipSetSections(ws, target)
      : target.kind === 'alias'
        ? aliasSections(ws, target)
        : groupSections(ws, target);
  if (resolution && !resolution.compiles)
    sections.unshift(
      '⚠ Proxmox accepts this reference while parsing, but its compiler looks for the name only where the scope says and finds nothing there: the rule is skipped.',
    );
  return sections;
}
