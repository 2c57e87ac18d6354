// generic_fw_config_parser and the load_*_conf functions of PVE::Firewall, for the simulator:
// the text of a .fw file (a byte string) in, the configuration hash the API handlers work on
// out. Lines Proxmox cannot read are skipped exactly where it skips them (it only warns).
import type { Alias, Conf, Entry, Rule, RuleEnv } from './conf';
import {
  PerlDie,
  SPACE,
  decodeUtf8,
  isHorizontal,
  lc,
  perlInt,
  perlTrue,
  trimBy,
  uc,
} from './perl';
import {
  GROUP_NAME_PATTERN,
  IPSET_NAME_PATTERN,
  IP_ALIAS_PATTERN,
  parseIpOrCidr,
  verifyConntrackHelpers,
  verifyEthertype,
  verifyRule,
} from './verify';

// \s and \S of a byte string (SPACE in perl.ts).
const S = '[ \\t\\n\\v\\f\\r]';
const NS = '[^ \\t\\n\\v\\f\\r]';
const LOGLEVELS = 'emerg|alert|crit|err|warning|notice|info|debug|nolog';

/** A regexp in Perl's byte-string terms: \s and \S as PVE::Firewall's patterns see them. */
function re(source: string, flags = ''): RegExp {
  return new RegExp(source.replace(/\\s/g, S).replace(/\\S/g, NS), flags);
}

/** parse_fw_rule: the rule with its verify_rule errors, or a die (the line is skipped). */
export function parseFwRule(
  line: string,
  cluster: Conf | undefined,
  fw: Conf | undefined,
  env: RuleEnv,
): Rule {
  const rule: Rule = {};
  const hash = line.indexOf('#');
  if (hash !== -1) {
    rule.comment = decodeUtf8(trimBy(line.slice(hash + 1), (c) => SPACE.includes(c)));
    line = line.slice(0, hash);
  }
  if (line.startsWith('|')) {
    rule.enable = 0;
    line = line.slice(1);
  } else rule.enable = 1;
  const head = re('^(\\S+)\\s+(\\S+)\\s*').exec(line);
  if (!head) throw new PerlDie(`unable to parse rule: ${line}`);
  line = line.slice(head[0].length);
  rule.type = lc(head[1]!);
  rule.action = head[2]!;
  if (rule.type === 'in' || rule.type === 'out' || rule.type === 'forward') {
    const macro = re('^(\\S+)\\((ACCEPT|DROP|REJECT)\\)$').exec(rule.action);
    if (macro) {
      rule.macro = macro[1]!;
      rule.action = macro[2]!;
    }
  }
  const OPTIONS: [RegExp, keyof Rule][] = [
    [re('^(?:-p|--?proto) (\\S+)\\s*'), 'proto'],
    [re('^--?dport (\\S+)\\s*'), 'dport'],
    [re('^--?sport (\\S+)\\s*'), 'sport'],
    [re('^--?source (\\S+)\\s*'), 'source'],
    [re('^--?dest (\\S+)\\s*'), 'dest'],
    [re(`^--?log (${LOGLEVELS})\\s*`), 'log'],
    [re('^--?icmp-type (\\S+)\\s*'), 'icmp-type'],
  ];
  const IFACE = re('^-i (\\S+)\\s*');
  scan: while (line.length > 0) {
    const iface = IFACE.exec(line);
    if (iface) {
      rule.iface = iface[1]!;
      line = line.slice(iface[0].length);
      continue;
    }
    if (rule.type === 'group') break;
    for (const [pattern, key] of OPTIONS) {
      const match = pattern.exec(line);
      if (match) {
        rule[key] = match[1]!;
        line = line.slice(match[0].length);
        continue scan;
      }
    }
    break;
  }
  if (line.length > 0) throw new PerlDie(`unable to parse rule parameters: ${line}`);
  return verifyRule(rule, cluster, fw, env, true);
}

type OptionParser = (line: string) => [string, string | number];

function cantParse(line: string): never {
  throw new PerlDie(`can't parse option '${line}'`);
}

