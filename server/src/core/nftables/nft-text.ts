// Rules of proxmox-firewall's tables as nft writes them: for traces (sets by name) and as an
// `nft -f` script of one table (sets with their elements, a counter on every rule and a comment
// naming it), so that a real kernel can be asked which rules a packet matched.
import type { Family } from './rust-text';
import type { NftMatch, NftStatement, NftTable, TcpFlag } from './nft-model';

function ipText(value: bigint, family: Family): string {
  if (family === 4)
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 255n).toString()).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

function rangeItems(ranges: readonly (readonly [bigint, bigint])[], family: Family): string[] {
  return ranges.map(([a, b]) =>
    a === b ? ipText(a, family) : `${ipText(a, family)}-${ipText(b, family)}`,
  );
}

function flagsText(flags: readonly TcpFlag[]): string {
  return flags.length === 0 ? '0x0' : flags.join('|');
}

/** A match as nft writes it (a set by its name). */
export function matchText(x: NftMatch): string {
  switch (x.kind) {
    case 'iifname':
    case 'oifname':
      return `${x.kind} "${x.name}"`;
    case 'nfproto':
      return `meta nfproto ipv${x.family}`;
    case 'tcp-flags':
      return `tcp flags & (${x.mask.join('|')}) ${x.negate ? '!=' : '=='} ${flagsText(x.value)}`;
    case 'pkttype':
      return `meta pkttype ${x.value}`;
    case 'l4proto':
      return `meta l4proto { ${x.protos.map((p) => (p === 'icmpv6' ? 'ipv6-icmp' : String(p))).join(', ')} }`;
    case 'port': {
      const r = x.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
      return `${x.proto} ${x.field} { ${r.join(', ')} }`;
    }
    case 'addr': {
      const ip = x.family === 4 ? 'ip' : 'ip6';
      const op = x.negate ? '!= ' : '';
      if (x.set !== undefined) return `${ip} ${x.field} ${op}@${x.set}`;
      const nfproto = `meta nfproto ipv${x.family}`;
      // An empty set: nothing is in it.
      if (x.ranges.length === 0)
        return x.negate ? nfproto : `${nfproto} meta mark 0xdeadbeef meta mark != 0xdeadbeef`;
      return `${ip} ${x.field} ${op}{ ${rangeItems(x.ranges, x.family).join(', ')} }`;
    }
    case 'icmp': {
      const proto = x.family === 4 ? 'icmp' : 'icmpv6';
      const parts = [
        `meta nfproto ipv${x.family}`,
        `meta l4proto ${x.family === 4 ? 'icmp' : 'ipv6-icmp'}`,
      ];
      if (x.anyType) parts.push(`${proto} type 0-255`);
      else if (x.types) parts.push(`${proto} type { ${x.types.join(', ')} }`);
      if (x.code !== undefined) parts.push(`${proto} code ${x.code}`);
      return parts.join(' ');
    }
    case 'ether-arp':
      return `meta protocol ${x.negate ? '!= ' : ''}arp`;
    case 'arp-addr':
      return `arp ${x.field} ip ${x.negate ? '!= ' : ''}@${x.set}`;
    case 'ct-state':
      return `ct state { ${x.states.join(', ')} }`;
    case 'ct-helper':
      return `ct helper "${x.name}"`;
    case 'mac-pairs': {
      const field = x.via === 'ether' ? 'ether saddr' : 'arp saddr ether';
      const pairs = x.pairs.map(
        ([iface, mac]) => `"${iface}" . ${mac === '' ? '?' : mac.toLowerCase()}`,
      );
      return `iifname . ${field} != { ${pairs.join(', ')} }`;
    }
    case 'udp-pairs':
      return `udp sport . udp dport { ${x.pairs.map(([s, d]) => `${s} . ${d}`).join(', ')} }`;
  }
}

const REJECT_TEXT: Readonly<Record<string, string>> = {
  'tcp reset': 'reject with tcp reset',
  'icmpx port-unreachable': 'reject with icmpx type port-unreachable',
  'icmp host-prohibited': 'reject with icmp type host-prohibited',
  'icmpv6 admin-prohibited': 'reject with icmpv6 type admin-prohibited',
  default: 'reject',
};

