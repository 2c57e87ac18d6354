import { ALIAS_REF, IPSET_NAME_REF } from '../model';
import { ICMP_NAMES, ICMPV6_NAMES, PROTOCOLS_WITH_PORTS, portListError } from '../model';
import { asciiLower, perlSplitComma, perlTrue } from '../syntax';
import { ipsetKernelName } from './ipset-name';
import { CompileDie, LOG_LEVEL_NUMBER, type RefScope, type RuleSpec } from './rule-spec';
import type { Family } from './ruleset-types';

/** One command of ipt_rule_to_cmds; the NFLOG one precedes the rule it logs. */
export interface IptCommand {
  readonly text: string;
  readonly log: boolean;
}

/**
 * `-A CHAIN part part…` as one flat string. Joined rather than concatenated: V8 keeps a
 * concatenation as a tree of its pieces and copies it into one string on first search, so each
 * of 100,000 compiled rules held both (about 30 MB of peak memory at 50,000 rules).
 */
export function ruleText(chain: string, ...parts: string[]): string {
  return ['-A', chain, ...parts].join(' ');
}

/** get_log_rule_base: the NFLOG target whose prefix tells pvefw-logger vmid, level and chain. */
export function logTarget(
  chain: string,
  vmid: number,
  msg: string,
  level: number,
  ratelimit: string | undefined,
): string {
  const limit = ratelimit !== undefined ? `-m limit ${ratelimit} ` : '';
  return `${limit}-j NFLOG --nflog-prefix ":${vmid}:${level}:${chain}: ${msg}"`;
}

/** ipt_gen_src_or_dst_match: resolves ipsets and aliases in the rule's scope, or dies. */
export function addressMatch(
  address: string,
  dir: 's' | 'd',
  family: Family,
  scope: RefScope,
): string {
  const srcdst = dir === 's' ? 'src' : 'dst';
  if (address.startsWith('+')) {
    const ref = IPSET_NAME_REF.exec(address);
    if (!ref) throw new CompileDie(`invalid security group name '${address}'`);
    const prefix = ref[1] ?? '';
    const name = ref[2]!;
    const inScope = (s: string): boolean => prefix === '' || prefix === `${s}/`;
    let kernel: string;
    if (inScope('guest') && scope.local?.ipsets.has(name)) {
      kernel = ipsetKernelName(scope.localVmid ?? 0, name, family);
    } else if (inScope('dc') && scope.cluster?.ipsets.has(name)) {
      kernel = ipsetKernelName(0, name, family);
    } else if (inScope('sdn') && scope.sdnSets?.has(name)) {
      kernel = ipsetKernelName(0, name, family);
    } else {
      throw new CompileDie(`no such ipset '${name}'`);
    }
    return `-m set --match-set ${kernel} ${srcdst}`;
  }
  const alias = ALIAS_REF.exec(address);
  if (alias) {
    const prefix = alias[1] ?? '';
    const key = asciiLower(alias[2]!);
    const found =
      (prefix !== 'dc/' ? scope.local?.aliases.get(key) : undefined) ??
      (prefix !== 'guest/' ? scope.cluster?.aliases.get(key) : undefined);
    if (!found) throw new CompileDie(`no such alias '${address}'`);
    return `-${dir} ${found.cidr}`;
  }
  if (address.includes('-')) return `-m iprange --${srcdst}-range ${address}`;
  return `-${dir} ${address}`;
}

// parse_port_name_number_or_range: dies on a bad list, else tells whether it has several items.
function isPortList(text: string, icmp: boolean): boolean {
  const problem = portListError(text, icmp);
  if (problem !== undefined) throw new CompileDie(problem);
  return perlSplitComma(text).length > 1;
}

function checkIcmpType(type: string, names: ReadonlySet<string>): void {
  if (/^[0-9]+$/.test(type)) {
    if (Number(type) > 255) throw new CompileDie(`invalid icmp-type '${type}'`);
  } else if (!names.has(type)) {
    throw new CompileDie(`unknown icmp-type '${type}'`);
  }
}

