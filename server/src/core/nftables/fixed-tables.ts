// The fixed part of proxmox-firewall's ruleset: resources/proxmox-firewall.nft (1.2.3), which it
// loads before every update. Table `inet proxmox-firewall` holds the node's chains (default-in,
// accept-management, the SMB and DNS drops, do-reject, the hooks input/output/forward and the
// VNet hooks host-bridge-input/output); table `bridge proxmox-firewall-guests` the guests' (vm-in
// and vm-out with their NIC maps, pre-vm-in/out, the DHCP, NDP and RA chains, before-bridge and the
// bridge forward hook). The generated chains start empty and are filled by the update's commands.
import { cidrBounds, parseCidr, type Family } from './rust-text';
import type {
  MapVerdict,
  NftMatch,
  NftRule,
  NftStatement,
  NftTable,
  TableId,
  TcpFlag,
} from './nft-model';

const emptyMap = (): Map<string, MapVerdict> => new Map<string, MapVerdict>();

const ICMP_ALLOWED_V4 = [3, 4, 11];
const ICMPV6_ALLOWED = [1, 2, 3, 4];
const NDP_IN = [133, 135, 134, 136, 137];
const NDP_OUT = [133, 135, 136];
const RA_OUT = [134, 137];

export const m = {
  l4: (...protos: (string | number)[]): NftMatch => ({ kind: 'l4proto', protos }),
  port: (
    proto: 'tcp' | 'udp' | 'th',
    field: 'sport' | 'dport',
    ...ranges: [number, number][]
  ): NftMatch => ({ kind: 'port', field, proto, ranges }),
  icmp: (family: Family, types: number[]): NftMatch => ({ kind: 'icmp', family, types }),
  flags: (mask: TcpFlag[], value: TcpFlag[], negate = false): NftMatch => ({
    kind: 'tcp-flags',
    mask,
    value,
    negate,
  }),
};
export const rule = (statement: NftStatement, ...matches: NftMatch[]): NftRule => ({
  matches,
  statement,
});
export const jump = (target: string): NftStatement => ({ kind: 'jump', target });
const goto = (target: string): NftStatement => ({ kind: 'goto', target });
export const ACCEPT: NftStatement = { kind: 'accept' };
export const DROP: NftStatement = { kind: 'drop' };
const CT_VMAP: NftStatement = { kind: 'ct-vmap' };
const NOT_ARP: NftMatch = { kind: 'ether-arp', negate: true };
const ARP: NftMatch = { kind: 'ether-arp', negate: false };

const V4_MULTICAST: NftMatch = {
  kind: 'addr',
  family: 4,
  field: 'saddr',
  ranges: [cidrBounds(parseCidr('224.0.0.0/4'))],
};

/** do-reject, the same in both tables. */
function doReject(): NftRule[] {
  return [
    rule(DROP, { kind: 'pkttype', value: 'broadcast' }),
    rule(DROP, V4_MULTICAST),
    rule({ kind: 'reject', with: 'tcp reset' }, m.l4('tcp')),
    rule({ kind: 'reject', with: 'icmpx port-unreachable' }, m.l4('icmp', 'ipv6-icmp')),
    rule({ kind: 'reject', with: 'icmp host-prohibited' }, { kind: 'nfproto', family: 4 }),
    rule({ kind: 'reject', with: 'icmpv6 admin-prohibited' }, { kind: 'nfproto', family: 6 }),
    rule(DROP),
  ];
}

function ndpChains(): [string, NftRule[]][] {
  return [
    ['allow-ndp-in', [rule(ACCEPT, m.icmp(6, NDP_IN))]],
    ['block-ndp-in', [rule(DROP, m.icmp(6, NDP_IN))]],
    ['allow-ndp-out', [rule(ACCEPT, m.icmp(6, NDP_OUT))]],
    ['block-ndp-out', [rule(DROP, m.icmp(6, NDP_OUT))]],
  ];
}

const allowIcmp = (): NftRule[] => [
  rule(ACCEPT, m.icmp(4, ICMP_ALLOWED_V4)),
  rule(ACCEPT, m.icmp(6, ICMPV6_ALLOWED)),
];

