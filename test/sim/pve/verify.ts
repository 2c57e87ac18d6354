// PVE::Firewall's value checks as the API and the file parser run them: address lists, port
// lists, protocols, ICMP types, verify_rule (collecting errors, or raising the first one as the
// API does) and the macro expansion it checks against. Written from src/PVE/Firewall.pm.
import {
  CONNTRACK_HELPERS,
  ETHERTYPES,
  ICMPV6_TYPES,
  ICMP_TYPES,
  MACROS,
  PROTOCOL_NAMES,
  PROTOCOL_NUMBERS,
  SERVICE_NAMES,
} from '../generated/pve-tables';
import type { Conf, Rule, RuleEnv } from './conf';
import { IPV4_RE, IPV6_RE } from './ip-patterns';
import {
  bitsToIp,
  compressAddress,
  expandAddress,
  ipToBits,
  isIpv6,
  netIpError,
  netIpNew,
} from './net-ip';
import { ParamException, PerlDie, evalError, lc, perlKeys, perlTrue } from './perl';
import type { MacroRule } from './tables-types';

export const IP_ALIAS_PATTERN = '[A-Za-z][A-Za-z0-9\\-_]+';
export const IPSET_NAME_PATTERN = '[A-Za-z][A-Za-z0-9\\-_]+';
export const GROUP_NAME_PATTERN = '[A-Za-z][A-Za-z0-9\\-_]+';
const ALIAS_REF = new RegExp(`^(dc/|guest/)?(${IP_ALIAS_PATTERN})$`);

const ICMP = new Set(ICMP_TYPES);
const ICMPV6 = new Set(ICMPV6_TYPES);
const SERVICES = new Set(SERVICE_NAMES);
const PROTOCOLS = new Set([...PROTOCOL_NAMES, ...PROTOCOL_NUMBERS, 'icmpv6']);
const HELPERS = new Set(CONNTRACK_HELPERS);
const PROTOCOLS_WITH_PORTS = new Set([
  'udp',
  '17',
  'udplite',
  '136',
  'tcp',
  '6',
  'dccp',
  '33',
  'sctp',
  '132',
]);

/** The Perl file the messages of a die without "\n" name (Debian's install path). */
export function atFirewallLine(message: string, line: number): string {
  return `${message} at /usr/share/perl5/PVE/Firewall.pm line ${line}.\n`;
}

/** Perl's split(/,/, $s): the trailing empty items are dropped. */
function splitComma(text: string): string[] {
  const items = text.split(',');
  while (items.length > 0 && items[items.length - 1] === '') items.pop();
  return items;
}

/** parse_address_list: the family of a list of addresses, or a die. */
export function parseAddressList(text: string): number | undefined {
  if (/^\+\S+$/.test(text)) {
    if (text.length > 65) throw new PerlDie('ipset name too long');
    return undefined;
  }
  if (ALIAS_REF.test(text)) {
    if (text.length > 64) throw new PerlDie('alias name too long');
    return undefined;
  }
  const items = splitComma(text);
  if (items.join(',') !== text) throw new PerlDie('extraneous commas in list');
  let range = false;
  let version: number | undefined;
  for (const item of items) {
    const ip = netIpNew(item);
    if (!ip) throw new PerlDie(`invalid IP address: ${netIpError()}`);
    if (item.includes('-')) range = true;
    const itemVersion = isIpv6(ip.ip) ? 6 : 4;
    if (version && itemVersion !== version)
      throw new PerlDie(`detected mixed ipv4/ipv6 addresses in address list '${text}'`);
    version = itemVersion;
  }
  if (range && items.length > 1) throw new PerlDie("you can't use a range in a list");
  return version;
}

/** parse_port_name_number_or_range; `dport` allows one ICMP type name (for icmp rules). */
export function parsePorts(text: string, dport: boolean): void {
  const items = splitComma(text);
  if (items.join(',') !== text) throw new PerlDie('extraneous commas in list');
  let count = 0;
  let icmp = false;
  for (const item of items) {
    const range = /^([0-9]+):([0-9]+)$/.exec(item);
    if (range) {
      count += 2;
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a > 65535) throw new PerlDie(`invalid port '${range[1]}'`);
      if (b > 65535) throw new PerlDie(`invalid port '${range[2]}'`);
      if (a > b)
        throw new PerlDie(
          `backwards range '${range[1]}:${range[2]}' not allowed, did you mean '${range[2]}:${range[1]}'?`,
        );
    } else if (/^[0-9]+$/.test(item)) {
      count += 1;
      if (Number(item) > 65535) throw new PerlDie(`invalid port '${item}'`);
    } else if (dport && (ICMP.has(item) || ICMPV6.has(item))) {
      icmp = true;
    } else if (!SERVICES.has(item)) throw new PerlDie(`invalid port '${item}'`);
  }
  if (icmp && count > 0) throw new PerlDie('ICMP ports not allowed in port range');
  if (count > 15) throw new PerlDie('too many entries in port list (> 15 numbers)');
}

