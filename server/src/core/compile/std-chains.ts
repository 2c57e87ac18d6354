import type { FwConfig } from '../model';
import type { ChainSet } from './chain-set';
import { optionLogLevel } from './options';
import type { RuleSpec } from './rule-spec';
import type { Family } from './ruleset-types';

const ACCEPT_MARK = '0x80000000/0x80000000';

type StdRule = RuleSpec & { readonly label: string };
type StdChains = Readonly<Record<string, readonly StdRule[]>>;

const SET_ACCEPT_MARK: readonly StdRule[] = [
  { target: `-j MARK --set-mark ${ACCEPT_MARK}`, label: 'set the accept mark' },
];

const TCP_FLAGS: readonly StdRule[] = [
  'FIN,SYN,RST,PSH,ACK,URG FIN,PSH,URG',
  'FIN,SYN,RST,PSH,ACK,URG NONE',
  'SYN,RST SYN,RST',
  'FIN,SYN FIN,SYN',
].map((flags) => ({
  match: `-p tcp -m tcp --tcp-flags ${flags}`,
  target: '-g PVEFW-logflags',
  label: 'illegal TCP flags',
}));
const TCPFLAGS_CHAIN: readonly StdRule[] = [
  ...TCP_FLAGS,
  {
    match: '-p tcp -m tcp --sport 0 --tcp-flags FIN,SYN,RST,ACK SYN',
    target: '-g PVEFW-logflags',
    label: 'SYN from port 0',
  },
];

// The tail PVEFW-Drop and PVEFW-Reject share; `noise` is what they do with SMB noise.
function dropTail(noise: string, family: Family): StdRule[] {
  const icmp: StdRule[] =
    family === 4
      ? ['fragmentation-needed', 'time-exceeded'].map((type) => ({
          action: 'ACCEPT',
          proto: 'icmp',
          dport: type,
          label: `accept critical ICMP ${type}`,
        }))
      : ['destination-unreachable', 'time-exceeded', 'packet-too-big'].map((type) => ({
          action: 'ACCEPT',
          proto: 'icmpv6',
          dport: type,
          label: `accept critical ICMPv6 ${type}`,
        }));
  const head: StdRule[] =
    family === 6
      ? [{ action: 'PVEFW-reject', proto: 'tcp', dport: '43', label: 'reject auth' }]
      : [];
  return [
    ...head,
    { action: 'PVEFW-DropBroadcast', label: 'drop broadcast, multicast and anycast' },
    ...icmp,
    { action: 'DROP', match: '-m conntrack --ctstate INVALID', label: 'drop invalid packets' },
    { action: noise, proto: 'udp', dport: '135,445', label: 'SMB noise' },
    { action: noise, proto: 'udp', dport: '137:139', label: 'NetBIOS noise' },
    { action: noise, proto: 'udp', dport: '1024:65535', sport: '137', label: 'NetBIOS noise' },
    { action: noise, proto: 'tcp', dport: '135,139,445', label: 'SMB noise' },
    { action: 'DROP', proto: 'udp', dport: '1900', label: 'UPnP' },
    {
      action: 'DROP',
      match: '-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN',
      label: 'new TCP without SYN',
    },
    { action: 'DROP', proto: 'udp', sport: '53', label: 'DNS replies' },
  ];
}

function v4Chains(smurfLog: string | undefined, flagsLog: string | undefined): StdChains {
  return {
    'PVEFW-SET-ACCEPT-MARK': SET_ACCEPT_MARK,
    'PVEFW-DropBroadcast': [
      ...['BROADCAST', 'MULTICAST', 'ANYCAST'].map((type) => ({
        action: 'DROP',
        dsttype: type,
        label: `drop ${type.toLowerCase()}`,
      })),
      { action: 'DROP', dest: '224.0.0.0/4', label: 'drop multicast' },
    ],
    'PVEFW-reject': [
      { action: 'DROP', dsttype: 'BROADCAST', label: 'never reject broadcast' },
      { action: 'DROP', source: '224.0.0.0/4', label: 'never reject multicast sources' },
      { action: 'DROP', proto: 'icmp', label: 'never reject ICMP' },
      { match: '-p tcp', target: '-j REJECT --reject-with tcp-reset', label: 'reject TCP' },
      {
        match: '-p udp',
        target: '-j REJECT --reject-with icmp-port-unreachable',
        label: 'reject UDP',
      },
      {
        match: '-p icmp',
        target: '-j REJECT --reject-with icmp-host-unreachable',
        label: 'reject ICMP',
      },
      { target: '-j REJECT --reject-with icmp-host-prohibited', label: 'reject' },
    ],
    'PVEFW-Drop': dropTail('DROP', 4),
    'PVEFW-Reject': dropTail('PVEFW-reject', 4),
    'PVEFW-tcpflags': TCPFLAGS_CHAIN,
    'PVEFW-smurfs': [
      { match: '-s 0.0.0.0/32', target: '-j RETURN', label: 'allow DHCP' },
      {
        match: '-m addrtype --src-type BROADCAST',
        target: '-g PVEFW-smurflog',
        label: 'broadcast source',
      },
      { match: '-s 224.0.0.0/4', target: '-g PVEFW-smurflog', label: 'multicast source' },
    ],
    'PVEFW-smurflog': [logDrop(smurfLog, 'smurf')],
    'PVEFW-logflags': [logDrop(flagsLog, 'illegal TCP flags')],
  };
}

function v6Chains(flagsLog: string | undefined): StdChains {
  return {
    'PVEFW-SET-ACCEPT-MARK': SET_ACCEPT_MARK,
    'PVEFW-DropBroadcast': [{ action: 'DROP', dest: 'ff00::/8', label: 'drop multicast' }],
    'PVEFW-reject': [
      { action: 'DROP', proto: 'icmpv6', label: 'never reject ICMPv6' },
      { match: '-p tcp', target: '-j REJECT --reject-with tcp-reset', label: 'reject TCP' },
      {
        match: '-p udp',
        target: '-j REJECT --reject-with icmp6-port-unreachable',
        label: 'reject UDP',
      },
      { target: '-j REJECT --reject-with icmp6-adm-prohibited', label: 'reject' },
    ],
    'PVEFW-Drop': dropTail('DROP', 6),
    'PVEFW-Reject': dropTail('PVEFW-reject', 6),
    'PVEFW-tcpflags': TCPFLAGS_CHAIN,
    'PVEFW-logflags': [logDrop(flagsLog, 'illegal TCP flags')],
  };
}

function logDrop(level: string | undefined, why: string): StdRule {
  return {
    action: 'DROP',
    logmsg: 'DROP: ',
    ...(level !== undefined ? { log: level } : {}),
    label: `drop ${why}`,
  };
}

/** generate_std_chains: the helper chains every ruleset has, logging as host.fw says. */
export function generateStdChains(set: ChainSet, host: FwConfig | undefined): void {
  const flagsLog = optionLogLevel(host, 'tcp_flags_log_level');
  const chains =
    set.family === 4
      ? v4Chains(optionLogLevel(host, 'smurf_log_level'), flagsLog)
      : v6Chains(flagsLog);
  for (const [chain, rules] of Object.entries(chains)) {
    set.create(chain);
    for (const { label, ...rule } of rules) {
      set.generate(chain, rule, {}, { builtin: `${chain}: ${label}` });
    }
  }
}
