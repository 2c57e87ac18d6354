import { ChainSet } from './chain-set';
import { addConnFilters, addInputFilters } from './chain-helpers';
import type { CompileContext } from './context';
import { guestDirection } from './guest-chains';
import { hostChains } from './host-chains';
import { logRatelimit, optionLogLevel, optionOff, optionTrue } from './options';
import { CompileDie } from './rule-spec';
import { generateStdChains } from './std-chains';
import type { CompiledRule, Family } from './ruleset-types';
import type { Steps } from '../steps';

/** compile_iptables_filter: one family's filter table, pausing in long lists of rules. */
export function* compileFilterTable(
  ctx: CompileContext,
  family: Family,
): Steps<Map<string, CompiledRule[]>> {
  const set = new ChainSet(family, logRatelimit(ctx.cluster.config));
  const host = ctx.host;
  for (const chain of ['PVEFW-INPUT', 'PVEFW-OUTPUT', 'PVEFW-FORWARD']) set.create(chain);

  // Proxmox has no better level for the bridge filters than the host's output level.
  const logLevel = optionLogLevel(host, 'log_level_out');
  addConnFilters(set, 'PVEFW-FORWARD', optionTrue(host, 'nf_conntrack_allow_invalid'), 'ACCEPT');
  set.create('PVEFW-FWBR-IN');
  addInputFilters(set, 'PVEFW-FWBR-IN', host, ctx.cluster.config, logLevel);
  set.add(
    'PVEFW-FORWARD',
    '-m physdev --physdev-is-bridged --physdev-in fwln+',
    '-j PVEFW-FWBR-IN',
    { builtin: 'towards firewalled guests' },
  );
  set.create('PVEFW-FWBR-OUT');
  set.add(
    'PVEFW-FORWARD',
    '-m physdev --physdev-is-bridged --physdev-out fwln+',
    '-j PVEFW-FWBR-OUT',
    { builtin: 'from firewalled guests' },
  );
  generateStdChains(set, host);

  if (!optionOff(host, 'enable')) {
    try {
      yield* hostChains(ctx, set);
    } catch (error) {
      if (!(error instanceof CompileDie)) throw error;
      ctx.skip(error, family, 'PVEFW-HOST-IN');
    }
  }

  for (const guest of ctx.guests) {
    const config = guest.source?.config;
    if (!config || !optionTrue(config, 'enable')) continue;
    // One eval per guest in Proxmox: a die here abandons the guest's remaining chains.
    let chain = '';
    try {
      for (const nic of guest.nics) {
        if (!nic.firewall) continue;
        for (const direction of ['IN', 'OUT'] as const) {
          chain = `${guest.kind === 'vm' ? 'tap' : 'veth'}${guest.vmid}i${nic.index}-${direction}`;
          yield* guestDirection(ctx, set, guest, nic, direction);
        }
      }
    } catch (error) {
      if (!(error instanceof CompileDie)) throw error;
      ctx.skipped.push({
        message: error.message,
        family,
        chain,
        guestAborted: guest.vmid,
        ...(error.origin ? { origin: error.origin } : {}),
      });
    }
  }

  if (set.has('PVEFW-IPS')) {
    set.insert('PVEFW-FORWARD', '-m conntrack --ctstate RELATED,ESTABLISHED', '-j PVEFW-IPS', {
      builtin: 'IPS for established connections',
    });
  }
  return set.chains;
}
