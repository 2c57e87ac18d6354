import { checkHook, type MarkHolder, type ParsedRuleset } from './packet-walk';
import { senderView } from './sender-view';
import type { Endpoint } from './zones';
import type { HookCheck, Packet, SimulationResult } from './simulation-types';

const BRIDGE_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,9}$/;

type Interfaces = Pick<Packet, 'ifaceIn' | 'ifaceOut' | 'physdevIn' | 'physdevOut'>;

interface Hop {
  readonly chain?: string;
  readonly ifaces: Interfaces;
  readonly next: string;
  readonly nextPhysdevIn?: string;
}

function targetIface(to: Endpoint): string {
  return to.type === 'host' ? 'host' : to.type === 'bport' ? to.iface : to.tapdev;
}

/**
 * One step of route_packet: which hook the packet meets where it is now, with which
 * interfaces, and where it goes next. Bridged traffic to and from a firewalled guest crosses
 * the guest's firewall bridge (fwbr/fwln/fwpr), which is where the guest chains apply.
 */
function hop(state: string, from: Endpoint, to: Endpoint, physdevIn?: string): Hop {
  if (state === 'from-bport') {
    if (from.type !== 'bport') throw new Error('internal error: from-bport without a port');
    return { ifaces: {}, next: from.bridge, nextPhysdevIn: from.iface };
  }
  if (state === 'host') {
    if (to.type === 'host') throw new Error('internal error: host to host');
    const next = to.type === 'bport' ? to.iface : 'fwbr-in';
    return { chain: 'PVEFW-OUTPUT', ifaces: { ifaceIn: 'lo', ifaceOut: to.bridge }, next };
  }
  if (state === 'fwbr-out') {
    if (from.type !== 'guest') throw new Error('internal error: fwbr-out without a guest');
    return {
      chain: 'PVEFW-FORWARD',
      ifaces: {
        ifaceIn: from.fwbr,
        ifaceOut: from.fwbr,
        physdevIn: from.tapdev,
        physdevOut: from.fwln,
      },
      next: from.bridge,
      nextPhysdevIn: from.fwpr,
    };
  }
  if (state === 'fwbr-in') {
    if (to.type !== 'guest') throw new Error('internal error: fwbr-in without a guest');
    return {
      chain: 'PVEFW-FORWARD',
      ifaces: { ifaceIn: to.fwbr, ifaceOut: to.fwbr, physdevIn: to.fwln, physdevOut: to.tapdev },
      next: to.tapdev,
    };
  }
  if (BRIDGE_NAME.test(state)) {
    if (physdevIn === undefined) throw new Error('internal error: no physdev_in on a bridge');
    if (to.type === 'host') {
      return {
        chain: 'PVEFW-INPUT',
        ifaces: { ifaceIn: state, ifaceOut: 'lo', physdevIn },
        next: 'host',
      };
    }
    // The kernel knows the outgoing bridge port only when the packet stays on this bridge.
    const sameBridge = state === to.bridge;
    const physdevOut = !sameBridge ? undefined : to.type === 'bport' ? to.iface : to.fwpr;
    return {
      chain: 'PVEFW-FORWARD',
      ifaces: {
        ifaceIn: state,
        ifaceOut: to.bridge,
        physdevIn,
        ...(physdevOut !== undefined ? { physdevOut } : {}),
      },
      next: to.type === 'bport' ? to.iface : 'fwbr-in',
    };
  }
  throw new Error(`internal error: unknown route state '${state}'`);
}

/**
 * route_packet: walks the packet from its source to its destination and checks it at each
 * netfilter hook on the way; the first hook that does not accept it decides.
 */
export function routePacket(
  rules: ParsedRuleset,
  packet: Packet,
  from: Endpoint,
  to: Endpoint,
): SimulationResult {
  const checks: HookCheck[] = [];
  const mark: MarkHolder = { value: 0 };
  const goal = targetIface(to);
  let state = from.type === 'host' ? 'host' : from.type === 'bport' ? 'from-bport' : 'fwbr-out';
  let physdevIn: string | undefined;
  for (let steps = 0; state !== goal; steps++) {
    if (steps > 16) throw new Error('internal error: the route does not end');
    const step = hop(state, from, to, physdevIn);
    if (step.chain !== undefined) {
      const check = checkHook(rules, state, step.chain, { ...packet, ...step.ifaces }, mark);
      checks.push(check);
      if (check.verdict !== 'ACCEPT') {
        const sender = senderView(rules, packet, from, check);
        return { verdict: check.verdict, checks, ...(sender ? { sender } : {}) };
      }
    }
    state = step.next;
    physdevIn = step.nextPhysdevIn;
  }
  return { verdict: 'ACCEPT', checks };
}
