import { runToEnd, type Steps } from '../steps';
import { CompileContext } from './context';
import { compileFilterTable } from './filter-table';
import { compileIpSets } from './ipsets';
import { optionTrue } from './options';
import type { CompileInput, CompileResult, Ruleset } from './ruleset-types';

function emptyRuleset(): Ruleset {
  return { chains: new Map(), ipsets: new Map() };
}

/**
 * pve-firewall's compile() for one node: the IPv4 and IPv6 filter tables and the ipsets, plus
 * every rule Proxmox skips with a warning. Nothing is generated unless cluster.fw loads and
 * says `enable: 1`. Pure and deterministic; never throws on any loaded configuration.
 */
export function compileRuleset(input: CompileInput): CompileResult {
  return runToEnd(compileRulesetSteps(input));
}

/**
 * compileRuleset for an analysis that works in time slices: it pauses every few hundred user
 * rules and after each family's filter table (a 20,000-rule file takes about 100 ms a family).
 */
export function* compileRulesetSteps(input: CompileInput): Steps<CompileResult> {
  const cluster = input.cluster;
  if (!cluster || cluster.config.unloadable || !optionTrue(cluster.config, 'enable')) {
    return { v4: emptyRuleset(), v6: emptyRuleset(), skipped: [], enabled: false };
  }
  const ctx = new CompileContext(input, cluster);
  // Order matters: rule actions rewritten while compiling IPv4 show in IPv6 log prefixes.
  const v4Chains = yield* compileFilterTable(ctx, 4);
  yield;
  const v6Chains = yield* compileFilterTable(ctx, 6);
  yield;
  const sets = compileIpSets(ctx);
  return {
    v4: { chains: v4Chains, ipsets: sets[4] },
    v6: { chains: v6Chains, ipsets: sets[6] },
    skipped: ctx.skipped,
    enabled: true,
  };
}
