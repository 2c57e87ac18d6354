// `pvefw explain` for a node that runs proxmox-firewall. Its log rules hand the kernel the same
// kind of prefix pve-firewall's do (proxmox-nftables' Log::generate_prefix: `:VMID:LEVEL:CHAIN:
// VERDICT: `), which pvefw-logger turns into the same line, but the chain is an nftables chain
// of proxmox-firewall's tables — `cluster-in`, `host-out`, `host-forward`, `guest-100-in`,
// `group-web-in`, `bridge-vnet1`, `log-smurfs` — and a chain's policy logs the bare verdict
// (`DROP`, never `policy DROP`). For a bridged packet the kernel's IN=/OUT= are the bridge ports
// (tap100i0), for the node's hooks the bridges. The packet is then walked through the node's
// tables (simulate-nft.ts) and the rule that decided is the last rule it met.
import type { RuleOrigin } from '../compile';
import { originLookup } from '../checks';
import type { ClusterModel } from '../model';
import { matchText, statementText } from '../nftables';
import { simulateNft } from '../nftables';
import type { SimulateRequest } from '../simulate';
import { guestZone } from './guest-zone';
import type { LoggedPacket } from './log-line';

/** The guest's zone by VMID, from the model's guests (a VM or a container). */
function guestByVmid(model: ClusterModel, vmid: number): string | undefined {
  const guest = model.guests.find((g) => g.vmid === vmid);
  return guest ? `${guest.kind}${vmid}` : undefined;
}

/** A port of a bridge the packet came in or went out on, for a zone (`vnet1/tap100i0`). */
function port(bridge: string, device: string | undefined, fallback: string): string {
  return `${bridge}/${device ?? fallback}`;
}

/** Where the packet came from and went, from the chain and the devices of the line. */
export function nftEnds(model: ClusterModel, p: LoggedPacket): { from: string; to: string } {
  const { in: inDev, out: outDev } = p.devices;
  const guest = /^guest-([0-9]+)-(in|out)$/.exec(p.chain);
  if (guest) {
    const zone = (dev: string | undefined): string =>
      guestZone(dev) ?? guestByVmid(model, Number(guest[1])) ?? `vm${guest[1]!}`;
    return guest[2] === 'in'
      ? { from: guestZone(inDev) ?? 'outside', to: zone(outDev) }
      : { from: zone(inDev), to: guestZone(outDev) ?? 'outside' };
  }
  const vnet = /^bridge-(.+)$/.exec(p.chain);
  if (vnet) {
    const name = vnet[1]!;
    // The VNet's chain in the bridge table (ports on both sides), or in the node's input or
    // output hook (the VNet itself is the interface).
    if (inDev === name) return { from: port(name, undefined, 'eth0'), to: 'host' };
    if (outDev === name) return { from: 'host', to: port(name, undefined, 'eth0') };
    return {
      from: guestZone(inDev) ?? port(name, inDev, 'eth0'),
      to: guestZone(outDev) ?? port(name, outDev, 'eth1'),
    };
  }
  // A group's chain in the guests' table: the bridge ports say which guest.
  if (guestZone(outDev)) return { from: guestZone(inDev) ?? 'outside', to: guestZone(outDev)! };
  if (guestZone(inDev)) return { from: guestZone(inDev)!, to: 'outside' };
  if (/-forward$/.test(p.chain))
    return {
      from: port(inDev ?? 'vmbr0', undefined, 'eth0'),
      to: port(outDev ?? 'vmbr1', undefined, 'eth1'),
    };
  if (/-out$/.test(p.chain)) return { from: 'host', to: 'outside' };
  return { from: 'outside', to: 'host' };
}

/** The rule that decided the packet in the node's tables: a user's line, or a fixed rule. */
export function nftDecidingRule(
  model: ClusterModel,
  node: string,
  request: SimulateRequest,
):
  { readonly origin?: RuleOrigin; readonly builtin?: string; readonly chain?: string } | undefined {
  const walked = simulateNft(model, node, request);
  // The last rule that gave a verdict; do-reject's rules answer for the REJECT that jumped there.
  const steps = walked.steps.filter(
    (s) =>
      s.chain !== 'do-reject' &&
      (s.effect === 'accept' ||
        s.effect === 'drop' ||
        s.effect.startsWith('reject') ||
        s.effect.startsWith('ct state') ||
        ((s.rule.statement.kind === 'jump' || s.rule.statement.kind === 'goto') &&
          s.rule.statement.target === 'do-reject')),
  );
  const last = steps[steps.length - 1];
  if (!last) return undefined;
  const o = last.rule.origin;
  const origin = o ? originLookup(model)(o.path, o.lineNumber, last.chain) : undefined;
  if (origin) return { origin, chain: last.chain };
  const text = [...last.rule.matches.map(matchText), statementText(last.rule.statement)].join(' ');
  return { builtin: `proxmox-firewall, ${last.table} ${last.chain}: ${text}`, chain: last.chain };
}
