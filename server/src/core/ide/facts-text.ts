// Plain words and Markdown for Proxmox's facts (macros, options), shared by hover and completion.
import type { MacroFact, MacroRuleTemplate, OptionFact } from '../facts';

function templateText(t: MacroRuleTemplate): string {
  const parts: string[] = [];
  if (t.action !== undefined && t.action !== 'PARAM') parts.push(t.action);
  parts.push(t.proto ?? 'any protocol');
  if (t.dport !== undefined) parts.push(`dport ${t.dport}`);
  if (t.sport !== undefined) parts.push(`sport ${t.sport}`);
  return parts.join(' ');
}

/** One line: what the macro expands to, e.g. "tcp dport 22". */
export function macroSummary(macro: MacroFact): string {
  const v4 = macro.rules.map(templateText).join('; ');
  if (macro.ipVersion === 6) return `IPv6 only: ${v4}`;
  if (!macro.ipv6Rules) return v4;
  return `IPv4: ${v4} · IPv6: ${macro.ipv6Rules.map(templateText).join('; ')}`;
}

function table(templates: readonly MacroRuleTemplate[]): string {
  const cell = (value: string | undefined): string => (value === undefined ? '' : `\`${value}\``);
  const rows = templates.map(
    (t) =>
      `| ${t.action === undefined || t.action === 'PARAM' ? "the rule's" : cell(t.action)} | ${cell(t.proto)} | ${cell(t.dport)} | ${cell(t.sport)} |`,
  );
  return ['| action | proto | dport | sport |', '|---|---|---|---|', ...rows].join('\n');
}

/** Markdown: the macro's description and its expansion for each address family. */
export function macroDocumentation(macro: MacroFact): string {
  const parts = [`**${macro.name}** — ${macro.description}`];
  if (macro.ipVersion === 6) {
    parts.push(
      'IPv6 only: in the IPv4 ruleset Proxmox produces nothing for it.',
      table(macro.rules),
    );
  } else if (macro.ipv6Rules) {
    parts.push('IPv4:', table(macro.rules), 'IPv6:', table(macro.ipv6Rules));
  } else {
    parts.push('IPv4 and IPv6:', table(macro.rules));
  }
  parts.push(
    "The rule's own -source, -dest, -i and -log are copied into every expanded rule; a -p, -dport or -sport that the macro fixes differently is an error.",
  );
  return parts.join('\n\n');
}

function shownDefault(value: string | number | null): string {
  if (value === null) return 'not set';
  return value === '' ? 'empty' : `\`${value}\``;
}

/** Markdown: what an option means, its default and the values Proxmox accepts. */
export function optionDocumentation(option: OptionFact): string {
  const parts = [`**${option.key}** (${option.kinds.join(', ')}) — ${option.description}`];
  if (option.semantics) parts.push(option.semantics);
  const defaults = [`Default: ${shownDefault(option.effectiveDefault)}`];
  if (option.apiDefault !== null && option.apiDefault !== option.effectiveDefault)
    defaults.push(`(the API documents ${shownDefault(option.apiDefault)})`);
  parts.push(defaults.join(' '));
  parts.push(
    option.values
      ? `Values: ${option.values.map((v) => `\`${v}\``).join(', ')} — ${option.syntax}`
      : `Values: ${option.syntax}`,
  );
  if (option.usedBy) parts.push(`Used by: ${option.usedBy}`);
  return parts.join('\n\n');
}