const beforeBridge = (): NftRule[] => [rule(ACCEPT, ARP), rule(CT_VMAP, NOT_ARP)];

const managementSet = (family: Family, nomatch: boolean): string =>
  `v${family}-dc/management${nomatch ? '-nomatch' : ''}`;

function inetTable(): NftTable {
  const toInvalid = goto('log-drop-invalid-tcp');
  const chains = new Map<string, NftRule[]>([
    ['do-reject', doReject()],
    [
      'accept-management',
      ([4, 6] as const).map((f) =>
        rule(
          ACCEPT,
          { kind: 'addr', family: f, field: 'saddr', ranges: [], set: managementSet(f, false) },
          {
            kind: 'addr',
            family: f,
            field: 'saddr',
            ranges: [],
            negate: true,
            set: managementSet(f, true),
          },
        ),
      ),
    ],
    // ratelimit-synflood's rules drop a source over the rate; one packet never is.
    [
      'block-synflood',
      [
        rule({ kind: 'return' }, m.flags(['fin', 'syn', 'rst', 'ack'], ['syn'], true)),
        rule(jump('ratelimit-synflood')),
        rule(DROP),
      ],
    ],
    ['log-drop-invalid-tcp', [rule(jump('log-invalid-tcp')), rule(DROP)]],
    [
      'block-invalid-tcp',
      [
        rule(toInvalid, m.flags(['fin', 'syn', 'rst', 'psh', 'ack', 'urg'], ['fin', 'psh', 'urg'])),
        rule(toInvalid, m.flags(['fin', 'syn', 'rst', 'psh', 'ack', 'urg'], [])),
        rule(toInvalid, m.flags(['syn', 'rst'], ['syn', 'rst'])),
        rule(toInvalid, m.flags(['fin', 'syn'], ['fin', 'syn'])),
        rule(
          toInvalid,
          m.port('tcp', 'sport', [0, 0]),
          m.flags(['fin', 'syn', 'rst', 'ack'], ['syn']),
        ),
      ],
    ],
    ...ndpChains(),
    [
      'block-smurfs',
      [
        rule({ kind: 'return' }, { kind: 'addr', family: 4, field: 'saddr', ranges: [[0n, 0n]] }),
        rule(goto('log-drop-smurfs'), { kind: 'pkttype', value: 'broadcast' }),
        rule(goto('log-drop-smurfs'), V4_MULTICAST),
      ],
    ],
    ['allow-icmp', allowIcmp()],
    ['log-drop-smurfs', [rule(jump('log-smurfs')), rule(DROP)]],
    [
      'default-in',
      [
        rule(ACCEPT, { kind: 'iifname', name: 'lo' }),
        rule(jump('allow-icmp')),
        rule(CT_VMAP),
        rule(ACCEPT, m.l4('igmp')),
        rule(
          jump('accept-management'),
          m.port('tcp', 'dport', [8006, 8006], [5900, 5999], [3128, 3128], [22, 22]),
        ),
        rule(ACCEPT, m.port('udp', 'dport', [5405, 5412])),
        rule(goto('do-reject'), m.port('udp', 'dport', [135, 135], [137, 139], [445, 445])),
        rule(
          goto('do-reject'),
          m.port('udp', 'sport', [137, 137]),
          m.port('udp', 'dport', [1024, 65535]),
        ),
        rule(goto('do-reject'), m.port('tcp', 'dport', [135, 135], [139, 139], [445, 445])),
        rule(DROP, m.port('udp', 'dport', [1900, 1900])),
        rule(DROP, m.port('udp', 'sport', [53, 53])),
      ],
    ],
    [
      'default-out',
      [rule(ACCEPT, { kind: 'oifname', name: 'lo' }), rule(jump('allow-icmp')), rule(CT_VMAP)],
    ],
    ['before-bridge', beforeBridge()],
    ['host-bridge-input', [rule({ kind: 'vmap', key: 'iifname', map: 'bridge-map' })]],
    ['host-bridge-output', [rule({ kind: 'vmap', key: 'oifname', map: 'bridge-map' })]],
    [
      'input',
      ['default-in', 'ct-in', 'option-in', 'host-in', 'cluster-in'].map((c) => rule(jump(c))),
    ],
    ['output', ['default-out', 'option-out', 'host-out', 'cluster-out'].map((c) => rule(jump(c)))],
    ['forward', [rule(CT_VMAP), rule(jump('host-forward')), rule(jump('cluster-forward'))]],
    ['ratelimit-synflood', []],
    ['log-invalid-tcp', []],
    ['log-smurfs', []],
    ['option-in', []],
    ['option-out', []],
    ['cluster-in', []],
    ['cluster-out', []],
    ['host-in', []],
    ['host-out', []],
    ['cluster-forward', []],
    ['host-forward', []],
    ['ct-in', []],
    ['invalid-conntrack', []],
  ]);
  const sets = new Map<string, [bigint, bigint][]>();
  for (const f of [4, 6] as const) {
    sets.set(managementSet(f, false), []);
    sets.set(managementSet(f, true), []);
    sets.set(`v${f}-synflood-limit`, []);
  }
  return { chains, sets, maps: new Map([['bridge-map', emptyMap()]]), helpers: new Map() };
}

