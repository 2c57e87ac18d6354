import type { DiagnosticCode } from '../findings';
import { asciiLower, parseIpOrCidr, type IpSetEntryLine } from '../syntax';
import type { Span } from '../text';
import { ALIAS_REF } from './address-list';
import type { IpSetEntry } from './fw-config';
import type { LoadState } from './load-state';

const NOT_AN_ADDRESS = 'value does not look like a valid IP address or CIDR network';

/** An entry of the current [IPSET] section, with Proxmox's verdict when it is wrong. */
export function loadIpSetEntry(state: LoadState, line: IpSetEntryLine): void {
  const set = state.currentSet!;
  const whole = state.wholeLine(line);
  let error: string | undefined;
  let code: DiagnosticCode = 'invalid-ipset-entry';
  let cidr = line.entryToken?.text;
  let isAlias = false;
  let errorSpan: Span = line.entryToken?.span ?? whole;
  const alias = cidr !== undefined ? ALIAS_REF.exec(cidr) : null;
  if (cidr === undefined) {
    error = NOT_AN_ADDRESS;
  } else if (alias) {
    isAlias = true;
    const lower = asciiLower(alias[2]!);
    const scope = alias[1] ?? '';
    // resolve_alias: in cluster.fw the file is both the local and the cluster config.
    const local = state.hasLocalNames ? state.config : undefined;
    const found =
      (scope !== 'dc/' ? local?.aliases.get(lower) : undefined) ??
      (scope !== 'guest/' ? state.cluster?.aliases.get(lower) : undefined);
    if (!found && state.cluster === undefined && scope !== 'guest/') {
      state.unverified.push({
        lineNumber: line.line.number,
        name: cidr,
        span: errorSpan,
        missing: 'cluster',
      });
    } else if (!found) {
      error = `no such alias '${alias[2]!}'`;
      code = 'undefined-alias';
    }
  } else {
    const parsed = parseIpOrCidr(cidr);
    if (!parsed) error = NOT_AN_ADDRESS;
    else cidr = parsed.cidr;
  }
  if (error === undefined && cidr !== undefined && state.seenEntries.has(cidr)) {
    error = `duplicate ipset entry for '${cidr}'`;
    code = 'duplicate-ipset-entry';
  }
  if (cidr !== undefined && /\/0+$/.test(cidr)) {
    error = 'a zero prefix is not allowed in ipset entries';
    code = 'zero-prefix-ipset-entry';
  }
  if (error !== undefined) {
    if (!line.entryToken) errorSpan = whole;
    state.verdict(line, 'entry-error', code, error, errorSpan);
  }
  const entry: IpSetEntry = {
    line,
    isAlias,
    nomatch: line.nomatch,
    ...(cidr !== undefined ? { cidr } : {}),
    ...(error !== undefined ? { error } : {}),
  };
  set.entries.push(entry);
  state.seenEntries.add(cidr ?? '');
}