/** pve_fw_verify_protocol_spec */
export function verifyProtocol(proto: string): void {
  if (perlTrue(proto) && !PROTOCOLS.has(proto)) throw new PerlDie(`unknown protocol '${proto}'`);
}

/** pve_fw_verify_icmp_type_spec */
export function verifyIcmpTypeSpec(type: string): void {
  if (ICMP.has(type) || ICMPV6.has(type)) return;
  if (type !== '') throw new PerlDie(`invalid icmp-type value '${type}'`);
}

/** pve_fw_verify_conntrack_helper: its die has no "\n", so Perl adds where it happened. */
export function verifyConntrackHelpers(list: string): void {
  const helpers = splitComma(list);
  if (helpers.join(',') !== list) throw new PerlDie('extraneous commas in list');
  for (const helper of helpers)
    if (!HELPERS.has(helper)) throw new PerlDie(atFirewallLine(`unknown helper ${helper}`, 1167));
}

const ETHERTYPE_NAMES = new Set(ETHERTYPES.flatMap((e) => [e.name, e.id]));

/** verify_ethertype (layer2_protocols of a guest file) */
export function verifyEthertype(value: string): void {
  if (!ETHERTYPE_NAMES.has(value)) throw new PerlDie(`unknown ethernet protocol type: ${value}`);
}

/** pve_verify_iface (pve-common) */
export function verifyIface(name: string): void {
  if (!/^[a-z][a-z0-9_]{1,20}([:.][0-9]+)?$/i.test(name))
    throw new PerlDie(`invalid network interface name '${name}'`);
}

const IP_OR_CIDR = new RegExp(`^(?:${IPV6_RE}|${IPV4_RE})(?:/[0-9]+)?$`);

/** clean_cidr: host bits cleared (with Perl's string & on the bit strings). */
export function cleanCidr(cidr: string): string {
  const [ip = '', length] = cidr.split('/');
  if (!perlTrue(length)) return cidr;
  const version = new RegExp(`^${IPV4_RE}$`).test(ip) ? 4 : 6;
  const bits = ipToBits(expandAddress(ip, version) ?? '', version) ?? '';
  const size = version === 4 ? 32 : 128;
  const ones = Math.max(0, Number.parseInt(length!, 10) || 0);
  const mask = '1'.repeat(ones) + '0'.repeat(Math.max(0, size - ones));
  let masked = '';
  for (let i = 0; i < Math.min(bits.length, mask.length); i++)
    masked += bits[i] === '1' && mask[i] === '1' ? '1' : '0';
  const clean = compressAddress(bitsToIp(masked, version) ?? '', version);
  return `${clean}/${length}`;
}

/** pve_verify_ip_or_cidr (format IPorCIDR) */
export function verifyIpOrCidr(cidr: string): void {
  if (!IP_OR_CIDR.test(cidr))
    throw new PerlDie('value does not look like a valid IP address or CIDR network');
  if (!netIpNew(cleanCidr(cidr))) throw new PerlDie(netIpError());
}

/** pve_verify_ip_or_cidr_or_alias (format IPorCIDRorAlias) */
export function verifyIpOrCidrOrAlias(cidr: string): void {
  if (ALIAS_REF.test(cidr)) return;
  verifyIpOrCidr(cidr);
}

/** parse_ip_or_cidr: the address without a /32 or /128, and its family. */
export function parseIpOrCidr(cidr: string): { cidr: string; ipversion: 4 | 6 } {
  const match6 = new RegExp(`^(?:${IPV6_RE})(/([0-9]+))?$`).exec(cidr);
  if (match6) return { cidr: cidr.replace(/\/128$/, ''), ipversion: 6 };
  const match4 = new RegExp(`^(?:${IPV4_RE})(/([0-9]+))?$`).exec(cidr);
  if (match4) return { cidr: cidr.replace(/\/32$/, ''), ipversion: 4 };
  throw new PerlDie('value does not look like a valid IP address or CIDR network');
}

interface MacroInfo {
  readonly name: string;
  readonly ipVersion: number;
  readonly rules: readonly MacroRule[];
  readonly ipv6Rules?: readonly MacroRule[];
}

