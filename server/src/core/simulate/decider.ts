// Which rule decided a simulated packet, for whoever must name it to a person (explain, the
// lock-out check of plan and push).
import type { RuleOrigin } from '../compile';
import type { SimulationResult } from './simulation-types';

export interface Decider {
  readonly origin?: RuleOrigin;
  readonly builtin?: string;
}

/**
 * The hook's deciding rule, else (an ACCEPT that Proxmox compiles to a RETURN into a chain that
 * accepts by default: host rules) the last rule the packet matched in the hook that decided.
 */
export function decidingRule(result: SimulationResult): Decider | undefined {
  const check = [...result.checks].reverse().find((c) => c.verdict === result.verdict);
  const matched = (check?.events ?? []).flatMap((e) => (e.kind === 'rule' ? [e.rule] : []));
  const rule =
    check?.decidedBy?.rule ?? [...matched].reverse().find((r) => r.origin) ?? matched.at(-1);
  if (!rule) return undefined;
  return {
    ...(rule.origin ? { origin: rule.origin } : {}),
    ...(rule.builtin ? { builtin: rule.builtin } : {}),
  };
}

/** `firewall/cluster.fw line 7`, or `Proxmox's built-in rule (policy DROP)`. */
export function deciderText(decider: Decider | undefined): string {
  if (decider?.origin) return `${decider.origin.path} line ${decider.origin.lineNumber}`;
  if (decider?.builtin) return `Proxmox's built-in rule (${decider.builtin})`;
  return "the chain's default";
}