function bridgeTable(): NftTable {
  const dhcp = (pairs: [number, number][]): NftMatch => ({ kind: 'udp-pairs', pairs });
  const chains = new Map<string, NftRule[]>([
    [
      'allow-dhcp-in',
      [
        rule(
          ACCEPT,
          dhcp([
            [67, 68],
            [547, 546],
          ]),
        ),
      ],
    ],
    [
      'block-dhcp-in',
      [
        rule(
          DROP,
          dhcp([
            [67, 68],
            [547, 546],
          ]),
        ),
      ],
    ],
    [
      'allow-dhcp-out',
      [
        rule(
          ACCEPT,
          dhcp([
            [68, 67],
            [546, 547],
          ]),
        ),
      ],
    ],
    [
      'block-dhcp-out',
      [
        rule(
          DROP,
          dhcp([
            [68, 67],
            [546, 547],
          ]),
        ),
      ],
    ],
    ...ndpChains(),
    ['allow-ra-out', [rule(ACCEPT, m.icmp(6, RA_OUT))]],
    ['block-ra-out', [rule(DROP, m.icmp(6, RA_OUT))]],
    ['allow-icmp', allowIcmp()],
    ['do-reject', doReject()],
    ['pre-vm-out', [rule(CT_VMAP, NOT_ARP)]],
    [
      'vm-out',
      [rule(jump('allow-icmp')), rule({ kind: 'vmap', key: 'iifname', map: 'vm-map-out' })],
    ],
    ['invalid-conntrack', []],
    ['pre-vm-in', [rule(CT_VMAP, NOT_ARP), rule(ACCEPT, ARP)]],
    ['vm-in', [rule(jump('allow-icmp')), rule({ kind: 'vmap', key: 'oifname', map: 'vm-map-in' })]],
    ['before-bridge', beforeBridge()],
    ['forward', [rule({ kind: 'vmap', key: 'ibrname.obrname', map: 'bridge-map' })]],
  ]);
  return {
    chains,
    sets: new Map(),
    maps: new Map([
      ['vm-map-in', emptyMap()],
      ['vm-map-out', emptyMap()],
      ['bridge-map', emptyMap()],
    ]),
    helpers: new Map(),
  };
}

/** Both tables as proxmox-firewall.nft leaves them, before the update's commands. */
export function fixedTables(): { inet: NftTable; bridge: NftTable } {
  return { inet: inetTable(), bridge: bridgeTable() };
}

/** A netfilter hook of a table: its base chains in the order of their priorities. */
export const HOOK_CHAINS: Readonly<Record<TableId, Readonly<Record<string, readonly string[]>>>> = {
  // host-bridge-input has priority filter - 1, host-bridge-output filter + 1.
  inet: {
    input: ['host-bridge-input', 'input'],
    output: ['output', 'host-bridge-output'],
    forward: ['forward'],
  },
  bridge: { prerouting: ['vm-out'], forward: ['forward'], postrouting: ['vm-in'] },
};
