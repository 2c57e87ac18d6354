// The text pve-firewall's save_*_conf writes after any API change (save_clusterfw_conf,
// save_hostfw_conf, save_vmfw_conf in src/PVE/Firewall.pm). It works on the loaded
// configuration, not on the text, so comments, blank lines and dropped lines are gone and
// everything comes out in Proxmox's canonical order.
import { OPTIONS } from '../facts';
import type { FileKind } from '../model';
import type { FwConfig } from '../model';
import {
  toProxmoxConf,
  type ProxmoxConf,
  type ProxmoxIpSetEntry,
  type ProxmoxRule,
} from '../model';
import { writtenComment } from '../model';
import { perlTrue } from '../syntax';
import { formatRule } from './format-rule';
import { perlSorted, perlSortedEntries } from './perl-sort';

// Proxmox writes options in Perl hash order, which changes from run to run. We use the order
// of the option table (shared/data/pve-fw-options.json) so that our output is stable.
export function optionOrder(kind: FileKind, keys: readonly string[]): string[] {
  const known = OPTIONS.filter((o) => o.kinds.includes(kind)).map((o) => o.key);
  return [...known.filter((k) => keys.includes(k)), ...keys.filter((k) => !known.includes(k))];
}

/** One option line as the writer prints it. */
export function optionLine(key: string, value: string | number): string {
  return `${key}: ${value}`;
}

/** One [ALIASES] line. The malformed-alias record {} prints as one blank (undef is ""). */
export function aliasLine(alias: NonNullable<ProxmoxConf['aliases']>[string]): string {
  const comment = writtenComment(alias.comment);
  return `${alias.name ?? ''} ${alias.cidr ?? ''}${comment !== undefined ? ` # ${comment}` : ''}`;
}

export function ipsetHeader(name: string, comment: string | undefined): string {
  return perlTrue(comment) ? `[IPSET ${name}] # ${comment}` : `[IPSET ${name}]`;
}

export function groupHeader(name: string, comment: string | undefined): string {
  return perlTrue(comment) ? `[group ${name}] # ${comment}` : `[group ${name}]`;
}

/**
 * A set's entry lines by their key, in the writer's order. Entries are keyed by their text:
 * the first of equal entries wins (Proxmox warns "ignoring duplicate ipset entry"), nomatch is
 * not part of the key, and an entry without an address falls under the key "".
 */
export function entryLines(entries: readonly ProxmoxIpSetEntry[]): Map<string, string> {
  const byCidr = new Map<string, ProxmoxIpSetEntry>();
  for (const entry of entries) {
    const key = entry.cidr ?? '';
    if (!byCidr.has(key)) byCidr.set(key, entry);
  }
  const out = new Map<string, string>();
  for (const key of perlSorted(byCidr.keys())) {
    const entry = byCidr.get(key)!;
    const comment = writtenComment(entry.comment);
    out.set(
      key,
      `${entry.nomatch ? '!' : ''}${key}${comment !== undefined ? ` # ${comment}` : ''}`,
    );
  }
  return out;
}

/** The rule lines of a list (allowIface false inside [group]). */
export function ruleLines(rules: readonly ProxmoxRule[], allowIface: boolean): string[] {
  return rules.map((r) => formatRule(r, allowIface).slice(0, -1));
}

/**
 * A section of the written file: its header line, then one blank, its lines, one blank. The
 * writer leaves out an options, aliases or rules section without lines, never an ipset or group.
 */
export interface WrittenSection {
  /** What it holds, in listKey terms: 'options', 'aliases', 'ipset:NAME', 'rules', 'group:NAME'. */
  readonly list: string;
  readonly header: string;
  readonly lines: readonly string[];
}

/**
 * The sections save_clusterfw_conf, save_hostfw_conf, save_vmfw_conf and save_vnetfw_conf write
 * (FW:3810-3837, 4074-4115, 4137-4159, 4179-4203), in their order.
 */
export function writtenSections(kind: FileKind, conf: ProxmoxConf): WrittenSection[] {
  const sections: WrittenSection[] = [];
  const options = conf.options ?? {};
  if (Object.keys(options).length > 0)
    sections.push({
      list: 'options',
      header: '[OPTIONS]',
      lines: optionOrder(kind, Object.keys(options)).map((k) => optionLine(k, options[k]!)),
    });
  // Host and vnet writers never write aliases or ipsets, even autovivified ones.
  const local = kind === 'cluster' || kind === 'guest';
  const aliases = conf.aliases ?? {};
  if (local && Object.keys(aliases).length > 0)
    sections.push({
      list: 'aliases',
      header: '[ALIASES]',
      lines: perlSortedEntries(aliases).map(([, alias]) => aliasLine(alias)),
    });
  if (local && conf.ipset) {
    for (const [name, entries] of perlSortedEntries(conf.ipset))
      sections.push({
        list: `ipset:${name}`,
        header: ipsetHeader(name, conf.ipset_comments?.[name]),
        lines: [...entryLines(entries).values()],
      });
  }
  if (conf.rules && conf.rules.length > 0)
    sections.push({ list: 'rules', header: '[RULES]', lines: ruleLines(conf.rules, true) });
  if (kind === 'cluster' && conf.groups) {
    for (const [name, rules] of perlSortedEntries(conf.groups))
      sections.push({
        list: `group:${name}`,
        header: groupHeader(name, conf.group_comments?.[name]),
        lines: ruleLines(rules, false),
      });
  }
  return sections;
}

/** A section as text: header, blank line, its lines, blank line. */
export function sectionText(section: WrittenSection): string {
  return `${section.header}\n\n${section.lines.map((l) => `${l}\n`).join('')}\n`;
}

/**
 * Serialises a configuration the way Proxmox's save functions do. An empty result means
 * Proxmox deletes the file. Throws ProxmoxDies where Proxmox's writer dies.
 */
export function formatProxmoxConf(kind: FileKind, conf: ProxmoxConf): string {
  return writtenSections(kind, conf).map(sectionText).join('');
}

export interface WriteOptions {
  /** Perl's time() in seconds, for the cluster `enable` time stamp. */
  readonly now?: number;
}

/** The text Proxmox writes back for this configuration after any API write. */
export function writeFwConfig(config: FwConfig, options: WriteOptions = {}): string {
  const context = options.now !== undefined ? { now: options.now } : {};
  return formatProxmoxConf(config.kind, toProxmoxConf(config, context));
}
