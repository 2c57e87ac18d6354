import { checkHook, type ParsedRuleset } from './packet-walk';
import type { Endpoint } from './zones';
import type { HookCheck, Packet, SenderView } from './simulation-types';

type GuestEnd = Extract<Endpoint, { type: 'guest' }>;

/**
 * The TCP reset that a REJECT in the target's firewall bridge sends back, as it meets the
 * sender's own firewall bridge. The kernel sends it out of the bridge port the packet came in
 * by (fwln…), so it crosses the main bridge first, where conntrack takes it as the answer to
 * the connection and closes that; at the sender's bridge conntrack sees it a second time, on a
 * closed connection, and marks it INVALID (checked in a kernel: the sender sees silence).
 */
function resetThroughSenderBridge(
  rules: ParsedRuleset,
  packet: Packet,
  sender: GuestEnd,
): HookCheck {
  const reply: Packet = {
    family: packet.family,
    proto: packet.proto,
    source: packet.dest,
    dest: packet.source,
    srctype: 'UNICAST',
    dsttype: 'UNICAST',
    ctstate: 'INVALID',
    ctWhy: 'conntrack marks it INVALID: the reset crosses a second bridge on a closed connection',
    tcpFlags: ['RST', 'ACK'],
    ...(packet.dport !== undefined ? { sport: packet.dport } : {}),
    ...(packet.sport !== undefined ? { dport: packet.sport } : {}),
    ifaceIn: sender.fwbr,
    ifaceOut: sender.fwbr,
    physdevIn: sender.fwln,
    physdevOut: sender.tapdev,
  };
  return checkHook(rules, `${sender.fwbr} (reset on its way back)`, 'PVEFW-FORWARD', reply, {
    value: 0,
  });
}

/**
 * What the sender of a packet that a REJECT decided gets back, when that is not simply the
 * reject's reply; undefined when it is (a reject by the host's own chains, or by the sender's
 * own OUT rules, whose reset goes straight back into the sender's port).
 */
export function senderView(
  rules: ParsedRuleset,
  packet: Packet,
  from: Endpoint,
  last: HookCheck,
): SenderView | undefined {
  if (last.verdict !== 'REJECT' || !last.decidedBy) return undefined;
  if (last.at !== 'fwbr-in' && last.at !== 'fwbr-out') return undefined;
  const target = rules.match(last.decidedBy.rule).target;
  const reset = target.kind === 'reject' && target.with === 'tcp-reset';
  if (!reset) {
    if (from.type === 'host') return undefined;
    return {
      sees: 'if-routed',
      why:
        `the ICMP error comes from the node's own address, not from ${packet.dest}: ` +
        `the sender sees it only if the node has a route to ${packet.source}`,
    };
  }
  if (last.at === 'fwbr-out' || from.type !== 'guest') return undefined;
  const check = resetThroughSenderBridge(rules, packet, from);
  if (check.verdict === 'ACCEPT') return undefined;
  const by = check.decidedBy ? ` by ${check.decidedBy.chain} #${check.decidedBy.index + 1}` : '';
  return {
    sees: 'nothing',
    why:
      `the reset comes back INVALID (conntrack closed the connection on the way) and is ` +
      `dropped${by} in the sender's firewall bridge ${from.fwbr}`,
    replyChecks: [check],
  };
}