/** parse_vmfw_option */
function vmOption(line: string): [string, string | number] {
  let m = re('^(enable|dhcp|ndp|radv|macfilter|ipfilter|ips):\\s*(0|1)\\s*$', 'i').exec(line);
  if (m) return [lc(m[1]!), perlInt(m[2]!)];
  m = re(`^(log_level_in|log_level_out):\\s*((${LOGLEVELS})\\s*)?$`, 'i').exec(line);
  if (m) return [lc(m[1]!), perlTrue(m[2]) ? lc(m[3]!) : ''];
  m = re('^(policy_(in|out)):\\s*(ACCEPT|DROP|REJECT)\\s*$', 'i').exec(line);
  if (m) return [lc(m[1]!), uc(m[3]!)];
  m = re('^(ips_queues):\\s*(([0-9]+)(:([0-9]+))?)\\s*$', 'i').exec(line);
  if (m) return [lc(m[1]!), m[2]!];
  // ((\S+)[,]?)+ is one run of non-blanks (the comma is one of them).
  m = re('^(layer2_protocols):\\s*(\\S+)\\s*$', 'i').exec(line);
  if (m) {
    const types = m[2]!.split(',');
    while (types.length > 0 && types[types.length - 1] === '') types.pop();
    for (const type of types) verifyEthertype(type);
    return [lc(m[1]!), m[2]!];
  }
  return cantParse(line);
}

/** parse_hostfw_option */
function hostOption(line: string): [string, string | number] {
  let m = re(
    '^(enable|nosmurfs|tcpflags|ndp|log_nf_conntrack|nf_conntrack_allow_invalid|protection_synflood|nftables):\\s*(0|1)\\s*$',
    'i',
  ).exec(line);
  if (m) return [lc(m[1]!), perlInt(m[2]!)];
  m = re(
    `^(log_level_(?:in|out|forward)|tcp_flags_log_level|smurf_log_level):\\s*((${LOGLEVELS})\\s*)?$`,
    'i',
  ).exec(line);
  if (m) return [lc(m[1]!), perlTrue(m[2]) ? lc(m[3]!) : ''];
  m = re('^(nf_conntrack_helpers):\\s*(\\S+)\\s*$', 'i').exec(line);
  if (m) {
    const value = lc(m[2]!);
    verifyConntrackHelpers(value);
    return [lc(m[1]!), value];
  }
  m = re(
    '^(nf_conntrack_max|nf_conntrack_tcp_timeout_established|nf_conntrack_tcp_timeout_syn_recv|protection_synflood_rate|protection_synflood_burst|protection_limit):\\s*([0-9]+)\\s*$',
    'i',
  ).exec(line);
  if (m) return [lc(m[1]!), perlInt(m[2]!)];
  return cantParse(line);
}

/** parse_clusterfw_option; `now` is Perl's time() for the enable time stamp. */
function clusterOption(now: number): OptionParser {
  return (line) => {
    let m = re('^(enable):\\s*([0-9]+)\\s*$', 'i').exec(line);
    if (m) {
      let value = perlInt(m[2]!);
      if (value > 1 && now - value > 60) value = 0;
      return [lc(m[1]!), value];
    }
    m = re('^(ebtables):\\s*(0|1)\\s*$', 'i').exec(line);
    if (m) return [lc(m[1]!), perlInt(m[2]!)];
    m = re('^(policy_(in|out|forward)):\\s*(ACCEPT|DROP|REJECT)\\s*$', 'i').exec(line);
    if (m) return [lc(m[1]!), uc(m[3]!)];
    m = re('^(log_ratelimit):\\s*(\\S+)\\s*$').exec(line);
    if (m) return [lc(m[1]!), m[2]!];
    return cantParse(line);
  };
}

/** parse_vnetfw_option */
function vnetOption(line: string): [string, string | number] {
  let m = re('^(enable):\\s*([0-9]+)\\s*$', 'i').exec(line);
  if (m) return [lc(m[1]!), perlInt(m[2]!)];
  m = re('^(policy_forward):\\s*(ACCEPT|DROP)\\s*$', 'i').exec(line);
  if (m) return [lc(m[1]!), uc(m[2]!)];
  m = re(`^(log_level_forward):\\s*(${LOGLEVELS})\\s*$`, 'i').exec(line);
  if (m) return [lc(m[1]!), lc(m[2]!)];
  return cantParse(line);
}

