// One case per message pve-firewall's parser and verify_rule can print (and the traps around
// them): the line, code, Proxmox verdict and Proxmox's exact message we report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFile, LineIndex, type FileKind } from '../../server/src/core';

interface Case {
  readonly name: string;
  readonly kind?: FileKind;
  readonly text: string;
  readonly cluster?: string;
  /** [line, code, proxmox verdict, message] of every finding with a Proxmox verdict. */
  readonly expect: readonly (readonly [number, string, string, string])[];
}

const CLUSTER_BASE =
  '[OPTIONS]\nenable: 1\n[ALIASES]\nv4host 10.0.0.5\nv6host fd00::1\n[IPSET web]\n10.0.0.0/24\n';

const CASES: readonly Case[] = [
  {
    name: 'content before a header',
    text: 'enable: 1\n[OPTIONS]\n',
    expect: [[1, 'no-section', 'dropped', 'skip line - no section']],
  },
  {
    name: 'CRLF hides every header',
    text: '[OPTIONS]\r\nenable: 1\r\n\r\n[RULES]\r\nIN ACCEPT\r\n',
    expect: [
      [1, 'crlf-line-endings', 'file-ignored', 'skip line - no section'],
      [2, 'crlf-line-endings', 'file-ignored', 'skip line - no section'],
      [4, 'crlf-line-endings', 'file-ignored', 'skip line - no section'],
      [5, 'crlf-line-endings', 'file-ignored', 'skip line - no section'],
    ],
  },
  {
    name: 'group name too long closes the section',
    text: '[group g234567890123456789]\nIN ACCEPT\n',
    expect: [
      [1, 'invalid-group-name', 'dropped', 'security group name too long'],
      [2, 'no-section', 'dropped', 'skip line - no section'],
    ],
  },
  {
    name: 'invalid group name',
    text: '[group g]\n',
    expect: [[1, 'invalid-group-name', 'dropped', "invalid security group name 'g'"]],
  },
  {
    name: 'ipset name too long',
    text: `[IPSET a${'b'.repeat(64)}]\n`,
    expect: [[1, 'invalid-ipset-name', 'dropped', 'ipset name too long']],
  },
  {
    name: 'invalid ipset name',
    text: '[IPSET 9bad]\n',
    expect: [[1, 'invalid-ipset-name', 'dropped', "invalid ipset name '9bad'"]],
  },
  {
    name: 'header with trailing text is no header',
    text: '[OPTIONS]\n[RULES] # main\n',
    expect: [[2, 'invalid-option', 'dropped', "can't parse option '[RULES] # main'"]],
  },
  {
    name: 'option with a comment',
    text: '[OPTIONS]\nenable: 1 # on\n',
    expect: [[2, 'invalid-option', 'dropped', "can't parse option 'enable: 1 # on'"]],
  },
  {
    name: 'option of another kind',
    kind: 'host',
    text: '[OPTIONS]\npolicy_in: DROP\n',
    expect: [[2, 'invalid-option', 'dropped', "can't parse option 'policy_in: DROP'"]],
  },
  {
    name: 'boolean spelled true',
    kind: 'guest',
    text: '[OPTIONS]\nmacfilter: true\n',
    expect: [[2, 'invalid-option', 'dropped', "can't parse option 'macfilter: true'"]],
  },
  {
    name: 'vnet policy REJECT',
    kind: 'vnet',
    text: '[OPTIONS]\npolicy_forward: REJECT\n',
    expect: [[2, 'invalid-option', 'dropped', "can't parse option 'policy_forward: REJECT'"]],
  },
  {
    name: 'case-insensitive keys and values',
    text: '[OPTIONS]\nENABLE: 1\npolicy_in: drop\n',
    expect: [],
  },
  {
    name: 'log_ratelimit key is case-sensitive',
    text: '[OPTIONS]\nLOG_RATELIMIT: enable=1\n',
    expect: [[2, 'invalid-option', 'dropped', "can't parse option 'LOG_RATELIMIT: enable=1'"]],
  },
  {
    name: 'log_ratelimit without enable kills cluster.fw',
    text: '[OPTIONS]\nlog_ratelimit: rate=10/minute\n',
    expect: [
      [
        2,
        'invalid-log-ratelimit',
        'file-ignored',
        'format error; enable: property is missing and it is not optional',
      ],
    ],
  },
  {
    name: 'valid log_ratelimit',
    text: '[OPTIONS]\nlog_ratelimit: 1,rate=10/minute,burst=20\n',
    expect: [],
  },
  {
    name: 'unknown ethertype',
    kind: 'guest',
    text: '[OPTIONS]\nlayer2_protocols: IPv4,IPv6\n',
    expect: [[2, 'invalid-option-value', 'dropped', 'unknown ethernet protocol type: IPv6']],
  },
  {
    name: 'unknown conntrack helper',
    kind: 'host',
    text: '[OPTIONS]\nnf_conntrack_helpers: ftp,FOO\n',
    expect: [[2, 'invalid-option-value', 'dropped', 'unknown helper foo']],
  },
  {
    name: 'conntrack helpers trailing comma',
    kind: 'host',
    text: '[OPTIONS]\nnf_conntrack_helpers: ftp,\n',
    expect: [[2, 'invalid-option-value', 'dropped', 'extraneous commas in list']],
  },
  {
    name: 'bad alias address',
    text: '[ALIASES]\nx1 10.0.0.300\n',
    expect: [
      [
        2,
        'invalid-alias-address',
        'dropped',
        'value does not look like a valid IP address or CIDR network',
      ],
    ],
  },
  {
    name: 'alias with two blanks is silently dropped',
    text: '[ALIASES]\nbad  10.0.0.6\n',
    expect: [[2, 'malformed-alias', 'dropped', 'alias line is not NAME ADDRESS']],
  },
  { name: 'alias prefix length is not checked', text: '[ALIASES]\nnet8 10.0.0.0/99\n', expect: [] },
  {
    name: 'rule with one token',
    text: '[RULES]\nIN\n',
    expect: [[2, 'unparsable-rule', 'dropped', 'unable to parse rule: IN']],
  },
  {
    name: 'blank after the disabling bar',
    text: '[RULES]\n| IN ACCEPT\n',
    expect: [[2, 'unparsable-rule', 'dropped', 'unable to parse rule:  IN ACCEPT']],
  },
  {
    name: 'two blanks after a flag',
    text: '[RULES]\nIN ACCEPT -p  tcp\n',
    expect: [
      [2, 'unparsable-rule-parameters', 'dropped', 'unable to parse rule parameters: -p  tcp'],
    ],
  },
  {
    name: 'tab after a flag',
    text: '[RULES]\nIN ACCEPT -p\ttcp\n',
    expect: [
      [2, 'unparsable-rule-parameters', 'dropped', 'unable to parse rule parameters: -p\ttcp'],
    ],
  },
  {
    name: 'upper-case log level',
    text: '[RULES]\nIN ACCEPT -log INFO\n',
    expect: [
      [2, 'unparsable-rule-parameters', 'dropped', 'unable to parse rule parameters: -log INFO'],
    ],
  },
  {
    name: 'GROUP takes only -i',
    text: '[RULES]\nGROUP web -p tcp\n',
    expect: [
      [2, 'unparsable-rule-parameters', 'dropped', 'unable to parse rule parameters: -p tcp'],
    ],
  },
  { name: 'tabs elsewhere are fine', text: '[RULES]\nIN\tACCEPT\t-p tcp  -dport 22\n', expect: [] },
  { name: 'comment without a blank', text: '[RULES]\nIN ACCEPT -p tcp -dport 22#x\n', expect: [] },
  {
    name: 'mixed family through an alias drops the line',
    text: CLUSTER_BASE + '[RULES]\nIN ACCEPT -source v4host -dest v6host\n',
    expect: [[9, 'mixed-address-family', 'dropped', 'detected mixed ipv4/ipv6 addresses in rule']],
  },
  {
    name: 'mixed family through literals keeps the rule',
    kind: 'host',
    text: '[RULES]\nIN ACCEPT -source 10.0.0.1 -p icmpv6\n',
    expect: [
      [2, 'mixed-address-family', 'kept-with-errors', 'detected mixed ipv4/ipv6 addresses in rule'],
    ],
  },
  {
    name: 'invalid rule type',
    kind: 'host',
    text: '[RULES]\nFOO ACCEPT\n',
    expect: [
      [2, 'invalid-rule-type', 'kept-with-errors', "invalid rule type 'foo' for rule_env 'host'"],
    ],
  },
  {
    name: 'FORWARD in a guest',
    kind: 'guest',
    text: '[RULES]\nFORWARD ACCEPT\n',
    expect: [
      [2, 'invalid-rule-type', 'kept-with-errors', "invalid rule type 'forward' for rule_env 'vm'"],
    ],
  },
  {
    name: 'GROUP inside a group',
    text: '[group web]\nGROUP other\n',
    expect: [
      [
        2,
        'invalid-rule-type',
        'kept-with-errors',
        "invalid rule type 'group' for rule_env 'group'",
      ],
    ],
  },
  {
    name: 'IN in a vnet',
    kind: 'vnet',
    text: '[RULES]\nIN ACCEPT\n',
    expect: [
      [2, 'invalid-rule-type', 'kept-with-errors', "invalid rule type 'in' for rule_env 'vnet'"],
    ],
  },
  {
    name: 'REJECT on FORWARD',
    text: '[RULES]\nFORWARD REJECT\n',
    expect: [
      [2, 'invalid-action', 'kept-with-errors', 'cannot define REJECT rules on forward chain'],
    ],
  },
  {
    name: 'lower-case action',
    text: '[RULES]\nIN accept\n',
    expect: [[2, 'invalid-action', 'kept-with-errors', "unknown action 'accept'"]],
  },
  {
    name: 'lower-case macro action',
    text: '[RULES]\nIN SSH(accept)\n',
    expect: [[2, 'invalid-action', 'kept-with-errors', "unknown action 'SSH(accept)'"]],
  },
  {
    name: 'macro as group name',
    text: '[RULES]\nGROUP SSH(ACCEPT)\n',
    expect: [
      [2, 'invalid-action', 'kept-with-errors', 'invalid characters in security group name'],
    ],
  },
  {
    name: '-i inside a group',
    text: '[group web]\nIN ACCEPT -i eth0\n',
    expect: [
      [
        2,
        'interface-not-allowed',
        'kept-with-errors',
        'parameter -i not allowed for this rule type',
      ],
    ],
  },
  {
    name: 'dash in an interface name',
    text: '[RULES]\nIN ACCEPT -i wg-mgmt\n',
    expect: [
      [2, 'invalid-interface', 'kept-with-errors', "invalid network interface name 'wg-mgmt'"],
    ],
  },
  { name: 'VLAN interface', text: '[RULES]\nIN DROP -i vmbr0.100 -p udp\n', expect: [] },
  {
    name: 'guest interface must be netN',
    kind: 'guest',
    text: '[RULES]\nIN ACCEPT -i eth0\n',
    expect: [
      [
        2,
        'invalid-interface',
        'kept-with-errors',
        "value does not match the regex pattern 'net\\d+'",
      ],
    ],
  },
  {
    name: 'unknown macro',
    text: '[RULES]\nIN Nope(ACCEPT)\n',
    expect: [[2, 'unknown-macro', 'kept-with-errors', "unknown macro 'Nope'"]],
  },
  { name: 'macro names ignore case', text: '[RULES]\nIN ssh(ACCEPT)\n', expect: [] },
  {
    name: 'unknown protocol',
    text: '[RULES]\nIN ACCEPT -p TCP\n',
    expect: [[2, 'unknown-protocol', 'kept-with-errors', "unknown protocol 'TCP'"]],
  },
  {
    name: 'unlisted protocol number',
    text: '[RULES]\nIN ACCEPT -p 200\n',
    expect: [[2, 'unknown-protocol', 'kept-with-errors', "unknown protocol '200'"]],
  },
  { name: 'listed protocol number', text: '[RULES]\nIN ACCEPT -p 47\n', expect: [] },
  {
    name: 'port out of range',
    text: '[RULES]\nOUT ACCEPT -p tcp -dport 99999\n',
    expect: [[2, 'invalid-port', 'kept-with-errors', "invalid port '99999'"]],
  },
  {
    name: 'service alias is not accepted',
    text: '[RULES]\nIN ACCEPT -p tcp -dport www\n',
    expect: [[2, 'invalid-port', 'kept-with-errors', "invalid port 'www'"]],
  },
  {
    name: 'service names are accepted',
    text: '[RULES]\nIN ACCEPT -p tcp -dport http,https\n',
    expect: [],
  },
  {
    name: 'backwards range',
    text: '[RULES]\nIN DROP -p tcp -dport 80:22\n',
    expect: [
      [
        2,
        'invalid-port',
        'kept-with-errors',
        "backwards range '80:22' not allowed, did you mean '22:80'?",
      ],
    ],
  },
  {
    name: 'trailing comma in ports',
    text: '[RULES]\nIN DROP -p tcp -dport 80,\n',
    expect: [[2, 'invalid-port', 'kept-with-errors', 'extraneous commas in list']],
  },
  {
    name: 'ICMP type in a port list',
    text: '[RULES]\nIN ACCEPT -p icmp -dport echo-request,8\n',
    expect: [[2, 'invalid-port', 'kept-with-errors', 'ICMP ports not allowed in port range']],
  },
  {
    name: 'sixteen port slots',
    text: '[RULES]\nIN ACCEPT -p tcp -dport 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n',
    expect: [
      [2, 'invalid-port', 'kept-with-errors', 'too many entries in port list (> 15 numbers)'],
    ],
  },
  {
    name: 'ranges count twice',
    text: '[RULES]\nIN ACCEPT -p tcp -dport 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15\n',
    expect: [],
  },
  {
    name: 'dport without proto',
    text: '[RULES]\nIN DROP -dport 22\n',
    expect: [
      [
        2,
        'missing-protocol',
        'kept-with-errors',
        "missing property - 'dport' requires this property",
      ],
      [2, 'protocol-without-ports', 'kept-with-errors', "protocol '' does not support ports"],
    ],
  },
  {
    name: 'sport without proto',
    text: '[RULES]\nIN DROP -p gre -sport 22\n',
    expect: [
      [2, 'protocol-without-ports', 'kept-with-errors', "protocol 'gre' does not support ports"],
    ],
  },
  {
    name: 'icmp-type without icmp',
    text: '[RULES]\nIN ACCEPT -p tcp -icmp-type echo-request\n',
    expect: [
      [
        2,
        'missing-protocol',
        'kept-with-errors',
        "missing property - 'icmp-type' requires this property",
      ],
    ],
  },
  {
    name: 'icmp-type with dport',
    text: '[RULES]\nIN ACCEPT -p icmp -dport 8 -icmp-type echo-request\n',
    expect: [
      [
        2,
        'invalid-icmp-type',
        'kept-with-errors',
        "'icmp-type' cannot be specified together with 'dport'",
      ],
    ],
  },
  {
    name: 'numeric icmp-type',
    text: '[RULES]\nIN ACCEPT -p icmp -icmp-type 8\n',
    expect: [
      [2, 'invalid-icmp-type', 'kept-with-errors', "invalid icmp-type '8' for proto 'icmp'"],
    ],
  },
  {
    name: 'icmpv6 name for icmp',
    text: '[RULES]\nIN ACCEPT -p icmp -icmp-type neighbor-solicitation\n',
    expect: [
      [
        2,
        'invalid-icmp-type',
        'kept-with-errors',
        "invalid icmp-type 'neighbor-solicitation' for proto 'icmp'",
      ],
    ],
  },
  {
    name: 'both neighbour spellings for icmpv6',
    text: '[RULES]\nIN ACCEPT -p icmpv6 -icmp-type neighbour-solicitation\n',
    expect: [],
  },
  {
    name: 'ipset reference too long',
    text: `[RULES]\nIN ACCEPT -source +a${'b'.repeat(64)}\n`,
    expect: [[2, 'invalid-address', 'kept-with-errors', 'ipset name too long']],
  },
  {
    name: 'alias reference too long',
    text: `[RULES]\nIN ACCEPT -source a${'b'.repeat(64)}\n`,
    expect: [[2, 'invalid-address', 'kept-with-errors', 'alias name too long']],
  },
  {
    name: 'host bits set',
    text: '[RULES]\nIN ACCEPT -source 10.0.0.1/24\n',
    expect: [
      [
        2,
        'invalid-address',
        'kept-with-errors',
        'invalid IP address: Invalid prefix 00001010000000000000000000000001/24',
      ],
    ],
  },
  {
    name: 'zone id',
    text: '[RULES]\nIN ACCEPT -source fe80::1%eth0\n',
    expect: [
      [
        2,
        'invalid-address',
        'kept-with-errors',
        'invalid IP address: Invalid IP address fe80::1%eth0',
      ],
    ],
  },
  {
    name: 'alias inside a list',
    text: '[RULES]\nIN ACCEPT -source myalias,10.0.0.1\n',
    expect: [
      [2, 'invalid-address', 'kept-with-errors', 'invalid IP address: Invalid chars in IP myalias'],
    ],
  },
  {
    name: 'mixed list',
    text: '[RULES]\nIN ACCEPT -source 10.0.0.1,fd00::1\n',
    expect: [
      [
        2,
        'mixed-address-family',
        'kept-with-errors',
        "detected mixed ipv4/ipv6 addresses in address list '10.0.0.1,fd00::1'",
      ],
    ],
  },
  {
    name: 'range in a list',
    text: '[RULES]\nIN ACCEPT -source 10.0.0.1-10.0.0.9,10.0.0.20\n',
    expect: [[2, 'invalid-address', 'kept-with-errors', "you can't use a range in a list"]],
  },
  {
    name: 'lenient Net::IP forms',
    text: '[RULES]\nIN ACCEPT -source 10\nIN ACCEPT -source 10.1/16\nIN ACCEPT -source 010.0.0.1\nIN ACCEPT -source 10.0.0.1-10.0.0.9\n',
    expect: [],
  },
  {
    name: 'forward reference to an ipset',
    text: '[RULES]\nIN ACCEPT -source +later\n[IPSET later]\n10.1.0.0/16\n',
    expect: [[2, 'undefined-ipset', 'kept-with-errors', "no such ipset 'later'"]],
  },
  {
    name: 'ipset reference case',
    text: '[IPSET MySet]\n10.0.0.1\n[RULES]\nIN ACCEPT -source +MySet\nIN ACCEPT -source +myset\n',
    expect: [[4, 'undefined-ipset', 'kept-with-errors', "no such ipset 'MySet'"]],
  },
  {
    name: 'malformed ipset reference',
    text: '[RULES]\nIN ACCEPT -source +dc/x\n',
    expect: [[2, 'invalid-address', 'kept-with-errors', "invalid ipset name '+dc/x'"]],
  },
  {
    name: 'undefined alias',
    text: '[RULES]\nIN ACCEPT -source dc/myalias\n',
    expect: [[2, 'undefined-alias', 'kept-with-errors', "no such alias 'dc/myalias'"]],
  },
  {
    name: 'alias references ignore case',
    text: '[ALIASES]\nMyAlias 10.9.9.9\n[RULES]\nIN ACCEPT -source myalias\n',
    expect: [],
  },
  {
    name: 'macro already fixes the protocol',
    text: '[RULES]\nIN Ping(ACCEPT) -p tcp\n',
    expect: [
      [
        2,
        'macro-conflict',
        'kept-with-errors',
        "parameter 'proto' already define in macro (value = 'icmp')",
      ],
    ],
  },
  { name: 'IPv6 macro variant', text: '[RULES]\nIN Ping(ACCEPT) -p icmpv6\n', expect: [] },
  {
    name: 'scope prefixes pass parsing',
    kind: 'guest',
    cluster: CLUSTER_BASE,
    text: '[RULES]\nIN ACCEPT -source +guest/web\nIN ACCEPT -source guest/v4host\n',
    expect: [],
  },
  {
    name: 'guest sees cluster names',
    kind: 'guest',
    cluster: CLUSTER_BASE,
    text: '[RULES]\nIN ACCEPT -source +web\nIN ACCEPT -source +nope\n',
    expect: [[3, 'undefined-ipset', 'kept-with-errors', "no such ipset 'nope'"]],
  },
  {
    name: 'ipset entry errors',
    text: '[IPSET s1]\n10.0.0.1\n10.0.0.1/32\n0.0.0.0/0\n10.0.0.2-10.0.0.5\ntwo tokens\nnope\n',
    expect: [
      [3, 'duplicate-ipset-entry', 'entry-error', "duplicate ipset entry for '10.0.0.1'"],
      [
        4,
        'zero-prefix-ipset-entry',
        'entry-error',
        'a zero prefix is not allowed in ipset entries',
      ],
      [
        5,
        'invalid-ipset-entry',
        'entry-error',
        'value does not look like a valid IP address or CIDR network',
      ],
      [
        6,
        'invalid-ipset-entry',
        'entry-error',
        'value does not look like a valid IP address or CIDR network',
      ],
      [7, 'undefined-alias', 'entry-error', "no such alias 'nope'"],
    ],
  },
  {
    name: 'nomatch entries and aliases in an ipset',
    text: '[ALIASES]\nhost1 10.0.0.9\n[IPSET s1]\n10.0.0.0/8\n! 10.0.0.1\nhost1\n',
    expect: [],
  },
  {
    name: 'guest ipset scopes',
    kind: 'guest',
    cluster: CLUSTER_BASE,
    text: '[ALIASES]\nlocal1 10.5.5.5\n[IPSET ipfilter-net0]\ndc/v4host\nguest/local1\nguest/v4host\n',
    expect: [[6, 'undefined-alias', 'entry-error', "no such alias 'v4host'"]],
  },
  {
    name: 'sections a host file lacks',
    kind: 'host',
    text: '[OPTIONS]\nenable: 1\n[ALIASES]\n',
    expect: [[3, 'invalid-option', 'dropped', "can't parse option '[ALIASES]'"]],
  },
];

for (const c of CASES) {
  test(c.name, () => {
    const kind = c.kind ?? 'cluster';
    const path =
      kind === 'guest'
        ? '100.fw'
        : kind === 'host'
          ? 'host.fw'
          : kind === 'vnet'
            ? 'sdn/firewall/v1.fw'
            : 'cluster.fw';
    const options = c.cluster ? { cluster: { path: 'cluster.fw', text: c.cluster } } : {};
    const findings = checkFile({ path, text: c.text }, kind, { ...options, sdnIpSets: [] });
    const index = new LineIndex(c.text);
    const got = findings
      .filter((f) => f.proxmox !== null)
      .map((f) => [index.positionAt(f.span.start).line + 1, f.code, f.proxmox, f.message] as const);
    const sortKey = (r: readonly [number, string, unknown, string]): string =>
      `${String(r[0]).padStart(5)} ${r[1]} ${r[3]}`;
    assert.deepEqual(
      [...got].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
      [...c.expect].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
    );
  });
}
