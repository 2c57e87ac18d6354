import { MACROS } from '../facts';
import { asciiLower } from '../syntax';
import type { MacroFact, MacroRuleTemplate } from '../facts';

const BY_LOWER_NAME: ReadonlyMap<string, MacroFact> = new Map(
  MACROS.map((m) => [asciiLower(m.name), m]),
);

/** The macro a rule names, matched case-insensitively as Proxmox does. */
export function findMacro(name: string): MacroFact | undefined {
  return BY_LOWER_NAME.get(asciiLower(name));
}

/** The templates Proxmox expands for one family; none when the macro is for the other family. */
export function macroTemplates(
  macro: MacroFact,
  ipversion: 4 | 6 | undefined,
): readonly MacroRuleTemplate[] {
  if (ipversion && macro.ipVersion && macro.ipVersion !== ipversion) return [];
  if (ipversion === 6 && macro.ipv6Rules) return macro.ipv6Rules;
  return macro.rules;
}

type TemplateKey = keyof MacroRuleTemplate;
const TEMPLATE_KEYS: readonly TemplateKey[] = ['action', 'proto', 'dport', 'sport'];

/**
 * apply_macro's check: a value the user gives for a key the template fixes to something else.
 * Proxmox stops at the first conflict; its key order is Perl hash order, ours is fixed.
 */
export function macroConflict(
  macro: MacroFact,
  ipversion: 4 | 6 | undefined,
  given: Partial<Record<TemplateKey, string>>,
): { key: TemplateKey; templateValue: string } | undefined {
  for (const template of macroTemplates(macro, ipversion)) {
    for (const key of TEMPLATE_KEYS) {
      const templateValue = template[key];
      const value = given[key];
      if (templateValue === undefined || templateValue === 'PARAM' || value === undefined) continue;
      if (templateValue !== value) return { key, templateValue };
    }
  }
  return undefined;
}
