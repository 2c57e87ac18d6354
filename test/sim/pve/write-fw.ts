// save_clusterfw_conf, save_hostfw_conf, save_vmfw_conf and save_vnetfw_conf of PVE::Firewall:
// the configuration hash in, the file text out ('' means the file is deleted). Options are
// written in Perl's hash order; ipsets, aliases and groups sorted; rules in list order.
import type { Conf, Entry, Rule } from './conf';
import { PerlDie, encodeUtf8, perlKeys, perlTrue } from './perl';
import { atFirewallLine } from './verify';

const BLANK = /^[ \t\n\v\f\r]*$/;

function commentSuffix(comment: string | undefined): string {
  return perlTrue(comment) && !BLANK.test(comment!) ? ` # ${encodeUtf8(comment!)}` : '';
}

function formatRules(rules: readonly Rule[], allowIface: boolean): string {
  let raw = '';
  for (const rule of rules) {
    const type = rule.type ?? '';
    if (!['in', 'out', 'forward', 'group'].includes(type))
      throw new PerlDie(atFirewallLine(`unknown rule type '${type}'`, 3731));
    if (rule.enable !== undefined && !perlTrue(rule.enable)) raw += '|';
    raw += type.toUpperCase();
    raw += perlTrue(rule.macro) ? ` ${rule.macro}(${rule.action ?? ''})` : ` ${rule.action ?? ''}`;
    if (allowIface && perlTrue(rule.iface)) raw += ` -i ${rule.iface}`;
    if (type !== 'group') {
      if (perlTrue(rule.source)) raw += ` -source ${rule.source}`;
      if (perlTrue(rule.dest)) raw += ` -dest ${rule.dest}`;
      if (perlTrue(rule.proto)) raw += ` -p ${rule.proto}`;
      if (perlTrue(rule.dport)) raw += ` -dport ${rule.dport}`;
      if (perlTrue(rule.sport)) raw += ` -sport ${rule.sport}`;
      if (perlTrue(rule.log)) raw += ` -log ${rule.log}`;
      const icmpType = rule['icmp-type'];
      if (icmpType !== undefined && icmpType !== '') raw += ` -icmp-type ${icmpType}`;
    }
    raw += `${commentSuffix(rule.comment)}\n`;
  }
  return raw;
}

function formatOptions(options: Readonly<Record<string, string | number>>): string {
  let raw = '[OPTIONS]\n\n';
  for (const key of perlKeys(options)) raw += `${key}: ${options[key]}\n`;
  return `${raw}\n`;
}

function formatAliases(conf: Conf): string {
  const aliases = conf.aliases ?? {};
  let raw = '[ALIASES]\n\n';
  for (const key of Object.keys(aliases).sort()) {
    const alias = aliases[key]!;
    raw += `${alias.name ?? ''} ${alias.cidr ?? ''}${commentSuffix(alias.comment)}\n`;
  }
  return `${raw}\n`;
}

function formatIpsets(conf: Conf): string {
  let raw = '';
  for (const name of Object.keys(conf.ipset ?? {}).sort()) {
    const comment = conf.ipset_comments?.[name];
    raw += perlTrue(comment)
      ? `[IPSET ${name}] # ${encodeUtf8(comment!)}\n\n`
      : `[IPSET ${name}]\n\n`;
    const byCidr = new Map<string, Entry>();
    for (const entry of conf.ipset![name]!) {
      const cidr = entry.cidr ?? '';
      // Proxmox warns "ignoring duplicate ipset entry" and keeps the first.
      if (!byCidr.has(cidr)) byCidr.set(cidr, entry);
    }
    for (const cidr of [...byCidr.keys()].sort()) {
      const entry = byCidr.get(cidr)!;
      raw += `${perlTrue(entry.nomatch) ? '!' : ''}${cidr}${commentSuffix(entry.comment)}\n`;
    }
    raw += '\n';
  }
  return raw;
}

function rulesSection(rules: readonly Rule[] | undefined): string {
  return rules && rules.length > 0 ? `[RULES]\n\n${formatRules(rules, true)}\n` : '';
}

function optionsSection(conf: Conf): string {
  return conf.options && Object.keys(conf.options).length > 0 ? formatOptions(conf.options) : '';
}

function aliasesSection(conf: Conf): string {
  return conf.aliases && Object.keys(conf.aliases).length > 0 ? formatAliases(conf) : '';
}

/** save_clusterfw_conf */
export function formatClusterConf(conf: Conf): string {
  let raw = optionsSection(conf) + aliasesSection(conf);
  if (conf.ipset) raw += formatIpsets(conf);
  raw += rulesSection(conf.rules);
  for (const name of Object.keys(conf.groups ?? {}).sort()) {
    const comment = conf.group_comments?.[name];
    raw += perlTrue(comment)
      ? `[group ${name}] # ${encodeUtf8(comment!)}\n\n`
      : `[group ${name}]\n\n`;
    raw += `${formatRules(conf.groups![name]!, false)}\n`;
  }
  return raw;
}

/** save_hostfw_conf and save_vnetfw_conf */
export function formatHostConf(conf: Conf): string {
  return optionsSection(conf) + rulesSection(conf.rules);
}

/** save_vmfw_conf */
export function formatGuestConf(conf: Conf): string {
  let raw = optionsSection(conf) + aliasesSection(conf);
  if (conf.ipset) raw += formatIpsets(conf);
  return raw + rulesSection(conf.rules);
}
