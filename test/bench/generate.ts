// Realistic generated firewall files for the benchmarks: a cluster.fw with aliases, large
// ipsets (both families, nomatch entries) and groups, and a guest file with N rules mixing
// macros, port lists, ipset/alias/CIDR sources, both families, disabled rules and groups.

export interface GeneratedWorkspace {
  readonly cluster: string;
  readonly guest: string;
  readonly ruleCount: number;
}

/** A small seeded generator: the same seed gives the same workspace on every machine. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const MACROS = [
  'SSH',
  'HTTP',
  'HTTPS',
  'DNS',
  'Ping',
  'SMTP',
  'IMAPS',
  'MySQL',
  'PostgreSQL',
  'NTP',
];

export function generateWorkspace(ruleCount: number, seed = 1): GeneratedWorkspace {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const cluster: string[] = ['[OPTIONS]', 'enable: 1', '', '[ALIASES]'];
  for (let i = 0; i < 50; i++) cluster.push(`host${i} 10.${i}.0.${(i % 250) + 1}`);
  for (let i = 0; i < 10; i++) cluster.push(`v6host${i} fd00:${i}::1`);
  const setSizes = [5000, 1000, 200, 50, 10, 10, 10, 10];
  setSizes.forEach((size, s) => {
    cluster.push('', `[IPSET set${s}]`);
    for (let e = 0; e < size; e++) {
      const v6 = e % 5 === 4;
      const net = v6
        ? `fd${s.toString(16).padStart(2, '0')}:${e.toString(16)}::/64`
        : `10.${100 + s}.${Math.floor(e / 250)}.${e % 250}`;
      cluster.push(e % 97 === 5 ? `!${net}` : net);
    }
  });
  for (let g = 0; g < 10; g++) {
    cluster.push('', `[group grp${g}]`);
    for (let r = 0; r < 20; r++)
      cluster.push(`IN ACCEPT -p tcp -dport ${2000 + g * 20 + r} -source +set${g % 8}`);
  }
  const guest: string[] = ['[OPTIONS]', 'enable: 1', '', '[RULES]'];
  for (let i = 0; i < ruleCount; i++) {
    const dir = random() < 0.8 ? 'IN' : 'OUT';
    const action = pick(['ACCEPT', 'ACCEPT', 'DROP', 'REJECT']);
    const bar = random() < 0.03 ? '|' : '';
    const kind = random();
    const source =
      random() < 0.3
        ? ` -source +set${Math.floor(random() * 8)}`
        : random() < 0.3
          ? ` -source host${Math.floor(random() * 50)}`
          : random() < 0.2
            ? ` -source 10.${Math.floor(random() * 256)}.0.0/16`
            : '';
    if (kind < 0.2) guest.push(`${bar}${dir} ${pick(MACROS)}(${action})${source}`);
    else if (kind < 0.25) guest.push(`${bar}GROUP grp${Math.floor(random() * 10)}`);
    else if (kind < 0.3)
      guest.push(
        `${bar}${dir} ${action} -p icmpv6 -icmp-type echo-request -source v6host${Math.floor(random() * 10)}`,
      );
    else {
      const base = 1 + Math.floor(random() * 60000);
      const ports = random() < 0.3 ? `${base},${base + 2},${base + 10}:${base + 20}` : `${base}`;
      guest.push(
        `${bar}${dir} ${action} -p ${pick(['tcp', 'udp'])} -dport ${ports}${source} # rule ${i}`,
      );
    }
  }
  return { cluster: cluster.join('\n') + '\n', guest: guest.join('\n') + '\n', ruleCount };
}

export type Shape = 'realistic' | 'adversarial';
export type Placement = 'cluster' | 'guest';

export interface ShapedWorkspace {
  /** cluster.fw: aliases and ipsets, and the rules when they are placed there. */
  readonly cluster: string;
  /** 100.fw with the rules, when they are placed in a guest file. */
  readonly guest: string | undefined;
  readonly ruleCount: number;
}

/**
 * The shapes of issue 14, which the workspace above is kind to: 24 ipsets of 50 CIDRs, each with
 * a `!` hole; host aliases in both families; 20% macro rules from ipsets; 25% DROP rules from
 * /24 sources with UDP port ranges; IPv6 rules; 5% disabled rules; OUT rules with port lists and
 * comments; and thousands of redundant rules (the same sources and ports again and again).
 * `adversarial`: every rule's source overlaps many others' (nested networks of one /12), with
 * overlapping port ranges, so no index on one dimension can set them apart.
 */
export function generateShaped(
  ruleCount: number,
  shape: Shape,
  placement: Placement,
  seed = 14,
): ShapedWorkspace {
  const random = rng(seed);
  const cluster = shapedDefinitions();
  const rules = shapedRules(ruleCount, shape, random);
  const guestHead = ['[OPTIONS]', 'enable: 1', '', '[RULES]'];
  if (placement === 'cluster')
    return {
      cluster: [...cluster, '', '[RULES]', ...rules].join('\n') + '\n',
      guest: undefined,
      ruleCount,
    };
  return {
    cluster: cluster.join('\n') + '\n',
    guest: [...guestHead, ...rules].join('\n') + '\n',
    ruleCount,
  };
}

/** cluster.fw's options, aliases and ipsets for the shaped rules. */
function shapedDefinitions(): string[] {
  const cluster: string[] = ['[OPTIONS]', 'enable: 1', '', '[ALIASES]'];
  for (let i = 0; i < 100; i++) cluster.push(`srv${i} 172.16.${i >> 4}.${(i % 200) + 10}`);
  for (let i = 0; i < 40; i++) cluster.push(`srv6_${i} 2001:db8:${i.toString(16)}::10`);
  for (let s = 0; s < SETS; s++) {
    cluster.push('', `[IPSET office${s}]`);
    for (let e = 0; e < 50; e++) {
      if (e % 10 === 9) cluster.push(`2001:db8:${(0x100 + s).toString(16)}:${e.toString(16)}::/64`);
      else cluster.push(`10.${s}.${e * 4}.0/22`);
    }
    // The hole: one /28 inside the first network is not in the set.
    cluster.push(`!10.${s}.0.16/28`);
  }
  return cluster;
}

