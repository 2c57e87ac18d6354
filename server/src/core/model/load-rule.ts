import type { RuleLine } from '../syntax';
import type { LoadState } from './load-state';
import { verifyRule, type RuleEnv } from './verify-rule';

/** A rule line as verify_rule judges it; kept (in its group or the file) unless dropped. */
export function loadRule(state: LoadState, line: RuleLine): void {
  const { rule } = line;
  if (rule.error) {
    state.verdict(line, 'dropped', rule.error.code, rule.error.message, rule.error.span);
    return;
  }
  const env: RuleEnv = line.group !== undefined ? 'group' : state.env();
  const names = state.namesFor(env);
  const verified = state.judgements
    ? state.judgements.verify(line, env, names)
    : verifyRule(rule, env, names);
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
