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
