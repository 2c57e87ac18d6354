// Values as pve-firewall's loader holds them in memory, where that differs from what the
// syntax tree records: Perl integers, Perl truth, and the stale-capture quirk of ipset lines.
// Shared by the JSON view (proxmox-conf) and the writer so both agree on every value.
import { perlTrue } from '../syntax';
import type { FileKind } from './file-kind';
import type { IpSetEntry } from './fw-config';

// Keys whose option parser stores int($value) (FW:3253-3364); every other value stays a string.
const INTEGER_OPTIONS: Record<FileKind, ReadonlySet<string>> = {
  cluster: new Set(['enable', 'ebtables']),
  host: new Set([
    'enable',
    'nosmurfs',
    'tcpflags',
    'ndp',
    'log_nf_conntrack',
    'nf_conntrack_allow_invalid',
    'protection_synflood',
    'nftables',
    'nf_conntrack_max',
    'nf_conntrack_tcp_timeout_established',
    'nf_conntrack_tcp_timeout_syn_recv',
    'protection_synflood_rate',
    'protection_synflood_burst',
    'protection_limit',
  ]),
  guest: new Set(['enable', 'dhcp', 'ndp', 'radv', 'macfilter', 'ipfilter', 'ips']),
  vnet: new Set(['enable']),
};

/** Perl's time(): whole seconds. */
export function perlNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * An option value as the loader stores it. Cluster `enable` above 1 is a time stamp that
 * parse_clusterfw_option turns into 0 once it is more than 60 seconds old (FW:3321-3326), so
 * the result depends on `now` (Perl's time()).
 */
export function storedOptionValue(
  kind: FileKind,
  key: string,
  value: string,
  now: number,
): string | number {
  if (!INTEGER_OPTIONS[kind].has(key)) return value;
  const number = parseInt(value, 10);
  if (kind === 'cluster' && key === 'enable' && number > 1 && now - number > 60) return 0;
  return number;
}

/**
 * Whether Proxmox marks an ipset entry nomatch. For a line that is not one token the entry
 * regex fails and Perl's $1 is left from the last successful match: the comment capture when
 * the line had a "#", otherwise the whole line captured by the line loop (FW:3455, 3565-3568).
 */
export function entryNomatch(entry: IpSetEntry): boolean {
  const { line } = entry;
  if (line.entryToken) return line.nomatch;
  return line.line.content.includes('#') ? perlTrue(line.comment) : perlTrue(line.line.content);
}

/** Comments of aliases, ipset entries and headers are kept only when Perl-true ("0" is not). */
export function keptComment(comment: string | undefined): string | undefined {
  return perlTrue(comment) ? comment : undefined;
}

// Perl's \s on a decoded (character) string: Unicode white space, which differs from JS \s
// (Perl has U+0085 and not U+FEFF).
const PERL_UNICODE_BLANK =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** The writer's test for appending ` # comment`: Perl-true and not only white space. */
export function writtenComment(comment: string | undefined): string | undefined {
  return perlTrue(comment) && !PERL_UNICODE_BLANK.test(comment) ? comment : undefined;
}
