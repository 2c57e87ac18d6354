// What Proxmox holds after it has written an element and read the file back: the writer drops
// Perl-false values and blank comments, the parser re-derives ipversion and canonical macro
// names. Predicting digests needs exactly that form, element by element.
import { isSdnSetName } from '../model';
import type { ProxmoxAlias, ProxmoxConf, ProxmoxIpSetEntry, ProxmoxRule } from '../model';
import { proxmoxRule } from '../model';
import { writtenComment } from '../model';
import { verifyRule, type ParseTimeNames, type RuleEnv } from '../model';
import { parseIpOrCidr } from '../syntax';
import { parseRuleSyntax } from '../syntax';
import { asciiLower, perlTrue, trimPerlSpace } from '../syntax';
import type { RuleLine } from '../syntax';
import { formatRule } from '../writer';

/** Names a rule may reference, as verify_rule sees them in a file Proxmox wrote (all defined). */
export function namesFromConfs(
  cluster: ProxmoxConf | undefined,
  local: ProxmoxConf | undefined,
  sdnIpSets: ReadonlySet<string> | undefined,
): ParseTimeNames {
  return {
    hasIpSet(name) {
      if (cluster?.ipset?.[name] || local?.ipset?.[name]) return true;
      if (sdnIpSets?.has(name)) return true;
      return sdnIpSets === undefined && isSdnSetName(name) ? 'unknown' : false;
    },
    hasAlias(lower) {
      return Boolean(cluster?.aliases?.[lower] ?? local?.aliases?.[lower]);
    },
    aliasFamily(lower, scope) {
      const own = scope !== 'dc/' ? local?.aliases?.[lower] : undefined;
      const picked = own ?? (scope !== 'guest/' ? cluster?.aliases?.[lower] : undefined);
      return picked?.ipversion;
    },
  };
}

/** The rule as Proxmox reads back the line its writer made; undefined when that line is dropped. */
export function canonicalRule(
  rule: ProxmoxRule,
  env: RuleEnv,
  names: ParseTimeNames,
): ProxmoxRule | undefined {
  const text = formatRule(rule, env !== 'group').replace(/\n$/, '');
  const syntax = parseRuleSyntax(text, 0);
  if (syntax.error) return undefined;
  const verified = verifyRule(syntax, env, names);
  if (verified.dropped) return undefined;
  const line = {
    kind: 'rule',
    line: { number: 1, content: text, start: 0, full: { start: 0, end: text.length } },
    rule: syntax,
  } as RuleLine;
  return proxmoxRule({ line, verified });
}

/**
 * The same rule line read again with other names around it (cluster aliases changed): only
 * what verify_rule derives (ipversion, errors) can change; undefined when the line is dropped.
 */
export function reverifiedRule(
  rule: ProxmoxRule,
  env: RuleEnv,
  names: ParseTimeNames,
): ProxmoxRule | undefined {
  const again = canonicalRule(rule, env, names);
  if (!again) return undefined;
  const next: ProxmoxRule = { ...rule };
  delete next.ipversion;
  delete next.errors;
  if (again.ipversion) next.ipversion = again.ipversion;
  if (again.errors) next.errors = again.errors;
  return next;
}

/** A comment as the parser reads back ` # comment` (trimmed), or undefined when none is written. */
export function canonicalComment(comment: string | undefined): string | undefined {
  const written = writtenComment(comment);
  if (written === undefined) return undefined;
  const trimmed = trimPerlSpace(written);
  return perlTrue(trimmed) ? trimmed : undefined;
}

/** An ipset entry as stored after the file is written and read back. */
export function canonicalEntry(entry: ProxmoxIpSetEntry): ProxmoxIpSetEntry {
  const out: ProxmoxIpSetEntry = { cidr: entry.cidr };
  if (entry.nomatch) out.nomatch = 1;
  const comment = canonicalComment(entry.comment);
  if (comment !== undefined) out.comment = comment;
  return out;
}

/** An alias as stored after the file is written and read back (/32 and /128 stripped). */
export function canonicalAlias(alias: ProxmoxAlias): ProxmoxAlias {
  const parsed = alias.cidr !== undefined ? parseIpOrCidr(alias.cidr) : undefined;
  const out: ProxmoxAlias = {};
  if (alias.name !== undefined) out.name = alias.name;
  const cidr = parsed?.cidr ?? alias.cidr;
  if (cidr !== undefined) out.cidr = cidr;
  if (parsed) out.ipversion = parsed.ipversion;
  const comment = canonicalComment(alias.comment);
  if (comment !== undefined) out.comment = comment;
  return out;
}

export function aliasKey(name: string): string {
  return asciiLower(name);
}
