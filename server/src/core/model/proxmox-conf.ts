// The configuration in exactly the JSON shape pve-firewall's load_*_conf returns (SDN part
// left out), so our model can be compared key for key with Proxmox's own output.
import { perlTrue } from '../syntax';
import { RULE_FIELDS } from '../syntax';
import { autovivifiedKeys } from './autovivified';
import type { FwConfig, IpSetEntry, RuleDef } from './fw-config';
import { ProxmoxDies } from './proxmox-dies';
import { entryNomatch, keptComment, perlNow, storedOptionValue } from './proxmox-stored';

export interface ProxmoxRule {
  type: string;
  action: string;
  enable: 0 | 1;
  macro?: string;
  iface?: string;
  proto?: string;
  dport?: string;
  sport?: string;
  source?: string;
  dest?: string;
  log?: string;
  'icmp-type'?: string;
  comment?: string;
  ipversion?: 4 | 6;
  errors?: Record<string, string>;
}

export interface ProxmoxAlias {
  name?: string;
  cidr?: string;
  ipversion?: 4 | 6;
  comment?: string;
}

export interface ProxmoxIpSetEntry {
  cidr: string | null;
  nomatch?: 1;
  comment?: string;
  errors?: Record<string, string>;
}

export interface ProxmoxConf {
  options?: Record<string, string | number>;
  rules?: ProxmoxRule[];
  aliases?: Record<string, ProxmoxAlias>;
  ipset?: Record<string, ProxmoxIpSetEntry[]>;
  ipset_comments?: Record<string, string>;
  groups?: Record<string, ProxmoxRule[]>;
  group_comments?: Record<string, string>;
  vmid?: string;
}

export interface ProxmoxConfContext {
  /** The cluster.fw a host or vnet file was loaded against (decides autovivified keys). */
  readonly cluster?: FwConfig;
  /** A guest's id: load_vmfw_conf adds it from the file name. */
  readonly vmid?: string;
  /** Perl's time() in seconds, for the cluster `enable` time stamp. */
  readonly now?: number;
}

export function proxmoxRule(def: RuleDef): ProxmoxRule {
  const { rule } = def.line;
  const { verified } = def;
  const out: ProxmoxRule = { type: rule.type!, action: rule.action!, enable: rule.enabled ? 1 : 0 };
  // verify_rule rewrites a known macro to its canonical spelling and leaves an unknown one alone.
  if (rule.macroToken) out.macro = verified.macro ?? rule.macroToken.text;
  for (const field of RULE_FIELDS) {
    const option = rule.options[field];
    if (option) out[field] = option.value.text;
  }
  // parse_fw_rule keeps the comment whenever the line had a "#", even an empty one.
  if (rule.comment) out.comment = rule.comment.text;
  if (verified.ipversion) out.ipversion = verified.ipversion;
  if (verified.errors.length > 0) {
    out.errors = {};
    for (const error of verified.errors) out.errors[error.field] = error.message;
  }
  return out;
}

// The zero-prefix message is the only ipset error Proxmox stores unchomped (FW:3592-3594).
const ZERO_PREFIX = 'a zero prefix is not allowed in ipset entries';

function proxmoxEntry(entry: IpSetEntry): ProxmoxIpSetEntry {
  const out: ProxmoxIpSetEntry = { cidr: entry.cidr ?? null };
  if (entryNomatch(entry)) out.nomatch = 1;
  const comment = keptComment(entry.line.comment);
  if (comment !== undefined) out.comment = comment;
  if (entry.error !== undefined)
    out.errors = { cidr: entry.error === ZERO_PREFIX ? `${ZERO_PREFIX}\n` : entry.error };
  return out;
}

function proxmoxAliases(config: FwConfig): Record<string, ProxmoxAlias> {
  const aliases: Record<string, ProxmoxAlias> = {};
  for (const line of config.tree.lines) {
    // parse_alias returns undef for a line that is not NAME ADDRESS and the caller stores the
    // autovivified empty hash under lc(undef), i.e. "" (FW:3543-3544).
    if (line.kind === 'alias' && line.malformed) aliases[''] = {};
  }
  for (const [key, def] of config.aliases) {
    const alias: ProxmoxAlias = {
      name: def.line.nameToken!.text,
      cidr: def.cidr,
      ipversion: def.ipversion,
    };
    const comment = keptComment(def.line.comment);
    if (comment !== undefined) alias.comment = comment;
    aliases[key] = alias;
  }
  return aliases;
}

function proxmoxIpSets(config: FwConfig): Pick<ProxmoxConf, 'ipset' | 'ipset_comments'> {
  const ipset: Record<string, ProxmoxIpSetEntry[]> = {};
  const comments: Record<string, string> = {};
  for (const [name, set] of config.ipsets) {
    ipset[name] = set.entries.map(proxmoxEntry);
    const comment = keptComment(set.header.comment);
    if (comment !== undefined) comments[name] = comment;
  }
  return { ipset, ipset_comments: comments };
}

function proxmoxGroups(config: FwConfig): Pick<ProxmoxConf, 'groups' | 'group_comments'> {
  const groups: Record<string, ProxmoxRule[]> = {};
  const comments: Record<string, string> = {};
  for (const [name, group] of config.groups) {
    groups[name] = group.rules.map(proxmoxRule);
    const comment = keptComment(group.header.comment);
    if (comment !== undefined) comments[name] = comment;
  }
  return { groups, group_comments: comments };
}

/**
 * What load_clusterfw_conf, load_hostfw_conf, load_vmfw_conf or load_vnetfw_conf returns for
 * this file. Throws ProxmoxDies when loading dies (cluster.fw with an invalid log_ratelimit).
 */
export function toProxmoxConf(config: FwConfig, context: ProxmoxConfContext = {}): ProxmoxConf {
  if (config.unloadable) {
    const fatal = config.tree.lines.find((l) => l.kind === 'option' && l.fatal);
    throw new ProxmoxDies(
      fatal?.kind === 'option' && fatal.error ? fatal.error.message : 'cluster.fw does not load',
    );
  }
  const conf: ProxmoxConf = {};
  // generic_fw_config_parser returns {} for a file whose text is Perl-false (FW:3452).
  if (perlTrue(config.tree.text)) {
    const now = context.now ?? perlNow();
    const options: Record<string, string | number> = {};
    for (const [key, def] of config.options)
      options[key] = storedOptionValue(config.kind, key, def.value, now);
    conf.options = options;
    conf.rules = config.rules.map(proxmoxRule);
    if (config.kind === 'cluster' || config.kind === 'guest') {
      conf.aliases = proxmoxAliases(config);
      Object.assign(conf, proxmoxIpSets(config));
    } else {
      const created = autovivifiedKeys(config, context.cluster);
      if (created.aliases) conf.aliases = {};
      if (created.ipset) conf.ipset = {};
    }
    if (config.kind === 'cluster') Object.assign(conf, proxmoxGroups(config));
  }
  if (config.kind === 'guest' && context.vmid !== undefined) conf.vmid = context.vmid;
  return conf;
}
