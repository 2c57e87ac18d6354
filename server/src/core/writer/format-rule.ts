import { ProxmoxDies } from '../model';
import type { ProxmoxRule } from '../model';
import { writtenComment } from '../model';
import { perlTrue } from '../syntax';

const WRITABLE_TYPES = new Set(['in', 'out', 'forward', 'group']);

// The writer's fixed order (FW:3718-3725); only these follow the action of a non-group rule.
const ORDERED_OPTIONS = ['source', 'dest', 'proto', 'dport', 'sport', 'log'] as const;
const FLAG: Record<(typeof ORDERED_OPTIONS)[number], string> = {
  source: '-source',
  dest: '-dest',
  proto: '-p',
  dport: '-dport',
  sport: '-sport',
  log: '-log',
};

/**
 * One rule as $format_rules writes it (FW:3698-3736). Perl truth decides what is written, so
 * `-dport 0` or a macro named "0" silently disappear. `allowIface` is false inside [group].
 * Throws ProxmoxDies for a rule type the writer does not know: the API write fails.
 */
export function formatRule(rule: ProxmoxRule, allowIface: boolean): string {
  if (!WRITABLE_TYPES.has(rule.type)) throw new ProxmoxDies(`unknown rule type '${rule.type}'`);
  // "|" for a defined, false enable only: a rule without enable (PUT delete=enable) is enabled.
  const enable = rule.enable as ProxmoxRule['enable'] | undefined;
  let raw = enable !== undefined && !perlTrue(String(enable)) ? '|' : '';
  raw += rule.type.toUpperCase();
  raw += perlTrue(rule.macro) ? ` ${rule.macro}(${rule.action})` : ` ${rule.action}`;
  if (allowIface && perlTrue(rule.iface)) raw += ` -i ${rule.iface}`;
  if (rule.type !== 'group') {
    for (const key of ORDERED_OPTIONS) {
      const value = rule[key];
      if (perlTrue(value)) raw += ` ${FLAG[key]} ${value}`;
    }
    const icmpType = rule['icmp-type'];
    if (icmpType !== undefined && icmpType !== '') raw += ` -icmp-type ${icmpType}`;
  }
  const comment = writtenComment(rule.comment);
  if (comment !== undefined) raw += ` # ${comment}`;
  return `${raw}\n`;
}
