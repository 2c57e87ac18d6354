// A node's host ruleset (see ruleset.ts) as an `nft -f` script: the chains pvefw simulates, with a
// counter on every rule and a comment naming it, so that a real kernel can be asked which rules a
// packet matched. Sets are written inline as their address ranges.
import type { Family } from './rust-text';
import type { NftMatch, NftRule, NftStatement } from './ruleset';

function ipText(value: bigint, family: Family): string {
  if (family === 4)
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 255n).toString()).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

function rangeList(ranges: readonly (readonly [bigint, bigint])[], family: Family): string {
  const items = ranges.map(([a, b]) =>
    a === b ? ipText(a, family) : `${ipText(a, family)}-${ipText(b, family)}`,
  );
  return `{ ${items.join(', ')} }`;
}

/** A match as nft writes it: sets as their ranges (for a script) or by name (for a trace). */
export function matchText(x: NftMatch, sets: 'inline' | 'named' = 'inline'): string {
  switch (x.kind) {
    case 'iifname':
    case 'oifname':
      return `${x.kind} "${x.name}"`;
    case 'nfproto':
      return `meta nfproto ipv${x.family}`;
    case 'tcp-syn':
      return `tcp flags & (fin|syn|rst|ack) ${x.negate ? '!=' : '=='} syn`;
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
      if (sets === 'named' && x.set) return `${ip} ${x.field} ${x.negate ? '!= ' : ''}@${x.set}`;
      const nfproto = `meta nfproto ipv${x.family}`;
      // An empty set: nothing is in it.
      if (x.ranges.length === 0)
        return x.negate ? nfproto : `${nfproto} meta mark 0xdeadbeef meta mark != 0xdeadbeef`;
      return `${ip} ${x.field} ${x.negate ? '!= ' : ''}${rangeList(x.ranges, x.family)}`;
    }
    case 'icmp': {
      const proto = x.family === 4 ? 'icmp' : 'icmpv6';
      const parts = [
        `meta nfproto ipv${x.family}`,
        `meta l4proto ${x.family === 4 ? 'icmp' : 'ipv6-icmp'}`,
      ];
      if (x.types) parts.push(`${proto} type { ${x.types.join(', ')} }`);
      if (x.code !== undefined) parts.push(`${proto} code ${x.code}`);
      return parts.join(' ');
    }
  }
}

function statementText(s: NftStatement): string {
  switch (s.kind) {
    case 'accept':
    case 'drop':
    case 'return':
      return s.kind;
    case 'log':
      return 'log';
    case 'jump':
    case 'goto':
      return `${s.kind} ${s.target}`;
    case 'reject':
      return s.with === 'tcp reset'
        ? 'reject with tcp reset'
        : s.with === 'icmpx port-unreachable'
          ? 'reject with icmpx type port-unreachable'
          : s.with === 'icmp host-prohibited'
            ? 'reject with icmp type host-prohibited'
            : 'reject with icmpv6 type admin-prohibited';
    case 'ct-vmap':
      return 'ct state vmap { invalid : jump invalid-conntrack, established : accept, related : accept }';
  }
}

/** The rule's name in comments and counters: `chain#index` (0-based). */
export function ruleKey(chain: string, index: number): string {
  return `${chain}#${index}`;
}

/**
 * The script for table `inet <table>`: `input` and `output` hooked (policy accept) and every
 * other chain as a regular chain; each rule counts its packets and carries its key as comment.
 */
export function nftScript(
  chains: ReadonlyMap<string, readonly NftRule[]>,
  table = 'pvefw-test',
  hooked: readonly ('input' | 'output')[] = ['input', 'output'],
): string {
  const out = [`table inet ${table} {`];
  const hooks: Record<string, string> = {};
  for (const hook of hooked)
    hooks[hook] = `type filter hook ${hook} priority filter; policy accept;`;
  const names = [...chains.keys()].filter((n) => n !== 'forward');
  for (const name of names)
    out.push(`  chain ${name} {`, ...(hooks[name] ? [`    ${hooks[name]}`] : []), '  }');
  out.push('}');
  for (const name of names)
    (chains.get(name) ?? []).forEach((rule, index) => {
      const matched = rule.matches.map((x) => matchText(x)).join(' ');
      out.push(
        `add rule inet ${table} ${name} ${matched} counter ${statementText(rule.statement)} comment "${ruleKey(name, index)}"`,
      );
    });
  return `${out.join('\n')}\n`;
}
