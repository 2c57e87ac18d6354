// Completion items from Proxmox's own tables: section headers, options and their values,
// directions, actions, macros, flags, protocols, services, ICMP types, log levels. Everything
// is spelt the way Proxmox needs it (actions upper case, protocols lower case, a flag followed
// by exactly one space).
import { ICMP_TYPE_NAMES, ICMPV6_TYPE_NAMES } from '../facts';
import { MACROS } from '../facts';
import { ETHERTYPES, PROTOCOLS, SERVICES } from '../facts';
import { LOG_LEVELS, OPTIONS } from '../facts';
import type { FileKind } from '../model';
import { SECTIONS_BY_KIND } from '../syntax';
import type { SectionKind } from '../syntax';
import { macroDocumentation, macroSummary, optionDocumentation } from './facts-text';

export type CompletionKind =
  | 'section'
  | 'option'
  | 'value'
  | 'direction'
  | 'action'
  | 'macro'
  | 'group'
  | 'ipset'
  | 'alias'
  | 'flag'
  | 'protocol'
  | 'service'
  | 'icmp-type'
  | 'log-level'
  | 'interface';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** What replaces the word; the label when absent. */
  readonly insertText?: string;
  /** `insertText` is a snippet with `${1:placeholder}` fields. */
  readonly snippet?: boolean;
  /** Ask the editor for the next completion right away (after a flag, a key, a macro). */
  readonly retrigger?: boolean;
  readonly sortText?: string;
}

const HEADER: Record<SectionKind, CompletionEntry> = {
  options: { label: '[OPTIONS]', kind: 'section' },
  aliases: { label: '[ALIASES]', kind: 'section' },
  rules: { label: '[RULES]', kind: 'section' },
  ipset: { label: '[IPSET name]', kind: 'section', insertText: '[IPSET ${1:name}]', snippet: true },
  group: { label: '[group name]', kind: 'section', insertText: '[group ${1:name}]', snippet: true },
};

export function headerItems(kind: FileKind): CompletionEntry[] {
  return SECTIONS_BY_KIND[kind].map((section) => HEADER[section]);
}

export function optionKeyItems(kind: FileKind, present: ReadonlySet<string>): CompletionEntry[] {
  return OPTIONS.filter((o) => o.kinds.includes(kind) && !present.has(o.key)).map((o) => ({
    label: o.key,
    kind: 'option',
    detail: o.description,
    documentation: optionDocumentation(o),
    insertText: `${o.key}: `,
    retrigger: true,
  }));
}

const BOOLEAN = [
  { label: '0', kind: 'value', detail: 'off' },
  { label: '1', kind: 'value', detail: 'on' },
] as const;

export function optionValueItems(kind: FileKind, key: string): CompletionEntry[] {
  const fact = OPTIONS.find((o) => o.key === key && o.kinds.includes(kind));
  if (!fact) return [];
  if (key === 'enable' || fact.syntax.startsWith('0 or 1')) return [...BOOLEAN];
  if (key === 'log_ratelimit')
    return [{ label: 'enable=1,rate=1/second,burst=5', kind: 'value', detail: 'the default' }];
  if (key === 'layer2_protocols')
    return ETHERTYPES.map((e) => ({ label: e.name, kind: 'value', detail: `ethertype ${e.id}` }));
  return (fact.values ?? []).map((value) => ({ label: value, kind: 'value' }));
}

const DIRECTION_TEXT: Record<string, string> = {
  IN: 'incoming traffic',
  OUT: 'outgoing traffic',
  FORWARD: 'forwarded traffic (only proxmox-firewall, the nftables backend, applies it)',
  GROUP: 'jump to a security group of cluster.fw',
};

export function directionItems(directions: readonly string[]): CompletionEntry[] {
  return directions.map((d) => {
    const detail = DIRECTION_TEXT[d.toUpperCase()];
    return {
      label: d.toUpperCase(),
      kind: 'direction',
      ...(detail === undefined ? {} : { detail }),
      insertText: `${d.toUpperCase()} `,
      retrigger: true,
    };
  });
}

