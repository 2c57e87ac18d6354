import { ipsetKernelName } from '../compile/ipset-name';
import type { RuleOrigin } from '../compile/types';
import type { FamilyModel } from './analyse';
import { walkChain, type Verdict } from './chain-walk';
import { boxIntersect, fullBox, type Box } from './packet-space';
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

/**
 * Host input rules (host.fw, then cluster.fw) that drop or reject the web UI (8006) or SSH (22)
 * for management addresses before Proxmox's own management allowances get a chance: the way
 * people lock themselves out of their hypervisor.
 */
export function findLockouts(model: FamilyModel): Lockout[] {
  const rules = model.compiled.get(HOST_IN);
  if (!rules) return [];
  const stop = rules.findIndex((r) => r.builtin?.startsWith('management:'));
  const members = model.sets(ipsetKernelName(0, 'management', model.family));
  const fromManagement = members !== undefined && members.length > 0;
  const out: Lockout[] = [];
  for (const port of MANAGEMENT_PORTS) {
    const base = fullBox(model.family, model.names.count);
    const region: Box = {
      ...base,
      proto: [[6n, 6n]],
      dport: [[BigInt(port), BigInt(port)]],
      ...(fromManagement ? { source: members } : {}),
    };
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
      const witness = describePacket(
        pickPacketFrom(boxes.length > 0 ? boxes : [region], model.family, model.names),
      );
      out.push({ origin, port, verdict: d.verdict, fromManagement, witness });
    }
  }
  return out;
}
