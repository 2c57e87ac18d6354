import type { RuleDef } from '../model';
import { perlTrue } from '../syntax';
import type { ChainSet } from './chain-set';
import { addChainPolicy, addConnFilters, addInputFilters, addNdp } from './chain-helpers';
import {
  compilesFor,
  RULES_PER_PAUSE,
  sourceRef,
  userRuleSpec,
  type CompileContext,
} from './context';
import { corosyncAddresses, hasCorosync } from './corosync';
import { addGroupRule } from './groups';
import { perlOr } from './guest-chains';
import { ipsetKernelName } from './ipset-name';
import { optionLogLevel, optionValue } from './options';
import { CompileDie } from './rule-spec';
import type { Steps } from '../steps';

const COROSYNC = '-p udp --dport 5404:5405';
// Host chains accept with RETURN so that guest chains still see bridged traffic.
const ACCEPT = 'RETURN';

/** host.fw rules first, so that a node can override cluster-wide rules; pausing as guestRules. */
function* userRules(
  ctx: CompileContext,
  set: ChainSet,
  chain: string,
  direction: 'IN' | 'OUT',
): Steps<void> {
  const sources: [string, readonly RuleDef[]][] = [
    [ctx.input.host?.path ?? '', ctx.host?.rules ?? []],
    [ctx.cluster.path, ctx.cluster.config.rules],
  ];
  const scope = { ...ctx.clusterScope, ...(ctx.host ? { local: ctx.host } : {}) };
  let read = 0;
  for (const [path, rules] of sources) {
    for (const def of rules) {
      if (++read % RULES_PER_PAUSE === 0) yield;
      if (!compilesFor(def, set.family)) continue;
      const origin = sourceRef(path, def);
      const ifaceText = def.line.rule.options.iface?.value.text;
      // Proxmox maps interface altnames to kernel names here; the topology knows none.
      const iface = perlTrue(ifaceText) ? ifaceText : undefined;
      try {
        const logmsg = `${ctx.action(def)}: `;
        const type = def.line.rule.type;
        if (type === 'group') {
          addGroupRule(ctx, set, chain, def, origin, direction, ACCEPT, iface);
        } else if (type === direction.toLowerCase()) {
          const action = ctx.substitute(def, { ACCEPT, REJECT: 'PVEFW-reject' });
          const spec = {
            ...userRuleSpec(def, action, logmsg),
            ...(iface !== undefined
              ? { [direction === 'IN' ? 'ifaceIn' : 'ifaceOut']: iface }
              : {}),
          };
          set.generate(chain, spec, scope, { origin }, 0);
        }
      } catch (error) {
        if (!(error instanceof CompileDie)) throw error;
        ctx.skip(error, set.family, chain, origin);
      }
    }
  }
}

/** Corosync between this node and the others, only on the same ring (link). */
function corosyncRules(
  ctx: CompileContext,
  set: ChainSet,
  chain: string,
  direction: 'IN' | 'OUT',
): void {
  const topology = ctx.input.topology;
  if (!hasCorosync(topology)) return;
  const why = { builtin: 'corosync' };
  if (topology.corosyncTransport === 'udp') {
    set.add(chain, `-m addrtype --dst-type MULTICAST ${COROSYNC}`, `-j ${ACCEPT}`, why);
  }
  const addresses = corosyncAddresses(topology, set.family);
  const local = new Map<string, string>();
  for (const a of addresses) if (a.node === topology.localNode) local.set(a.key, a.ip);
  for (const a of addresses) {
    const mine = local.get(a.key);
    if (a.node === topology.localNode || mine === undefined) continue;
    const match = direction === 'IN' ? `-d ${mine} -s ${a.ip}` : `-s ${mine} -d ${a.ip}`;
    set.add(chain, `${match} ${COROSYNC}`, `-j ${ACCEPT}`, why);
  }
}

/** enable_host_firewall: PVEFW-HOST-IN and PVEFW-HOST-OUT. */
export function* hostChains(ctx: CompileContext, set: ChainSet): Steps<void> {
  const host = ctx.host;
  const clusterConfig = ctx.cluster.config;

  let chain = 'PVEFW-HOST-IN';
  set.create(chain);
  let logLevel = optionLogLevel(host, 'log_level_in');
  set.add(chain, '-i lo', '-j ACCEPT', { builtin: 'loopback' });
  addConnFilters(set, chain, false, 'ACCEPT');
  addNdp(set, chain, host, 'IN', `-j ${ACCEPT}`);
  addInputFilters(set, chain, host, clusterConfig, logLevel);
  set.add(chain, '-p igmp', `-j ${ACCEPT}`, { builtin: 'IGMP (multicast)' });
  yield* userRules(ctx, set, chain, 'IN');
  const management = `-m set --match-set ${ipsetKernelName(0, 'management', set.family)} src`;
  for (const [port, what] of [
    ['8006', 'API'],
    ['5900:5999', 'VNC console'],
    ['3128', 'SPICE proxy'],
    ['22', 'SSH'],
    ['60000:60050', 'migration'],
  ] as const) {
    set.add(chain, `${management} -p tcp --dport ${port}`, `-j ${ACCEPT}`, {
      builtin: `management: ${what}`,
    });
  }
  corosyncRules(ctx, set, chain, 'IN');
  let policy = perlOr(optionValue(clusterConfig, 'policy_in'), 'DROP');
  addChainPolicy(set, chain, 0, policy, logLevel, ACCEPT);

  chain = 'PVEFW-HOST-OUT';
  set.create(chain);
  logLevel = optionLogLevel(host, 'log_level_out');
  set.add(chain, '-o lo', '-j ACCEPT', { builtin: 'loopback' });
  addConnFilters(set, chain, false, 'ACCEPT');
  addNdp(set, chain, host, 'OUT', `-j ${ACCEPT}`);
  set.add(chain, '-p igmp', `-j ${ACCEPT}`, { builtin: 'IGMP (multicast)' });
  yield* userRules(ctx, set, chain, 'OUT');
  const localNet = ctx.localNetwork;
  if (localNet.ipversion === set.family) {
    for (const [port, what] of [
      ['8006', 'API'],
      ['22', 'SSH'],
      ['5900:5999', 'VNC console'],
      ['3128', 'SPICE proxy'],
    ] as const) {
      set.add(chain, `-d ${localNet.cidr} -p tcp --dport ${port}`, `-j ${ACCEPT}`, {
        builtin: `local network: ${what}`,
      });
    }
  }
  corosyncRules(ctx, set, chain, 'OUT');
  policy = perlOr(optionValue(clusterConfig, 'policy_out'), 'ACCEPT');
  addChainPolicy(set, chain, 0, policy, logLevel, ACCEPT);

  set.add('PVEFW-OUTPUT', '', '-j PVEFW-HOST-OUT', { builtin: 'host output' });
  set.add('PVEFW-INPUT', '', '-j PVEFW-HOST-IN', { builtin: 'host input' });
}
