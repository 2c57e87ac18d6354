import type { RuleLine } from '../syntax';
import type { LoadState } from './load-state';
import type { RuleEnv } from './verify-rule';
import { verifyRuleLine } from './verify-rule-memo';

/** A rule line as verify_rule judges it; kept (in its group or the file) unless dropped. */
export function loadRule(state: LoadState, line: RuleLine): void {
  const { rule } = line;
  if (rule.error) {
    state.verdict(line, 'dropped', rule.error.code, rule.error.message, rule.error.span);
    return;
  }
  const env: RuleEnv = line.group !== undefined ? 'group' : state.env();
  const verified = verifyRuleLine(line, env, state.namesFor(env));
  if (verified.dropped) {
    const { message, span } = verified.dropped;
    state.verdict(line, 'dropped', 'mixed-address-family', message, span);
    return;
  }
  for (const error of verified.errors)
    state.verdict(line, 'kept-with-errors', error.code, error.message, error.span);
  for (const ref of verified.unverified) {
    const missing = state.cluster === undefined ? 'cluster' : 'sdn';
    state.unverified.push({
      lineNumber: line.line.number,
      name: ref.name,
      span: ref.span,
      missing,
    });
  }
  const def = { line, verified };
  if (line.group !== undefined) state.config.groups.get(line.group)?.rules.push(def);
  else state.config.rules.push(def);
}