export function statementText(s: NftStatement): string {
  switch (s.kind) {
    case 'accept':
    case 'drop':
    case 'return':
      return s.kind;
    case 'log': {
      const limit = s.limit
        ? `limit rate ${s.limit.rate}/${s.limit.per} burst ${s.limit.burst} packets `
        : '';
      return `${limit}log${s.prefix !== undefined ? ` prefix "${s.prefix}" group 0` : ''}`;
    }
    case 'jump':
    case 'goto':
      return `${s.kind} ${s.target}`;
    case 'reject':
      return REJECT_TEXT[s.with] ?? 'reject';
    case 'ct-vmap':
      return 'ct state vmap { invalid : jump invalid-conntrack, established : accept, related : accept }';
    case 'vmap':
      return s.key === 'ibrname.obrname'
        ? `meta ibrname . meta obrname vmap @${s.map}`
        : `${s.key} vmap @${s.map}`;
    case 'ct-mark':
      return `ct mark set ${s.value}`;
    case 'ct-helper-set':
      return `ct helper set "${s.name}"`;
    case 'synflood-limit': {
      const ip = s.family === 4 ? 'ip' : 'ip6';
      return `update @v${s.family}-synflood-limit { ${ip} saddr limit rate over ${s.rate}/second burst ${s.burst} packets } drop`;
    }
  }
}

/** The rule's name in comments and counters: `chain#index` (0-based). */
export function ruleKey(chain: string, index: number): string {
  return `${chain}#${index}`;
}

const HOOKS: Readonly<Record<string, string>> = {
  input: 'type filter hook input priority filter; policy accept;',
  'host-bridge-input': 'type filter hook input priority filter - 1; policy accept;',
  output: 'type filter hook output priority filter; policy accept;',
  'host-bridge-output': 'type filter hook output priority filter + 1; policy accept;',
  forward: 'type filter hook forward priority filter; policy accept;',
};

/**
 * The script for one `inet` table of the node: its sets with their elements, its verdict maps,
 * the chains named in `hooked` hooked as in proxmox-firewall.nft (policy accept), and every rule
 * counting its packets with its key as comment.
 */
export function nftScript(
  table: NftTable,
  name = 'pvefw-test',
  hooked: readonly string[] = ['input', 'output'],
): string {
  const out = [`table inet ${name} {`];
  for (const [set, ranges] of table.sets) {
    const family: Family = set.startsWith('v6-') ? 6 : 4;
    const type = family === 4 ? 'ipv4_addr' : 'ipv6_addr';
    if (set.endsWith('-synflood-limit')) {
      out.push(`  set ${set} { type ${type}; timeout 60s; flags dynamic; }`);
      continue;
    }
    const elements =
      ranges.length > 0 ? ` elements = { ${rangeItems(ranges, family).join(', ')} };` : '';
    out.push(`  set ${set} { type ${type}; flags interval; auto-merge;${elements} }`);
  }
  for (const [helper, h] of table.helpers)
    out.push(`  ct helper ${helper} { type "${h.type}" protocol ${h.protocol}; }`);
  const names = [...table.chains.keys()];
  for (const chain of names) {
    const hook = hooked.includes(chain) ? HOOKS[chain] : undefined;
    out.push(`  chain ${chain} {`, ...(hook ? [`    ${hook}`] : []), '  }');
  }
  // Maps after the chains their verdicts jump to.
  for (const [map, entries] of table.maps) {
    const items = [...entries].map(([k, v]) => `"${k}" : ${v.kind} ${v.target}`);
    out.push(
      `  map ${map} { type ifname : verdict;${items.length > 0 ? ` elements = { ${items.join(', ')} };` : ''} }`,
    );
  }
  out.push('}');
  for (const chain of names)
    (table.chains.get(chain) ?? []).forEach((rule, index) => {
      const matched = rule.matches.map((x) => matchText(x)).join(' ');
      // A set update reads its own family's address: the family goes before the counter.
      const family =
        rule.statement.kind === 'synflood-limit' ? `meta nfproto ipv${rule.statement.family} ` : '';
      out.push(
        `add rule inet ${name} ${chain} ${family}${matched} counter ${statementText(rule.statement)} comment "${ruleKey(chain, index)}"`,
      );
    });
  return `${out.join('\n')}\n`;
}