/** parse_alias: the alias, or undefined for a line that is not "NAME ADDRESS". */
function parseAlias(line: string): Alias | undefined {
  let comment: string | undefined;
  const hash = re('\\s*#\\s*(.*?)\\s*$').exec(line);
  if (hash) {
    comment = decodeUtf8(hash[1]!);
    line = line.slice(0, hash.index);
  }
  const m = re('^(\\S+)\\s(\\S+)$').exec(line);
  if (!m) return undefined;
  const { cidr, ipversion } = parseIpOrCidr(m[2]!);
  const alias: Alias = { name: m[1]!, cidr, ipversion };
  if (perlTrue(comment)) alias.comment = comment;
  return alias;
}

/** resolve_alias: dies when the alias is not defined in the scope. */
export function resolveAlias(
  clusterConf: Conf | undefined,
  fw: Conf | undefined,
  name: string,
  scope: string,
): Alias {
  const [cluster, local] = clusterConf ? [clusterConf, fw] : [fw, undefined];
  const key = lc(name);
  let found = scope !== 'dc/' && local ? local.aliases?.[key] : undefined;
  if (scope !== 'guest/' && !found && cluster) found = cluster.aliases?.[key];
  if (!found) throw new PerlDie(`no such alias '${name}'`);
  return found;
}

const ALIAS_ENTRY = new RegExp(`^(dc/|guest/)?(${IP_ALIAS_PATTERN}$)`);
const ENTRY = re('^(!)?\\s*(\\S+)\\s*$');

/**
 * One line of an [IPSET] section. `capture1` is Perl's $1 of the last successful match, which
 * a line that is not "[!]ADDRESS" leaves in place (the comment, or the line itself): such an
 * entry has no address and is a nomatch entry whenever that text is true.
 */
function parseEntry(
  line: string,
  wholeLine: string,
  cluster: Conf | undefined,
  res: Conf,
  seen: Set<string>,
): { entry: Entry; key: string | undefined } {
  let capture1 = wholeLine;
  let comment: string | undefined;
  const hash = line.indexOf('#');
  if (hash !== -1) {
    capture1 = trimBy(line.slice(hash + 1), (c) => SPACE.includes(c));
    comment = decodeUtf8(capture1);
    line = line.slice(0, hash);
  }
  const m = ENTRY.exec(line);
  const nomatch = m ? m[1] : capture1;
  let cidr: string | undefined = m ? m[2]! : undefined;
  const errors: Record<string, string> = {};
  try {
    const alias = cidr === undefined ? null : ALIAS_ENTRY.exec(cidr);
    if (alias) resolveAlias(cluster, res, alias[2]!, alias[1] ?? '');
    else cidr = parseIpOrCidr(cidr ?? '').cidr;
    if (seen.has(cidr ?? '')) throw new PerlDie(`duplicate ipset entry for '${cidr ?? ''}'`);
  } catch (error) {
    if (!(error instanceof PerlDie)) throw error;
    errors['cidr'] = error.message.slice(0, -1);
  }
  if (cidr !== undefined && /\/0+$/.test(cidr))
    errors['cidr'] = 'a zero prefix is not allowed in ipset entries\n';
  const entry: Entry = cidr === undefined ? {} : { cidr };
  if (perlTrue(nomatch)) entry.nomatch = 1;
  if (perlTrue(comment)) entry.comment = comment;
  if (Object.keys(errors).length > 0) entry.errors = errors;
  return { entry, key: cidr };
}

export interface ParseOptions {
  /** Perl's time() (the cluster `enable` time stamp). */
  readonly now: number;
}

/**
 * generic_fw_config_parser. `empty` says which sections the file kind has (its empty_conf);
 * for cluster.fw `cluster` is the configuration being built itself.
 */