const MACRO_BY_NAME = new Map<string, MacroInfo>(MACROS.map((m) => [m.name, m]));
const PREFERRED_MACRO = new Map<string, string>(MACROS.map((m) => [lc(m.name), m.name]));

/** The macro list of GET /cluster/firewall/macros (keys %$macros: Perl's hash order). */
export function macroList(): { macro: string; descr: string }[] {
  const byName = Object.fromEntries(MACROS.map((m) => [m.name, m]));
  return perlKeys(byName).map((name) => ({
    macro: name,
    descr: byName[name]!.description || name,
  }));
}

/** $apply_macro in its checking mode: raises what the rule and the macro disagree on. */
function applyMacro(name: string, param: Rule, ipversion: number | undefined): void {
  const macro = MACRO_BY_NAME.get(name);
  if (!macro) throw new PerlDie(`unknown macro '${name}'`);
  let templates = macro.rules;
  if (ipversion === 6 && macro.ipv6Rules) templates = macro.ipv6Rules;
  if (ipversion && macro.ipVersion && ipversion !== macro.ipVersion) return;
  for (const template of templates) {
    const rule: Record<string, unknown> = {};
    const used = new Set<string>();
    for (const key of perlKeys(template)) {
      let value: unknown = template[key];
      if (value === 'PARAM') {
        value = param[key];
        used.add(key);
      } else if (value === 'DEST') {
        value = param.dest;
        used.add('dest');
      } else if (value === 'SOURCE') {
        value = param.source;
        used.add('source');
      }
      if (value === undefined)
        throw new ParamException({ macro: `missing parameter '${key}' in macro '${name}'` });
      rule[key] = value;
    }
    for (const key of perlKeys(param)) {
      if (key === 'macro' || param[key] === undefined || used.has(key)) continue;
      const set = rule[key] as string | number | undefined;
      const given = param[key] as string | number;
      if (set !== undefined) {
        if (String(set) !== String(given))
          throw new ParamException({
            [key]: `parameter '${key}' already define in macro (value = '${set}')`,
          });
      } else rule[key] = param[key];
    }
  }
}

const IFACE_ALLOWED: Record<RuleEnv, boolean> = {
  ct: true,
  vm: true,
  group: false,
  vnet: false,
  cluster: true,
  host: true,
};

const DIRECTIONS: Record<RuleEnv, readonly string[]> = {
  ct: ['in', 'out', 'group'],
  vm: ['in', 'out', 'group'],
  group: ['in', 'out', 'forward'],
  cluster: ['in', 'out', 'forward', 'group'],
  host: ['in', 'out', 'forward', 'group'],
  vnet: ['forward', 'group'],
};

/**
 * verify_rule: with `noerr` (the file parser) the errors are collected on the rule; without
 * it (the API) the first one is raised as a 400 for its parameter. A family clash through an
 * alias or the protocol dies (500 in the API, a dropped line in a file).
 */
