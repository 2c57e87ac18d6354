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
import { perlSorted } from './perl-sort';

// Proxmox writes options in Perl hash order, which changes from run to run. We use the order
// of the option table (shared/data/pve-fw-options.json) so that our output is stable.
function optionOrder(kind: FileKind, keys: readonly string[]): string[] {
  const known = OPTIONS.filter((o) => o.kinds.includes(kind)).map((o) => o.key);
  return [...known.filter((k) => keys.includes(k)), ...keys.filter((k) => !known.includes(k))];
}

function formatOptions(kind: FileKind, options: Record<string, string | number>): string {
  let raw = '[OPTIONS]\n\n';
  for (const key of optionOrder(kind, Object.keys(options))) raw += `${key}: ${options[key]}\n`;
  return `${raw}\n`;
}

function formatAliases(aliases: NonNullable<ProxmoxConf['aliases']>): string {
  let raw = '[ALIASES]\n\n';
  for (const key of perlSorted(Object.keys(aliases))) {
    const alias = aliases[key]!;
    // The malformed-alias record {} prints as a line holding one blank (undef interpolates as "").
    raw += `${alias.name ?? ''} ${alias.cidr ?? ''}`;
    const comment = writtenComment(alias.comment);
    if (comment !== undefined) raw += ` # ${comment}`;
    raw += '\n';
  }
  return `${raw}\n`;
}

function formatIpSet(
  name: string,
  entries: readonly ProxmoxIpSetEntry[],
  comment: string | undefined,
): string {
  let raw = perlTrue(comment) ? `[IPSET ${name}] # ${comment}\n\n` : `[IPSET ${name}]\n\n`;
  // Entries are keyed by their text: the first of equal entries wins (Proxmox warns "ignoring
  // duplicate ipset entry"), nomatch is not part of the key, and an entry without an address
  // falls under the key "".
  const byCidr = new Map<string, ProxmoxIpSetEntry>();
  for (const entry of entries) {
    const key = entry.cidr ?? '';
    if (!byCidr.has(key)) byCidr.set(key, entry);
  }
  for (const key of perlSorted(byCidr.keys())) {
    const entry = byCidr.get(key)!;
    let line = (entry.nomatch ? '!' : '') + key;
    const entryComment = writtenComment(entry.comment);
    if (entryComment !== undefined) line += ` # ${entryComment}`;
    raw += `${line}\n`;
  }
  return `${raw}\n`;
}

function formatRules(rules: readonly ProxmoxRule[], allowIface: boolean): string {
  return rules.map((r) => formatRule(r, allowIface)).join('');
}

/**
 * Serialises a configuration the way save_clusterfw_conf, save_hostfw_conf, save_vmfw_conf and
 * save_vnetfw_conf do (FW:3810-3837, 4074-4115, 4137-4159, 4179-4203). An empty result means
 * Proxmox deletes the file. Throws ProxmoxDies where Proxmox's writer dies.
 */
export function formatProxmoxConf(kind: FileKind, conf: ProxmoxConf): string {
  let raw = '';
  if (conf.options && Object.keys(conf.options).length > 0)
    raw += formatOptions(kind, conf.options);
  // Host and vnet writers never write aliases or ipsets, even autovivified ones.
  const local = kind === 'cluster' || kind === 'guest';
  if (local && conf.aliases && Object.keys(conf.aliases).length > 0)
    raw += formatAliases(conf.aliases);
  if (local && conf.ipset) {
    for (const name of perlSorted(Object.keys(conf.ipset))) {
      raw += formatIpSet(name, conf.ipset[name]!, conf.ipset_comments?.[name]);
    }
  }
  if (conf.rules && conf.rules.length > 0) raw += `[RULES]\n\n${formatRules(conf.rules, true)}\n`;
  if (kind === 'cluster' && conf.groups) {
    for (const name of perlSorted(Object.keys(conf.groups))) {
      const comment = conf.group_comments?.[name];
      raw += perlTrue(comment) ? `[group ${name}] # ${comment}\n\n` : `[group ${name}]\n\n`;
      raw += `${formatRules(conf.groups[name]!, false)}\n`;
    }
  }
  return raw;
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
