// A pulled file must read back as exactly what the cluster holds (issue 15). Proxmox's writer
// puts values into the file as they are, so a value the file format cannot hold (a comment with
// a line break, a port list with blanks) would come back as something else, possibly an extra
// rule. Each file is written, parsed and loaded again, and every list compared with the
// cluster's, record by record.
import type { DigestRecord } from './digest';
import { formatFirewallState, loadFirewallState, type FirewallState } from './firewall-state';
import { perlTrue } from '../syntax';
import { canonicalComment } from './canonical';
import { listKey, listRecords, listsOf, parseListKey, type ListName } from './lists';

export interface RoundTripFailure {
  /** The list (listKey) that does not survive the file. */
  readonly list: string;
  /** The cluster's record that differs (the first one), or the whole options object. */
  readonly value: DigestRecord | undefined;
}

// What the loader derives from the text rather than reads from it, and so no part of what a
// file must hold: verify_rule's errors and the address family.
const DERIVED = new Set(['errors', 'ipversion']);

function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A record as a file can hold it. The writer's own losses are no failure: it leaves out
 * Perl-false values (`-dport 0`, `nomatch: 0`; options keep theirs) and trims comments.
 */
function held(record: DigestRecord, isOptions: boolean): string {
  const kept: [string, unknown][] = [];
  for (const [key, value] of Object.entries(record)) {
    if (DERIVED.has(key)) continue;
    if (!isOptions && key !== 'enable' && !perlTrue(String(value))) continue;
    const shown = key === 'comment' ? canonicalComment(String(value)) : value;
    if (shown !== undefined) kept.push([key, shown]);
  }
  return JSON.stringify(kept.sort(byKey));
}

/** The records as the file holds them; an ipset's entries in any order (the writer sorts them). */
function heldRecords(records: DigestRecord | DigestRecord[], name: ListName): string[] {
  const list = (Array.isArray(records) ? records : [records]).map((record) =>
    held(record, name.list === 'options'),
  );
  return name.list === 'ipset' ? list.sort() : list;
}

/** The first list of `state` that its own files do not give back, or undefined. */
export function roundTripFailure(state: FirewallState): RoundTripFailure | undefined {
  const texts = formatFirewallState(state);
  const reloaded = loadFirewallState(
    new Map([...texts].map(([path, text]) => [path, { ref: state.files.get(path)!.ref, text }])),
    state.sdnIpSets ? { sdnIpSets: state.sdnIpSets } : {},
  );
  for (const [path, file] of state.files) {
    const back = reloaded.files.get(path)?.conf ?? {};
    const keys = new Set(
      [...listsOf(file.conf, file.ref.kind), ...listsOf(back, file.ref.kind)].map((name) =>
        listKey(path, name),
      ),
    );
    for (const key of keys) {
      const { name } = parseListKey(key);
      const ours = listRecords(file.conf, name);
      const want = heldRecords(ours, name);
      const got = heldRecords(listRecords(back, name), name);
      const at = want.findIndex((record, i) => record !== got[i]);
      if (at === -1 && want.length === got.length) continue;
      const list = Array.isArray(ours) ? ours : [ours];
      const value =
        name.list === 'ipset'
          ? list.find((record) => held(record, false) === want[at])
          : list[at === -1 ? list.length : at];
      return { list: key, value };
    }
  }
  return undefined;
}
