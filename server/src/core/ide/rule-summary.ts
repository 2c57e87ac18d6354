// One plain sentence for a rule: what it does to which packets, and what Proxmox does with it.
import { findMacro } from '../model';
import type { RuleDef } from '../model';
import type { RuleLine } from '../syntax';
import { macroSummary } from './facts-text';
import type { IdeFile } from './workspace-model';

const VERB: Record<string, string> = { ACCEPT: 'Accept', DROP: 'Drop', REJECT: 'Reject' };
const DIRECTION: Record<string, string> = {
  in: 'incoming',
  out: 'outgoing',
  forward: 'forwarded',
};
const NAMED_PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'sctp', 'udplite', 'dccp']);

function plural(value: string, word: string): string {
  return /[,:]/.test(value) ? `${word}s ${value}` : `${word} ${value}`;
}

function ruleDefOf(file: IdeFile, line: RuleLine): RuleDef | undefined {
  const config = file.load.config;
  const rules =
    line.group === undefined ? config.rules : (config.groups.get(line.group)?.rules ?? []);
  return rules.find((r) => r.line === line);
}

function what(line: RuleLine): string {
  const { rule } = line;
  const value = (field: keyof typeof rule.options): string | undefined =>
    rule.options[field]?.value.text;
  const macro = rule.macroToken ? findMacro(rule.macroToken.text) : undefined;
  const proto = value('proto');
  const parts: string[] = [];
  if (macro) parts.push(`${macro.name} traffic (${macroSummary(macro)})`);
  else if (rule.macroToken) parts.push(`traffic of the unknown macro ${rule.macroToken.text}`);
  else if (proto)
    parts.push(NAMED_PROTOCOLS.has(proto) ? proto.toUpperCase() : `protocol ${proto}`);
  else parts.push('traffic of any protocol');
  const icmpType = value('icmp-type');
  if (icmpType) parts.push(`of type ${icmpType}`);
  const dport = value('dport');
  if (dport) parts.push(`to ${plural(dport, 'port')}`);
  const sport = value('sport');
  if (sport) parts.push(`from ${plural(sport, 'port')}`);
  const source = value('source');
  if (source) parts.push(`from ${source}`);
  const dest = value('dest');
  if (dest) parts.push(`to ${dest}`);
  return parts.join(' ');
}

export function ruleSummary(file: IdeFile, line: RuleLine): string {
  const { rule } = line;
  const lineNumber = line.line.number;
  const verdicts = file.load.verdicts.filter((v) => v.lineNumber === lineNumber);
  const dropped = verdicts.find((v) => v.verdict === 'dropped');
  if (dropped || !rule.type)
    return `Proxmox cannot read this line and drops it: ${dropped?.message ?? 'not a rule'}.`;
  const iface = rule.options.iface?.value.text;
  const log = rule.options.log?.value.text;
  let sentence: string;
  if (rule.type === 'group') {
    sentence = `Run the rules of security group \`${rule.action ?? ''}\`${iface ? ` for ${iface}` : ''}`;
  } else {
    const verb = VERB[rule.action ?? ''] ?? `'${rule.action ?? ''}'`;
    const direction = DIRECTION[rule.type] ?? rule.type;
    sentence = `${verb} ${direction} ${what(line)}${iface ? ` on ${iface}` : ''}`;
    if (log && log !== 'nolog') sentence += `, logged at level ${log}`;
  }
  const family = ruleDefOf(file, line)?.verified.ipversion;
  const parts = [`${sentence}${family ? ` (IPv${family} only)` : ''}.`];
  if (line.group !== undefined) parts.push(`Part of security group \`${line.group}\`.`);
  if (!rule.enabled) parts.push('Disabled with `|`: Proxmox keeps it but never applies it.');
  const errors = verdicts.filter((v) => v.verdict === 'kept-with-errors');
  if (errors.length > 0)
    parts.push(
      `Proxmox keeps it but never applies it: ${errors.map((e) => e.message).join('; ')}.`,
    );
  if (rule.type === 'forward')
    parts.push('Only proxmox-firewall (the nftables backend) applies FORWARD rules.');
  return parts.join(' ');
}