export function actionItems(direction: string, closeParen = false): CompletionEntry[] {
  const actions = direction === 'forward' ? ['ACCEPT', 'DROP'] : ['ACCEPT', 'DROP', 'REJECT'];
  return actions.map((a) => ({ label: a, kind: 'action', insertText: closeParen ? `${a})` : a }));
}

export function macroItems(): CompletionEntry[] {
  return MACROS.map((m) => ({
    label: m.name,
    kind: 'macro',
    detail: macroSummary(m),
    documentation: macroDocumentation(m),
    insertText: `${m.name}(`,
    retrigger: true,
    sortText: `~${m.name}`,
  }));
}

const FLAGS: readonly { flag: string; field: string; detail: string }[] = [
  { flag: '-i', field: 'iface', detail: 'interface (guests: net0, net1, …)' },
  { flag: '-source', field: 'source', detail: 'source address, +ipset or alias' },
  { flag: '-dest', field: 'dest', detail: 'destination address, +ipset or alias' },
  { flag: '-p', field: 'proto', detail: 'protocol (from /etc/protocols)' },
  { flag: '-dport', field: 'dport', detail: 'destination ports (needs -p)' },
  { flag: '-sport', field: 'sport', detail: 'source ports (needs -p)' },
  { flag: '-icmp-type', field: 'icmp-type', detail: 'ICMP type (needs -p icmp or icmpv6)' },
  { flag: '-log', field: 'log', detail: 'log level' },
];

export function flagItems(allowed: (field: string) => boolean): CompletionEntry[] {
  return FLAGS.filter((f) => allowed(f.field)).map((f, i) => ({
    label: f.flag,
    kind: 'flag',
    detail: f.detail,
    insertText: `${f.flag} `,
    retrigger: true,
    sortText: String(i).padStart(2, '0'),
  }));
}

const COMMON_PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6'];

export function protocolItems(): CompletionEntry[] {
  // icmpv6 is pve-firewall's own name (no number in the list): offered once, with its number.
  const items: CompletionEntry[] = PROTOCOLS.filter((p) => p.name !== 'icmpv6').map((p) => ({
    label: p.name,
    kind: 'protocol',
    ...(p.number !== null ? { detail: `protocol ${p.number}` } : {}),
  }));
  items.push({ label: 'icmpv6', kind: 'protocol', detail: 'protocol 58 (IPv6 ICMP)' });
  return items.map((item) => {
    const rank = COMMON_PROTOCOLS.indexOf(item.label);
    return { ...item, sortText: rank >= 0 ? `0${rank}` : `1${item.label}` };
  });
}

export function serviceItems(proto: string | undefined): CompletionEntry[] {
  const named = proto !== undefined && /^[a-z]+$/.test(proto) ? proto : undefined;
  return SERVICES.filter((s) => named === undefined || s.protocols.includes(named)).map((s) => ({
    label: s.name,
    kind: 'service',
    detail: `port ${s.port} (${s.protocols.join(', ')})`,
  }));
}

export function icmpTypeItems(family: 4 | 6 | undefined): CompletionEntry[] {
  const v4 = ICMP_TYPE_NAMES.map((n) => ({
    label: n,
    kind: 'icmp-type' as const,
    detail: 'ICMP (IPv4)',
  }));
  const v6 = ICMPV6_TYPE_NAMES.map((n) => ({
    label: n,
    kind: 'icmp-type' as const,
    detail: 'ICMPv6',
  }));
  if (family === 4) return v4;
  if (family === 6) return v6;
  return [...v4, ...v6.filter((i) => !ICMP_TYPE_NAMES.includes(i.label))];
}

export function logLevelItems(): CompletionEntry[] {
  return LOG_LEVELS.map((level, i) => ({
    label: level,
    kind: 'log-level',
    sortText: String(i),
    ...(level === 'nolog' ? { detail: 'no logging' } : {}),
  }));
}

/** Proxmox numbers guest NICs net0 to net31. */
export function interfaceItems(): CompletionEntry[] {
  return Array.from({ length: 32 }, (_, n) => ({
    label: `net${n}`,
    kind: 'interface' as const,
    sortText: String(n).padStart(2, '0'),
  }));
}
