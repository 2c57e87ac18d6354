// verify_rule as the API runs it: in raising mode, so the first error aborts the call with HTTP
// 400 for that parameter (FW:1750-1757); a die (alias family clash) is a plain 500.
import type { ProxmoxRule } from '../../../server/src/core/model/proxmox-conf';
import {
  verifyRule,
  type ParseTimeNames,
  type RuleEnv,
} from '../../../server/src/core/model/verify-rule';
import {
  RULE_FIELDS,
  type RuleField,
  type RuleSyntax,
  type Token,
} from '../../../server/src/core/syntax/tree';
import { dieError, paramError } from '../errors';

const NOWHERE = { start: 0, end: 0 };

function token(text: string): Token {
  return { text, span: NOWHERE };
}

/** The rule hash the handler built, as the syntax our verify_rule port reads. */
function syntaxOf(rule: ProxmoxRule): RuleSyntax {
  const options: Partial<Record<RuleField, { flag: Token; value: Token }>> = {};
  for (const field of RULE_FIELDS) {
    const value = rule[field];
    if (value !== undefined)
      options[field] = { flag: token(`-${field}`), value: token(String(value)) };
  }
  return {
    enabled: true,
    typeToken: token(rule.type ?? ''),
    type: rule.type ?? '',
    actionToken: token(rule.action ?? ''),
    action: rule.action ?? '',
    options,
    repeated: [],
    ...(rule.macro !== undefined && rule.macro !== '' && rule.macro !== '0'
      ? { macroToken: token(rule.macro) }
      : {}),
  };
}

/** Raises like the API; on success sets ipversion and the canonical macro name as Proxmox does. */
export function verifyApiRule(rule: ProxmoxRule, env: RuleEnv, names: ParseTimeNames): void {
  const verified = verifyRule(syntaxOf(rule), env, names);
  if (verified.dropped) throw dieError(verified.dropped.message);
  const first = verified.errors[0];
  if (first) throw paramError({ [first.field]: first.message });
  if (verified.ipversion) rule.ipversion = verified.ipversion;
  if (verified.macro) rule.macro = verified.macro;
}
