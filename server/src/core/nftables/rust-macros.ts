// proxmox-ve-config's macro table: pve-firewall's macros (the generated facts) with the changes
// the Rust side made. Names are case-sensitive there; each macro is a list of protocol matches.
import { MACROS } from '../facts';
import { protocolFromOptions, type ProtocolMatch, type RuleOptions } from './rust-types';

/**
 * Where proxmox-ve-config's table differs from pve-firewall's (proxmox-ve-config 0.10.1):
 * ICMP types through `icmp-type`, Ping and Trcrt with an ICMPv6 echo-request part too, and two
 * macros of its own.
 */
const RUST_ONLY: Readonly<Record<string, readonly RuleOptions[]>> = {
  PBS: [{ proto: 'tcp', dport: '8007' }],
  'HTTP/3': [{ proto: 'udp', dport: '443' }],
  Ping: [
    { proto: 'icmp', icmpType: 'echo-request' },
    { proto: 'icmpv6', icmpType: 'echo-request' },
  ],
  Trcrt: [
    { proto: 'udp', dport: '33434:33524' },
    { proto: 'icmp', icmpType: 'echo-request' },
    { proto: 'icmpv6', icmpType: 'echo-request' },
  ],
  NeighborDiscovery: [
    { proto: 'icmpv6', icmpType: 'nd-router-solicit' },
    { proto: 'icmpv6', icmpType: 'nd-router-advert' },
    { proto: 'icmpv6', icmpType: 'nd-neighbor-solicit' },
    { proto: 'icmpv6', icmpType: 'nd-neighbor-advert' },
  ],
};

let table: ReadonlyMap<string, readonly ProtocolMatch[]> | undefined;

function build(): ReadonlyMap<string, readonly ProtocolMatch[]> {
  const out = new Map<string, readonly ProtocolMatch[]>();
  const add = (name: string, code: readonly RuleOptions[]): void => {
    const protocols: ProtocolMatch[] = [];
    for (const options of code) {
      const p = protocolFromOptions(options);
      // A macro with an entry without protocol is left out of the table as a whole.
      if (!p) return;
      protocols.push(p);
    }
    out.set(name, protocols);
  };
  for (const m of MACROS) {
    if (Object.hasOwn(RUST_ONLY, m.name)) continue;
    add(
      m.name,
      m.rules.map((r) => ({
        ...(r.proto !== undefined ? { proto: r.proto } : {}),
        ...(r.dport !== undefined ? { dport: r.dport } : {}),
        ...(r.sport !== undefined ? { sport: r.sport } : {}),
      })),
    );
  }
  for (const [name, code] of Object.entries(RUST_ONLY)) add(name, code);
  return out;
}

/** The macro's protocol matches, or undefined when proxmox-firewall knows no such macro. */
export function rustMacro(name: string): readonly ProtocolMatch[] | undefined {
  table ??= build();
  return table.get(name);
}

export function rustMacroNames(): ReadonlySet<string> {
  table ??= build();
  return new Set(table.keys());
}
