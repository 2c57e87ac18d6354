import type { FwConfig } from '../model';
import { perlTrue } from '../syntax';
import type { ChainSet } from './chain-set';
import { addChainPolicy, addNdp } from './chain-helpers';
import {
  compilesFor,
  RULES_PER_PAUSE,
  sourceRef,
  userRuleSpec,
  type CompileContext,
  type LocalGuest,
} from './context';
import { addGroupRule } from './groups';
import { ipsetKernelName } from './ipset-name';
import { optionLogLevel, optionOff, optionTrue, optionValue } from './options';
import { CompileDie } from './rule-spec';
import type { Steps } from '../steps';

type Direction = 'IN' | 'OUT';

/** generate_nfqueue: what "accept" means for a guest with the IPS option. */
export function acceptTarget(config: FwConfig): string {
  if (!optionTrue(config, 'ips')) return 'ACCEPT';
  let action = 'NFQUEUE';
  const queues = /^([0-9]+)(:([0-9]+))?$/.exec(optionValue(config, 'ips_queues') ?? '');
  if (queues?.[3] !== undefined) action += ` --queue-balance ${queues[1]!}:${queues[3]}`;
  else if (queues) action += ` --queue-num ${queues[1]!}`;
  // Kernels since 3.10 can bypass the queue when nothing listens; Proxmox assumes one.
  return `${action} --queue-bypass`;
}

/** ruleset_create_vm_chain: the part every guest chain starts with. */
function createGuestChain(
  set: ChainSet,
  chain: string,
  config: FwConfig,
  mac: string | undefined,
  ipfilterSet: string | undefined,
  direction: Direction,
  vmid: number,
): void {
  set.create(chain);
  const accept = acceptTarget(config);
  set.add(chain, '', `-j CONNMARK --set-mark ${vmid}`, { builtin: 'mark the connection' });
  if (!optionOff(config, 'dhcp')) {
    const [client, server] = set.family === 4 ? ['68', '67'] : ['546', '547'];
    const out = direction === 'OUT';
    set.generate(
      chain,
      {
        action: out ? 'PVEFW-SET-ACCEPT-MARK' : 'ACCEPT',
        proto: 'udp',
        sport: out ? client : server,
        dport: out ? server : client,
      },
      {},
      { builtin: 'DHCP' },
    );
  }
  if (direction === 'OUT') {
    if (mac !== undefined && !optionOff(config, 'macfilter')) {
      set.add(chain, `-m mac ! --mac-source ${mac}`, '-j DROP', { builtin: 'MAC filter' });
    }
    if (set.family === 6 && !optionTrue(config, 'radv')) {
      set.add(chain, '-p icmpv6 --icmpv6-type router-advertisement', '-j DROP', {
        builtin: 'no router advertisements',
      });
    }
    if (ipfilterSet !== undefined) {
      set.add(chain, `-m set ! --match-set ${ipfilterSet} src`, '-j DROP', {
        builtin: 'IP filter',
      });
    }
    set.add(chain, '', '-j MARK --set-mark 0x00000000/0x80000000', {
      builtin: 'clear the accept mark',
    });
  }
  addNdp(
    set,
    chain,
    config,
    direction,
    direction === 'OUT' ? '-g PVEFW-SET-ACCEPT-MARK' : `-j ${accept}`,
  );
}

/**
 * ruleset_generate_vm_rules: the guest's own rules for one NIC and direction, pausing every few
 * hundred rules (see steps.ts): a 10,000-rule guest would hold an editor's thread for one step.
 */
function* guestRules(
  ctx: CompileContext,
  set: ChainSet,
  guest: LocalGuest,
  chain: string,
  netid: string,
  direction: Direction,
): Steps<void> {
  const { config, path } = guest.source!;
  const inAccept = acceptTarget(config);
  const scope = { ...ctx.clusterScope, local: config, localVmid: guest.vmid };
  let read = 0;
  for (const def of config.rules) {
    if (++read % RULES_PER_PAUSE === 0) yield;
    const iface = def.line.rule.options.iface?.value.text;
    if (perlTrue(iface) && iface !== netid) continue;
    if (!compilesFor(def, set.family)) continue;
    const origin = sourceRef(path, def);
    const type = def.line.rule.type;
    if (type === 'group') {
      // Not inside Proxmox's per-rule eval: a failing group rule aborts the whole guest.
      const action = direction === 'OUT' ? 'RETURN' : inAccept;
      addGroupRule(ctx, set, chain, def, origin, direction, action);
      continue;
    }
    if (type !== direction.toLowerCase()) continue;
    try {
      const logmsg = `${ctx.action(def)}: `;
      const map =
        direction === 'OUT'
          ? { ACCEPT: 'PVEFW-SET-ACCEPT-MARK', REJECT: 'PVEFW-reject' }
          : { ACCEPT: inAccept, REJECT: 'PVEFW-reject' };
      const action = ctx.substitute(def, map);
      set.generate(chain, userRuleSpec(def, action, logmsg), scope, { origin }, guest.vmid);
    } catch (error) {
      if (!(error instanceof CompileDie)) throw error;
      ctx.skip(error, set.family, chain, origin);
    }
  }
}

/** generate_tap_rules_direction for a guest with `enable: 1`. */
export function* guestDirection(
  ctx: CompileContext,
  set: ChainSet,
  guest: LocalGuest,
  nic: LocalGuest['nics'][number],
  direction: Direction,
): Steps<void> {
  const config = guest.source!.config;
  const iface = `${guest.kind === 'vm' ? 'tap' : 'veth'}${guest.vmid}i${nic.index}`;
  const chain = `${iface}-${direction}`;
  const ipfilterName = `ipfilter-${nic.name}`;
  const ipfilterSet =
    optionTrue(config, 'ipfilter') || config.ipsets.has(ipfilterName)
      ? ipsetKernelName(guest.vmid, ipfilterName, set.family)
      : undefined;
  createGuestChain(set, chain, config, nic.mac, ipfilterSet, direction, guest.vmid);
  yield* guestRules(ctx, set, guest, chain, nic.name, direction);
  if (optionTrue(config, 'ips') && direction === 'IN') {
    if (!set.has('PVEFW-IPS')) set.create('PVEFW-IPS');
    set.add(
      'PVEFW-IPS',
      `-m physdev --physdev-out ${iface} --physdev-is-bridged`,
      `-j ${acceptTarget(config)}`,
      {
        builtin: 'IPS queue',
      },
    );
  }
  const policy =
    direction === 'OUT'
      ? perlOr(optionValue(config, 'policy_out'), 'ACCEPT')
      : perlOr(optionValue(config, 'policy_in'), 'DROP');
  const logLevel = optionLogLevel(config, `log_level_${direction.toLowerCase()}`);
  const accept = direction === 'OUT' ? 'PVEFW-SET-ACCEPT-MARK' : acceptTarget(config);
  addChainPolicy(set, chain, guest.vmid, policy, logLevel, accept);
  const bridgeChain = direction === 'IN' ? 'PVEFW-FWBR-IN' : 'PVEFW-FWBR-OUT';
  const physdev = direction === 'IN' ? '--physdev-out' : '--physdev-in';
  set.add(bridgeChain, `-m physdev --physdev-is-bridged ${physdev} ${iface}`, `-j ${chain}`, {
    builtin: `to the chain of ${guest.kind} ${guest.vmid} ${nic.name}`,
  });
}

/** Perl's `$a || $b` on strings. */
export function perlOr(value: string | undefined, fallback: string): string {
  return perlTrue(value) ? value : fallback;
}