export function verifyRule(
  rule: Rule,
  cluster: Conf | undefined,
  fw: Conf | undefined,
  env: RuleEnv,
  noerr: boolean,
): Rule {
  const allowGroups = env !== 'group';
  const allowIface = IFACE_ALLOWED[env];
  const errors: Record<string, string> = rule.errors ?? {};
  let errorCount = 0;
  const addError = (param: string, message: string): void => {
    const msg = message.endsWith('\n') ? message.slice(0, -1) : message;
    if (!noerr) throw new ParamException({ [param]: msg });
    errorCount++;
    if (!perlTrue(errors[param])) errors[param] = msg;
  };
  const attempt = (param: string, check: () => void): void => {
    try {
      check();
    } catch (error) {
      addError(param, evalError(error));
    }
  };

  let ipversion: number | undefined;
  const setIpVersion = (version: number | undefined): void => {
    if (!version) return;
    if (ipversion && version !== ipversion)
      throw new PerlDie('detected mixed ipv4/ipv6 addresses in rule');
    ipversion = version;
  };

  const checkIpsetOrAlias = (name: 'source' | 'dest'): void => {
    const value = rule[name];
    if (!perlTrue(value)) return;
    if (value!.startsWith('+')) {
      const match = new RegExp(`^\\+(guest/|dc/|sdn/)?(${IPSET_NAME_PATTERN})$`).exec(value!);
      if (!match) return addError(name, `invalid ipset name '${value}'`);
      const set = match[2]!;
      if (
        !cluster?.ipset?.[set] &&
        !fw?.ipset?.[set] &&
        !cluster?.sdn?.ipset[set] &&
        !fw?.sdn?.ipset[set]
      )
        addError(name, `no such ipset '${set}'`);
      return;
    }
    const match = ALIAS_REF.exec(value!);
    if (!match) return;
    const scope = match[1] ?? '';
    const alias = lc(match[2]!);
    if (!cluster?.aliases?.[alias] && !fw?.aliases?.[alias])
      addError(name, `no such alias '${value}'`);
    let found = scope !== 'dc/' && fw ? fw.aliases?.[alias] : undefined;
    if (scope !== 'guest/' && !found && cluster) found = cluster.aliases?.[alias];
    setIpVersion(found?.ipversion);
  };

  const { type, action } = rule;
  if (!perlTrue(type)) addError('type', 'missing property');
  if (!perlTrue(action)) addError('action', 'missing property');

  if (perlTrue(type)) {
    if (!DIRECTIONS[env].includes(type!))
      addError('type', `invalid rule type '${type}' for rule_env '${env}'`);
    if (type === 'in' || type === 'out' || type === 'forward') {
      if (type === 'forward' && action === 'REJECT')
        addError('action', 'cannot define REJECT rules on forward chain');
      if (perlTrue(action) && !/^(ACCEPT|DROP|REJECT)$/.test(action!))
        addError('action', `unknown action '${action}'`);
    } else if (type === 'group') {
      if (!allowGroups) addError('type', 'security groups not allowed');
      if (perlTrue(action) && !new RegExp(`^${GROUP_NAME_PATTERN}$`).test(action!))
        addError('action', 'invalid characters in security group name');
    } else addError('type', `unknown rule type '${type}'`);
  }

  if (perlTrue(rule.iface)) {
    if (!allowIface) addError('type', 'parameter -i not allowed for this rule type');
    attempt('iface', () => verifyIface(rule.iface!));
    if ((env === 'vm' || env === 'ct') && !/^net([0-9]+)$/.test(rule.iface!))
      addError('iface', "value does not match the regex pattern 'net\\d+'");
  }

  if (perlTrue(rule.macro)) {
    const preferred = PREFERRED_MACRO.get(lc(rule.macro!));
    if (preferred) rule.macro = preferred;
    else addError('macro', `unknown macro '${rule.macro}'`);
  }

  let isIcmp = false;
  const proto = rule.proto ?? '';
  if (perlTrue(rule.proto)) {
    attempt('proto', () => verifyProtocol(proto));
    if (proto === 'icmp') setIpVersion(4);
    if (proto === 'icmpv6' || proto === 'ipv6-icmp') setIpVersion(6);
    isIcmp = proto === 'icmp' || proto === 'icmpv6' || proto === 'ipv6-icmp';
  }

  if (perlTrue(rule.dport)) {
    attempt('dport', () => parsePorts(rule.dport!, isIcmp));
    if (!perlTrue(rule.proto))
      addError('proto', "missing property - 'dport' requires this property");
    if (!PROTOCOLS_WITH_PORTS.has(proto) && !isIcmp)
      addError('dport', `protocol '${proto}' does not support ports`);
  }

  const icmpType = rule['icmp-type'];
  if (perlTrue(icmpType)) {
    if (!isIcmp) addError('proto', "missing property - 'icmp-type' requires this property");
    if (perlTrue(rule.dport))
      addError('icmp-type', "'icmp-type' cannot be specified together with 'dport'");
    if (proto === 'icmp' && !ICMP.has(icmpType!))
      addError('icmp-type', `invalid icmp-type '${icmpType}' for proto 'icmp'`);
    else if ((proto === 'icmpv6' || proto === 'ipv6-icmp') && !ICMPV6.has(icmpType!))
      addError('icmp-type', `invalid icmp-type '${icmpType}' for proto '${proto}'`);
  }

  if (perlTrue(rule.sport)) {
    attempt('sport', () => parsePorts(rule.sport!, false));
    if (!perlTrue(rule.proto))
      addError('proto', "missing property - 'sport' requires this property");
    if (!PROTOCOLS_WITH_PORTS.has(proto))
      addError('sport', `protocol '${proto}' does not support ports`);
  }

  for (const name of ['source', 'dest'] as const) {
    if (!perlTrue(rule[name])) continue;
    attempt(name, () => setIpVersion(parseAddressList(rule[name]!)));
    checkIpsetOrAlias(name);
  }

  if (ipversion) rule.ipversion = ipversion;

  if (perlTrue(rule.macro) && errorCount === 0) {
    try {
      applyMacro(rule.macro!, rule, ipversion);
    } catch (error) {
      if (error instanceof ParamException)
        for (const [param, message] of Object.entries(error.errors)) addError(param, message);
      else addError('macro', evalError(error));
    }
  }

  if (errorCount > 0) rule.errors = errors;
  return rule;
}