const SETS = 24;

/** Rule lines of a shape (see generateShaped), for a guest file or cluster.fw's [RULES]. */
export function shapedRules(ruleCount: number, shape: Shape, random: () => number): string[] {
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const rules: string[] = [];
  // The same sources and ports again and again: a small pool every fourth rule draws from.
  const pool = Array.from({ length: 150 }, () => ({
    source: `192.168.${int(256)}.0/24`,
    port: 1000 + int(2000),
  }));
  const macros = ['SSH', 'HTTP', 'HTTPS', 'DNS', 'SMTP', 'IMAPS', 'MySQL', 'PostgreSQL', 'NTP'];
  for (let i = 0; i < ruleCount; i++) {
    const bar = random() < 0.05 ? '|' : '';
    if (shape === 'adversarial') {
      // Nested networks in 10.16.0.0/12: a /20 lies in a /16 lies in the /12.
      const prefix = pick([12, 14, 16, 16, 18, 20, 20, 20]);
      const address = (0x0a100000 | int(1 << 20)) >>> 0;
      const net = prefix === 32 ? address : (address >>> (32 - prefix)) << (32 - prefix);
      const text = [24, 16, 8, 0].map((b) => (net >>> b) & 255).join('.');
      const lo = 1 + int(60000);
      const ports = `${lo}:${Math.min(65535, lo + int(8000))}`;
      const action = pick(['ACCEPT', 'ACCEPT', 'DROP', 'REJECT']);
      rules.push(
        `${bar}IN ${action} -p ${pick(['tcp', 'udp'])} -dport ${ports} -source ${text}/${prefix}`,
      );
      continue;
    }
    const kind = random();
    if (kind < 0.2) {
      rules.push(
        `${bar}IN ${pick(macros)}(${pick(['ACCEPT', 'ACCEPT', 'DROP'])}) -source +office${int(SETS)}`,
      );
    } else if (kind < 0.45) {
      const reused = random() < 0.5 ? pick(pool) : undefined;
      const source = reused?.source ?? `192.168.${int(256)}.0/24`;
      const lo = reused ? reused.port : 1024 + int(40000);
      const ports = `${lo}:${lo + pick([9, 99, 999, 9999, 20000])}`;
      rules.push(`${bar}IN DROP -p udp -dport ${ports} -source ${source}`);
    } else if (kind < 0.55) {
      const source = random() < 0.5 ? `srv6_${int(40)}` : `2001:db8:${int(4096).toString(16)}::/48`;
      rules.push(
        `${bar}IN ${pick(['ACCEPT', 'DROP'])} -p tcp -dport ${pick([22, 80, 443, 8443])} -source ${source}`,
      );
    } else if (kind < 0.7) {
      const base = 1000 + int(30000);
      rules.push(
        `${bar}OUT ACCEPT -p tcp -dport ${pick([22, 80, 443])},${base},${base + 10}:${base + 20} -dest srv${int(100)} # rule ${i}: backend ${int(100)}`,
      );
    } else {
      const reused = random() < 0.6 ? pick(pool) : undefined;
      const source =
        reused?.source ??
        pick([`srv${int(100)}`, `+office${int(SETS)}`, `10.${int(SETS)}.${int(200)}.0/24`]);
      const port = reused?.port ?? 1000 + int(30000);
      rules.push(
        `${bar}IN ${pick(['ACCEPT', 'ACCEPT', 'DROP'])} -p tcp -dport ${port} -source ${source}`,
      );
    }
  }
  return rules;
}

/**
 * A whole cluster: `guests` guest files of `perGuest` shaped rules each (some for one NIC of
 * two), spread over one node per 100 guests, and a cluster.fw with `clusterRules` rules.
 */
export function generateCluster(
  guests: number,
  perGuest: number,
  clusterRules: number,
  seed = 14,
): {
  files: Map<string, string>;
  topology: {
    localNode: string;
    nodes: { name: string }[];
    guests: {
      vmid: number;
      kind: 'vm';
      node: string;
      nics: { name: string; bridge: string; firewall: boolean }[];
    }[];
  };
} {
  const random = rng(seed);
  const files = new Map<string, string>();
  files.set('cluster.fw', generateShaped(clusterRules, 'realistic', 'cluster', seed).cluster);
  const nodes = Array.from({ length: Math.max(1, Math.ceil(guests / 100)) }, (_, i) => ({
    name: `pve${i + 1}`,
  }));
  const list = [];
  for (let g = 0; g < guests; g++) {
    const vmid = 1000 + g;
    const rules = shapedRules(perGuest, 'realistic', random).map((rule, i) =>
      i % 5 === 0 ? rule.replace(/^(\|?)(IN|OUT) (\S+)/, `$1$2 $3 -i net${i % 2}`) : rule,
    );
    files.set(`${vmid}.fw`, ['[OPTIONS]', 'enable: 1', '', '[RULES]', ...rules].join('\n') + '\n');
    list.push({
      vmid,
      kind: 'vm' as const,
      node: nodes[g % nodes.length]!.name,
      nics: ['net0', 'net1'].map((name) => ({ name, bridge: 'vmbr0', firewall: true })),
    });
  }
  return { files, topology: { localNode: 'pve1', nodes, guests: list } };
}