function protoMatches(rule: RuleSpec, proto: string, match: string[]): void {
  const icmp = proto === 'icmp' || proto === 'icmpv6' || proto === 'ipv6-icmp';
  const multiDport = rule.dport !== undefined && isPortList(rule.dport, icmp);
  const multiSport = rule.sport !== undefined && isPortList(rule.sport, false);

  const addDport = (): void => {
    const dport = rule.dport;
    if (dport === undefined) return;
    // Proxmox keeps legacy ICMP types in dport.
    if (proto === 'icmp') {
      checkIcmpType(dport, ICMP_NAMES);
      match.push(`-m icmp --icmp-type ${dport}`);
    } else if (proto === 'icmpv6') {
      checkIcmpType(dport, ICMPV6_NAMES);
      match.push(`-m icmpv6 --icmpv6-type ${dport}`);
    } else if (!PROTOCOLS_WITH_PORTS.has(proto)) {
      throw new CompileDie(`protocol ${proto} does not have ports`);
    } else if (multiDport) {
      match.push('--match multiport', `--dports ${dport}`);
    } else if (perlTrue(dport)) {
      match.push(`--dport ${dport}`);
    }
  };
  const addSport = (): void => {
    const sport = rule.sport;
    if (!perlTrue(sport)) return;
    if (!PROTOCOLS_WITH_PORTS.has(proto)) {
      throw new CompileDie(`protocol ${proto} does not have ports`);
    }
    if (multiSport) match.push('--match multiport', `--sports ${sport}`);
    else match.push(`--sport ${sport}`);
  };

  const icmpType = rule.icmpType;
  if (icmpType !== undefined && icmpType !== '') {
    if (!icmp) {
      throw new CompileDie(
        "'icmp-type' can only be set if 'icmp', 'icmpv6' or 'ipv6-icmp' is specified",
      );
    }
    match.push(`-m ${proto} --${proto === 'icmp' ? 'icmp-type' : 'icmpv6-type'} ${icmpType}`);
  }
  // iptables allows one multiport match: a single port goes first, as Proxmox orders them.
  if (multiSport) addDport();
  addSport();
  if (!multiSport) addDport();
}

/** ipt_rule_to_cmds: the iptables commands of one (macro-free) rule, or a CompileDie. */
export function iptRuleToCmds(
  rule: RuleSpec,
  chain: string,
  family: Family,
  scope: RefScope,
  vmid: number,
  ratelimit: string | undefined,
): IptCommand[] {
  const match: string[] = [];
  if (rule.match !== undefined) {
    match.push(rule.match);
  } else {
    if (perlTrue(rule.ifaceIn)) match.push(`-i ${rule.ifaceIn}`);
    if (perlTrue(rule.ifaceOut)) match.push(`-o ${rule.ifaceOut}`);
    if (perlTrue(rule.source)) match.push(addressMatch(rule.source, 's', family, scope));
    if (perlTrue(rule.dest)) match.push(addressMatch(rule.dest, 'd', family, scope));
    if (perlTrue(rule.proto)) {
      match.push(`-p ${rule.proto}`);
      protoMatches(rule, rule.proto, match);
    } else if (perlTrue(rule.dport)) {
      throw new CompileDie(`destination port '${rule.dport}', but no protocol specified`);
    } else if (perlTrue(rule.sport)) {
      throw new CompileDie(`source port '${rule.sport}', but no protocol specified`);
    }
    if (perlTrue(rule.dsttype)) match.push(`-m addrtype --dst-type ${rule.dsttype}`);
  }
  const matchText = match.join(' ');
  let target = rule.target;
  if (target === undefined) {
    const action = rule.action ?? '';
    target = action === 'PVEFW-SET-ACCEPT-MARK' ? `-g ${action}` : `-j ${action}`;
  }
  const cmds: IptCommand[] = [];
  if (rule.log !== undefined && rule.log !== 'nolog') {
    const level = LOG_LEVEL_NUMBER[rule.log] ?? 0;
    const log = logTarget(chain, vmid, rule.logmsg ?? '', level, ratelimit);
    cmds.push({ text: ruleText(chain, matchText, log), log: true });
  }
  cmds.push({ text: ruleText(chain, matchText, target), log: false });
  return cmds;
}
