import type { Severity } from './finding';

export interface CodeInfo {
  readonly severity: Severity;
  /** True when the code reports Proxmox's own verdict on the line; false for our lints. */
  readonly proxmox: boolean;
  readonly summary: string;
}

const proxmox = (summary: string): CodeInfo => ({ severity: 'error', proxmox: true, summary });
const lint = (severity: Severity, summary: string): CodeInfo => ({
  severity,
  proxmox: false,
  summary,
});

/** Every diagnostic code, its default severity and one line of documentation. */
export const DIAGNOSTIC_CODES = {
  'no-section': proxmox(
    'Content before any section header (or after an invalid [IPSET]/[group] header): Proxmox skips the line.',
  ),
  'crlf-line-endings': proxmox(
    'Windows line ends hide every section header from Proxmox: the whole file is ignored.',
  ),
  'invalid-group-name': proxmox(
    'A [group] name that is too long (over 18) or not letter + letters/digits/-/_: the section is not opened.',
  ),
  'invalid-ipset-name': proxmox(
    'An [IPSET] name that is too long (over 64) or not letter + letters/digits/-/_: the section is not opened.',
  ),
  'invalid-option': proxmox(
    'An [OPTIONS] line Proxmox cannot parse for this file kind (unknown key, bad value, trailing comment): dropped.',
  ),
  'invalid-option-value': proxmox(
    'An option value with an unknown item (ethertype, conntrack helper): the option line is dropped.',
  ),
  'invalid-log-ratelimit': proxmox(
    'An invalid log_ratelimit makes cluster.fw fail to load as a whole: nothing in it applies.',
  ),
  'malformed-alias': proxmox(
    'An alias line that is not "NAME ADDRESS" with one blank: Proxmox silently stores nothing.',
  ),
  'invalid-alias-address': proxmox(
    'An alias whose address is not an IPv4/IPv6 address or CIDR: the alias is dropped.',
  ),
  'unparsable-rule': proxmox('A rule line without a direction and an action: dropped.'),
  'unparsable-rule-parameters': proxmox(
    'A rule with an option Proxmox cannot read (unknown flag, two blanks after a flag, bad -log level): dropped.',
  ),
  'mixed-address-family': proxmox(
    'IPv4 and IPv6 mixed in one rule (through literals, -p icmp/icmpv6 or aliases).',
  ),
  'invalid-rule-type': proxmox(
    'A direction this file or section does not allow: the rule is kept but never applied.',
  ),
  'interface-not-allowed': proxmox(
    '-i where Proxmox does not allow it (inside [group], in vnet files): kept, never applied.',
  ),
  'invalid-action': proxmox(
    'An unknown action (actions are case-sensitive) or REJECT on FORWARD: kept, never applied.',
  ),
  'invalid-interface': proxmox(
    'An -i value that is not a valid interface name (guest files: net0, net1…): kept, never applied.',
  ),
  'unknown-macro': proxmox('A macro Proxmox does not define: kept, never applied.'),
  'unknown-protocol': proxmox(
    'A -p value that is not in /etc/protocols (names are case-sensitive): kept, never applied.',
  ),
  'invalid-port': proxmox(
    'A bad port list (out of range, backwards range, unknown service, over 15 slots): kept, never applied.',
  ),
  'missing-protocol': proxmox('Ports or an ICMP type without -p: kept, never applied.'),
  'protocol-without-ports': proxmox('Ports with a protocol that has none: kept, never applied.'),
  'invalid-icmp-type': proxmox('An ICMP type that does not fit the protocol: kept, never applied.'),
  'invalid-address': proxmox(
    'A -source/-dest value Proxmox rejects (host bits set, bad list, range in a list): kept, never applied.',
  ),
  'undefined-ipset': proxmox(
    'A +set that is not defined (yet: names resolve top to bottom; case-sensitive): kept, never applied.',
  ),
  'undefined-alias': proxmox(
    'An alias that is not defined (yet: names resolve top to bottom): kept, never applied.',
  ),
  'macro-conflict': proxmox('A value the macro already fixes differently: kept, never applied.'),
  'invalid-log-level': proxmox('A log level Proxmox does not know: kept, never applied.'),
  'invalid-ipset-entry': proxmox(
    'An ipset entry that is not one address, CIDR or alias: kept, never applied.',
  ),
  'duplicate-ipset-entry': proxmox(
    'The same entry twice in one ipset: the later one is kept with an error.',
  ),
  'zero-prefix-ipset-entry': proxmox('A /0 ipset entry: kept, never applied.'),
  'merge-conflict': lint(
    'error',
    'Left by pvefw pull where the workspace and the cluster changed the same thing: keep one side, delete the markers; push refuses until then.',
  ),
  'duplicate-option': lint('warning', 'An option set twice: the later value silently wins.'),
  'duplicate-definition': lint(
    'warning',
    'A second [IPSET x] or [group x] of the same name silently replaces the first.',
  ),
  'duplicate-alias': lint(
    'warning',
    'An alias defined twice (names are case-insensitive): the later one silently wins.',
  ),
  'unreferenceable-alias': lint(
    'warning',
    'An alias name no rule can reference (it must be a letter then letters, digits, - or _).',
  ),
  'cluster-enable-timestamp': lint(
    'warning',
    'cluster enable above 1 is a time stamp: on for 60 seconds after it was written, then off.',
  ),
  'repeated-rule-option': lint(
    'warning',
    'An option given twice in one rule: the last one silently wins.',
  ),
  'unverified-reference': lint(
    'information',
    'A name that only a file we do not have (cluster.fw, the SDN setup) could define.',
  ),
  'option-without-effect': lint('information', 'An option pve-firewall accepts but ignores.'),
  'shadowed-rule': lint(
    'warning',
    'A rule that can never match: earlier rules decide all its packets, some with another verdict.',
  ),
  'redundant-rule': lint(
    'hint',
    'A rule that can never match and whose removal changes nothing: earlier rules give its packets its own verdict.',
  ),
  'disabled-rule': lint(
    'information',
    'A rule disabled with "|": kept, never applied; says whether it could match if enabled.',
  ),
  'skipped-by-proxmox': lint(
    'error',
    'A rule Proxmox accepts but skips when compiling (a scoped name it cannot resolve, a missing group, a bad ICMP type): never applied.',
  ),
  'lockout-risk': lint(
    'warning',
    "A host rule that drops or rejects the web UI (8006) or SSH (22) before Proxmox's management allowances apply.",
  ),
  'rule-overlap': lint(
    'hint',
    'A rule that partly overlaps an earlier rule with another verdict (correlation or generalization); off unless asked for.',
  ),
  'management-lockout': lint(
    'error',
    "The files cut this machine (topology.json's managedFrom) off a node's web UI or SSH: the push would be refused.",
  ),
  'outbound-blocked': lint(
    'warning',
    'policy_out DROP/REJECT with nothing that lets the nodes reach DNS, NTP, package updates or each other.',
  ),
  'guest-firewall-off': lint(
    'warning',
    'A guest file with enable: 1 whose NICs all lack firewall=1 (topology.json): none of its rules applies.',
  ),
  'unused-definition': lint(
    'hint',
    'An ipset, alias or security group that no file of the cluster refers to.',
  ),
  'invalid-topology': lint(
    'warning',
    'A topology.json beside cluster.fw that cannot be read: the editor assumes the topology instead.',
  ),
  'unknown-file-kind': lint(
    'warning',
    'A .fw file whose name says no kind (web.fw, default.fw): not checked, and never read by Proxmox.',
  ),
  'nftables-load-error': proxmox(
    'proxmox-firewall (nftables) fails the whole file on this line: its nodes keep their previous ruleset.',
  ),
  'nftables-differs': {
    severity: 'warning',
    proxmox: true,
    summary:
      'proxmox-firewall (nftables) reads this line differently from pve-firewall (iptables); the hint names the portable spelling.',
  },
  'nftables-update-error': proxmox(
    "proxmox-firewall's whole update fails on this line (it aborts, or nft refuses the batch): its nodes keep their previous ruleset.",
  ),
  'nftables-skips': {
    severity: 'warning',
    proxmox: true,
    summary:
      'proxmox-firewall skips this rule (a missing ipset, alias, macro or NIC); before 1.2.3 it failed the whole update.',
  },
  'nftables-ignores': {
    severity: 'information',
    proxmox: true,
    summary: 'An option only pve-firewall (iptables) has: proxmox-firewall (nftables) ignores it.',
  },
  'internal-error': lint(
    'error',
    'pvefw itself failed on this file; please report it with the file.',
  ),
} as const satisfies Readonly<Record<string, CodeInfo>>;

/** A diagnostic code: a typo does not compile. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Whether a string (from a setting, a file, a client) is one of our codes. */
export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.hasOwn(DIAGNOSTIC_CODES, code);
}
