// The data PVE::Firewall's loaders return and its writers take (load_*_conf, save_*_conf), as
// the simulator keeps it: Perl hashes as objects, numbers where Perl computed them (int(),
// 0/1), strings everywhere else. `errors` is a hash reference and so never part of a digest.

export type RuleEnv = 'cluster' | 'host' | 'vm' | 'ct' | 'group' | 'vnet';

export interface Rule {
  type?: string;
  action?: string;
  enable?: number | string;
  macro?: string;
  iface?: string;
  source?: string;
  dest?: string;
  proto?: string;
  dport?: string;
  sport?: string;
  log?: string;
  'icmp-type'?: string;
  comment?: string;
  ipversion?: number;
  errors?: Record<string, string>;
  [key: string]: unknown;
}

// Perl hashes: a key may be present and undef, which JSON leaves out as a missing one.
export interface Alias {
  name?: string;
  cidr?: string;
  ipversion?: number;
  comment?: string | undefined;
}

export interface Entry {
  /** undef for a line the entry pattern does not match (see parse-fw.ts). */
  cidr?: string;
  nomatch?: number | string | undefined;
  comment?: string | undefined;
  errors?: Record<string, string>;
}

export interface Conf {
  options?: Record<string, string | number>;
  rules?: Rule[];
  aliases?: Record<string, Alias>;
  ipset?: Record<string, Entry[]>;
  ipset_comments?: Record<string, string>;
  groups?: Record<string, Rule[]>;
  group_comments?: Record<string, string>;
  /** The SDN ipsets (load_sdn_conf): only their names matter to the firewall's checks. */
  sdn?: { ipset: Record<string, unknown> } | undefined;
}

/** Which file a loader reads, and the rule_env its rules are verified in. */
export type FileRef =
  | { readonly kind: 'cluster' }
  | { readonly kind: 'host'; readonly node: string }
  | {
      readonly kind: 'guest';
      readonly vmid: string;
      readonly node: string;
      readonly type: 'qemu' | 'lxc';
    }
  | { readonly kind: 'vnet'; readonly vnet: string };

export function filePath(ref: FileRef): string {
  switch (ref.kind) {
    case 'cluster':
      return 'firewall/cluster.fw';
    case 'host':
      return `nodes/${ref.node}/host.fw`;
    case 'guest':
      return `firewall/${ref.vmid}.fw`;
    case 'vnet':
      return `sdn/firewall/${ref.vnet}.fw`;
  }
}

export function ruleEnvOf(ref: FileRef): RuleEnv {
  if (ref.kind === 'guest') return ref.type === 'lxc' ? 'ct' : 'vm';
  return ref.kind;
}

/** Storable::dclone */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