function parseConfig(
  text: string,
  kind: 'cluster' | 'host' | 'guest' | 'vnet',
  env: RuleEnv,
  cluster: Conf | undefined,
  sdn: Conf['sdn'],
  options: ParseOptions,
): Conf {
  if (!perlTrue(text)) return {};
  const res: Conf = { rules: [], options: {} };
  if (kind === 'cluster' || kind === 'guest') {
    res.aliases = {};
    res.ipset = {};
    res.ipset_comments = {};
  }
  if (kind === 'cluster') {
    res.groups = {};
    res.group_comments = {};
    res.sdn = sdn ?? { ipset: {} };
  }
  const clusterConf = kind === 'cluster' ? res : cluster;
  const parseOption: OptionParser =
    kind === 'cluster'
      ? clusterOption(options.now)
      : kind === 'host'
        ? hostOption
        : kind === 'vnet'
          ? vnetOption
          : vmOption;
  let section: 'options' | 'aliases' | 'rules' | 'groups' | 'ipset' | undefined;
  let group = '';
  let seen = new Set<string>();
  const GROUP = re('^\\[group\\s+(\\S+)\\]\\s*(?:#\\s*(.*?)\\s*)?$', 'i');
  const IPSET = re('^\\[ipset\\s+(\\S+)\\]\\s*(?:#\\s*(.*?)\\s*)?$', 'i');
  // /^\h*(.*?)\h*$/gm: every line, blanks around it trimmed ("." stops at "\n").
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = trimBy(raw, isHorizontal);
    if (line.startsWith('#') || re('^\\s*$').test(line)) continue;
    if (res.options && /^\[options\]$/i.test(line)) {
      section = 'options';
      continue;
    }
    if (res.aliases && /^\[aliases\]$/i.test(line)) {
      section = 'aliases';
      continue;
    }
    const groupHead = res.groups ? GROUP.exec(line) : null;
    if (groupHead) {
      group = lc(groupHead[1]!);
      if (group.length > 18 || !new RegExp(`^${GROUP_NAME_PATTERN}$`).test(group)) {
        section = undefined;
        continue;
      }
      section = 'groups';
      res.groups![group] = [];
      if (perlTrue(groupHead[2])) res.group_comments![group] = decodeUtf8(groupHead[2]!);
      continue;
    }
    if (/^\[rules\]$/i.test(line)) {
      section = 'rules';
      continue;
    }
    const ipsetHead = res.ipset ? IPSET.exec(line) : null;
    if (ipsetHead) {
      group = lc(ipsetHead[1]!);
      if (group.length > 64 || !new RegExp(`^${IPSET_NAME_PATTERN}$`).test(group)) {
        section = undefined;
        continue;
      }
      section = 'ipset';
      res.ipset![group] = [];
      seen = new Set();
      if (perlTrue(ipsetHead[2])) res.ipset_comments![group] = decodeUtf8(ipsetHead[2]!);
      continue;
    }
    if (!section) continue;
    try {
      if (section === 'options') {
        const [key, value] = parseOption(line);
        res.options![key] = value;
      } else if (section === 'aliases') {
        const alias = parseAlias(line);
        // The caller stores the hash it got under lc(name): undef becomes {} under "".
        res.aliases![lc(alias?.name ?? '')] = alias ?? {};
      } else if (section === 'rules') {
        res.rules!.push(parseFwRule(line, clusterConf, res, env));
      } else if (section === 'groups') {
        res.groups![group]!.push(parseFwRule(line, clusterConf, undefined, 'group'));
      } else {
        const { entry, key } = parseEntry(line, line, clusterConf, res, seen);
        res.ipset![group]!.push(entry);
        seen.add(key ?? '');
      }
    } catch (error) {
      if (!(error instanceof PerlDie)) throw error;
      // Proxmox warns and skips the line.
    }
  }
  return res;
}

export interface LoadContext extends ParseOptions {
  /** The names of the SDN ipsets (load_sdn_conf). */
  readonly sdnIpSets: readonly string[];
}

function sdnConf(context: LoadContext): Conf['sdn'] {
  return { ipset: Object.fromEntries(context.sdnIpSets.map((name) => [name, []])) };
}

/** load_clusterfw_conf (without the log rate limit, checked by the store). */
export function loadClusterConf(text: string, context: LoadContext): Conf {
  const conf = parseConfig(text, 'cluster', 'cluster', undefined, sdnConf(context), context);
  conf.sdn ??= sdnConf(context);
  return conf;
}

/** load_hostfw_conf */
export function loadHostConf(text: string, cluster: Conf, context: LoadContext): Conf {
  return parseConfig(text, 'host', 'host', cluster, undefined, context);
}

/** load_vmfw_conf */
export function loadGuestConf(
  text: string,
  cluster: Conf,
  env: 'vm' | 'ct',
  context: LoadContext,
): Conf {
  return parseConfig(text, 'guest', env, cluster, undefined, context);
}

/** load_vnetfw_conf */
export function loadVnetConf(text: string, cluster: Conf, context: LoadContext): Conf {
  return parseConfig(text, 'vnet', 'vnet', cluster, undefined, context);
}
