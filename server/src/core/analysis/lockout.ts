import { ipsetKernelName } from '../compile';
import type { RuleOrigin } from '../compile';
import type { FamilyModel } from './family-model';
import { walkChain, type Verdict } from './symbolic-walk';
import { isSubset, subtract, type IntervalSet } from './intervals';
import { boxIntersect, boxWith, fullBox, type Box } from './packet-space';
import { describePacket, pickPacketFrom } from './witness';

export interface Lockout {
  readonly origin: RuleOrigin;
  readonly port: number;
  readonly verdict: Verdict;
  /** Whether the blocked sources are the `management` set's (else: every source). */
  readonly fromManagement: boolean;
  readonly witness: string;
}

const MANAGEMENT_PORTS = [8006, 22];
const HOST_IN = 'PVEFW-HOST-IN';

/** Loopback: `-i lo -j ACCEPT` takes it first, so it is never a witness of a lock-out. */
const LOOPBACK: Record<4 | 6, IntervalSet> = {
  4: [[0x7f000000n, 0x7fffffffn]],
  6: [[1n, 1n]],
};

/**
 * Host input rules (host.fw, then cluster.fw) that drop or reject the web UI (8006) or SSH (22)
 * for management addresses before Proxmox's own management allowances get a chance: the way
 * people lock themselves out of their hypervisor. The claim must hold: with management
 * addresses known (an [IPSET management], the local network), only they are looked at; with
 * only Proxmox's loopback fallback (no local network known), only IPv4 rules that drop the port
 * from every address, since those pre-empt the allowance whatever the local network is.
 */
export function findLockouts(model: FamilyModel): Lockout[] {
  const rules = model.compiled.get(HOST_IN);
  if (!rules) return [];
  const stop = rules.findIndex((r) => r.builtin?.startsWith('management:'));
  const members = model.sets(ipsetKernelName(0, 'management', model.family));
  const base = fullBox(model.family, model.names.count);
  const reachable = subtract(base.source, LOOPBACK[model.family]);
  const managed = members === undefined ? [] : subtract(members, LOOPBACK[model.family]);
  const fromManagement = managed.length > 0;
  // Nothing to pre-empt: IPv6 without management addresses, or IPv4 with only loopback in it.
  if (!fromManagement && model.family === 6) return [];
  const out: Lockout[] = [];
  for (const port of MANAGEMENT_PORTS) {
    const region = boxWith(base, {
      proto: [[6n, 6n]],
      dport: [[BigInt(port), BigInt(port)]],
      source: fromManagement ? managed : reachable,
    });
    const walk = walkChain(model.chains, HOST_IN, [region], stop < 0 ? {} : { stopAt: stop });
    for (const d of walk.decided) {
      if (d.verdict === 'ACCEPT') continue;
      const origin =
        rules[d.by.index]?.origin ?? model.compiled.get(d.by.chain)?.[d.by.index]?.origin;
      if (
        !origin ||
        out.some(
          (o) =>
            o.port === port &&
            o.origin.lineNumber === origin.lineNumber &&
            o.origin.path === origin.path,
        )
      )
        continue;
      const boxes = d.region
        .map((b) => boxIntersect(b, region))
        .filter((b): b is Box => b !== undefined);
      // Unknown local network: the rule must match the port from every address to be sure.
      const own = model.chains.rules.get(d.by.chain)?.[d.by.index]?.match;
      if (!fromManagement && !(own && isSubset(reachable, own.source))) continue;
      const witness = describePacket(
        pickPacketFrom(boxes.length > 0 ? boxes : [region], model.family, model.names),
      );
      out.push({ origin, port, verdict: d.verdict, fromManagement, witness });
    }
  }
  return out;
}
