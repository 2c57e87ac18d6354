import { parseIptMatch } from '../compile';
import type { IptMatch } from '../compile';
import type { CompiledRule, Ruleset } from '../compile';
import { ruleMatches } from './rule-match';
import type { HookCheck, Packet, TraceEvent, Verdict } from './simulation-types';

const BUILTIN_CHAINS = new Set(['PVEFW-INPUT', 'PVEFW-OUTPUT', 'PVEFW-FORWARD']);
const MAX_DEPTH = 32;

/** A ruleset with each rule parsed once, shared by every packet simulated against it. */
export class ParsedRuleset {
  private readonly parsed = new Map<CompiledRule, IptMatch>();

  constructor(readonly ruleset: Ruleset) {}

  match(rule: CompiledRule): IptMatch {
    let m = this.parsed.get(rule);
    if (!m) {
      m = parseIptMatch(rule.text);
      this.parsed.set(rule, m);
    }
    return m;
  }
}

/** The packet's netfilter mark travels with it from hook to hook. */
export interface MarkHolder {
  value: number;
}

interface Walk {
  readonly rules: ParsedRuleset;
  readonly packet: Packet;
  readonly mark: MarkHolder;
  readonly events: TraceEvent[];
  decidedBy?: HookCheck['decidedBy'];
}

function walkChain(walk: Walk, chain: string, depth: number): Verdict | undefined {
  if (depth > MAX_DEPTH) throw new Error(`chain recursion too deep at '${chain}'`);
  const rules = walk.rules.ruleset.chains.get(chain);
  if (!rules) throw new Error(`no such chain '${chain}'`);
  walk.events.push({ kind: 'enter', chain });
  for (const [index, rule] of rules.entries()) {
    const match = walk.rules.match(rule);
    if (!ruleMatches(match, walk.packet, walk.rules.ruleset.ipsets, walk.mark.value)) continue;
    const target = match.target;
    const hit = (effect: string): void => {
      walk.events.push({ kind: 'rule', chain, index, rule, effect });
    };
    const decide = (verdict: Verdict, effect: string = verdict): Verdict => {
      hit(effect);
      walk.decidedBy = { chain, index, rule };
      return verdict;
    };
    switch (target.kind) {
      case 'accept':
        return decide('ACCEPT');
      case 'drop':
        return decide('DROP');
      case 'reject':
        return decide('REJECT');
      case 'queue':
        // With --queue-bypass and no IPS listening, the kernel lets the packet pass.
        return decide('ACCEPT', 'NFQUEUE (passes when no IPS listens)');
      case 'return':
        hit('RETURN');
        walk.events.push({ kind: 'leave', chain });
        return undefined;
      case 'set-mark':
        walk.mark.value = ((walk.mark.value & ~target.mask) | target.value) >>> 0;
        hit(`mark ${target.value >>> 0 === 0 ? 'cleared' : 'set'}`);
        break;
      case 'connmark':
      case 'log':
        break;
      case 'jump': {
        hit(`jump ${target.chain}`);
        const verdict = walkChain(walk, target.chain, depth + 1);
        if (verdict) return verdict;
        break;
      }
      case 'goto':
        hit(`goto ${target.chain}`);
        return walkChain(walk, target.chain, depth + 1);
    }
  }
  walk.events.push({ kind: 'leave', chain });
  return BUILTIN_CHAINS.has(chain) ? 'ACCEPT' : undefined;
}

/** ruleset_simulate_chain from a hook: the verdict and every rule that matched on the way. */
export function checkHook(
  rules: ParsedRuleset,
  at: string,
  chain: string,
  packet: Packet,
  mark: MarkHolder,
): HookCheck {
  const walk: Walk = { rules, packet, mark, events: [] };
  // A hook chain Proxmox did not create (firewall off) lets everything through.
  const verdict = rules.ruleset.chains.has(chain)
    ? (walkChain(walk, chain, 0) ?? 'ACCEPT')
    : 'ACCEPT';
  return {
    at,
    chain,
    packet,
    verdict,
    events: walk.events,
    ...(walk.decidedBy ? { decidedBy: walk.decidedBy } : {}),
  };
}
