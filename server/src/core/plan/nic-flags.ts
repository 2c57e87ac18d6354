// The one part of topology.json a push writes back: a NIC's firewall flag (`firewall=1` in the
// guest's net<N>). Everything else in the file is what the cluster reported at the last pull,
// and a change there is reported, never silently ignored. Pure: data in, calls out.
import type { PulledTopology } from './topology';

export interface NicFlagChange {
  readonly vmid: number;
  readonly nic: string;
  readonly firewall: boolean;
}

export interface TopologyEdits {
  readonly changes: readonly NicFlagChange[];
  /** Edits of parts pvefw does not push, each said once. */
  readonly problems: readonly string[];
}

/** Fields a pull writes that are the user's own and pushed nowhere. */
const LOCAL_FIELDS = ['managedFrom'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first place where two JSON values differ, as a path (`guests[0].nics[1].bridge`). */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const found = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return a === b ? undefined : path || '(the whole file)';
}

/**
 * What the workspace's topology.json (`edited`, parsed JSON) changes against the topology the
 * last pull wrote (`base`): NIC firewall flags to push, and any other edit as a problem.
 */
export function topologyEdits(base: PulledTopology, edited: unknown): TopologyEdits {
  if (!isRecord(edited))
    return {
      changes: [],
      problems: ['topology.json: must hold a JSON object (as pvefw pull wrote it)'],
    };
  const changes: NicFlagChange[] = [];
  const editedGuests: unknown[] = Array.isArray(edited['guests'])
    ? (edited['guests'] as unknown[])
    : [];
  // The base with the edited flags in it: anything else that differs was edited too.
  const expected = JSON.parse(JSON.stringify(base)) as Record<string, unknown> & PulledTopology;
  for (const guest of expected.guests) {
    const mine = editedGuests.find((g) => isRecord(g) && g['vmid'] === guest.vmid);
    if (!isRecord(mine) || !Array.isArray(mine['nics'])) continue;
    for (const nic of guest.nics as unknown as { name: string; firewall: boolean }[]) {
      const edit = (mine['nics'] as unknown[]).find((n) => isRecord(n) && n['name'] === nic.name);
      const flag = isRecord(edit) ? edit['firewall'] : undefined;
      if (typeof flag !== 'boolean' || flag === nic.firewall) continue;
      changes.push({ vmid: guest.vmid, nic: nic.name, firewall: flag });
      nic.firewall = flag;
    }
  }
  const strip = (value: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(value).filter(([key]) => !LOCAL_FIELDS.includes(key)));
  const where = firstDifference(strip(expected), strip(edited), '');
  const problems =
    where === undefined
      ? []
      : [
          `topology.json: ${where} differs from what the cluster reported at the last pull; ` +
            `pvefw pushes only a NIC's firewall flag (guests[].nics[].firewall): undo that edit, or pull to refresh the file`,
        ];
  return { changes, problems };
}

/** The topology with the changed flags: what the cluster will report after the push. */
export function withNicFlags(
  topology: PulledTopology,
  changes: readonly NicFlagChange[],
): PulledTopology {
  if (changes.length === 0) return topology;
  return {
    ...topology,
    guests: topology.guests.map((guest) => ({
      ...guest,
      nics: guest.nics.map((nic) => {
        const change = changes.find((c) => c.vmid === guest.vmid && c.nic === nic.name);
        return change ? { ...nic, firewall: change.firewall } : nic;
      }),
    })),
  };
}

/**
 * The NIC's property string with only its firewall flag changed: the value of an existing
 * `firewall=` is replaced in place, else `,firewall=1` is appended; every other byte stays.
 */
export function netWithFirewall(value: string, firewall: boolean): string {
  const flag = firewall ? '1' : '0';
  const parts = value.split(',');
  const at = parts.findIndex((p) => p.startsWith('firewall='));
  if (at !== -1) {
    parts[at] = `firewall=${flag}`;
    return parts.join(',');
  }
  return firewall ? `${value},firewall=1` : value;
}

/** A guest's config as a push needs it: its digest and its net<N> values, as the API shows them. */
export interface GuestNetConfig {
  readonly vmid: number;
  readonly node: string;
  readonly type: 'qemu' | 'lxc';
  readonly digest?: string;
  readonly nets: Readonly<Record<string, string>>;
}

/** One config call of a push: every flag change of one guest, digest-checked. */
export interface NicCall {
  readonly vmid: number;
  readonly node: string;
  readonly type: 'qemu' | 'lxc';
  readonly changes: readonly NicFlagChange[];
  readonly request: {
    readonly method: 'PUT';
    readonly path: string;
    readonly params: Readonly<Record<string, string>>;
  };
  /** On before the firewall calls (turning a flag off) or after them (turning one on). */
  readonly when: 'first' | 'last';
  readonly summary: string;
}

/**
 * The config calls for the flag changes: one per guest and direction. A guest whose config the
 * cluster did not show is a problem.
 */
export function planNicCalls(
  changes: readonly NicFlagChange[],
  configs: ReadonlyMap<number, GuestNetConfig>,
): { calls: NicCall[]; problems: string[] } {
  const calls: NicCall[] = [];
  const problems: string[] = [];
  const byGuest = new Map<string, NicFlagChange[]>();
  for (const change of changes) {
    const key = `${change.vmid}:${change.firewall ? 'on' : 'off'}`;
    byGuest.set(key, [...(byGuest.get(key) ?? []), change]);
  }
  for (const [key, list] of [...byGuest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [guest, flag] = key.split(':');
    const vmid = Number(guest);
    const config = configs.get(vmid);
    const missing = list.filter((c) => config?.nets[c.nic] === undefined);
    if (!config || missing.length > 0) {
      problems.push(
        `guest ${vmid}: the cluster did not show ${missing.map((c) => c.nic).join(', ') || 'its config'}, so its firewall flag cannot be set`,
      );
      continue;
    }
    const params: Record<string, string> = {};
    for (const change of list) {
      const net = config.nets[change.nic];
      if (net !== undefined) params[change.nic] = netWithFirewall(net, change.firewall);
    }
    if (config.digest) params['digest'] = config.digest;
    const on = flag === 'on';
    calls.push({
      vmid,
      node: config.node,
      type: config.type,
      changes: list,
      request: {
        method: 'PUT',
        path: `/nodes/${config.node}/${config.type}/${vmid}/config`,
        params,
      },
      when: on ? 'last' : 'first',
      summary: `guest ${vmid}: firewall ${on ? 'on' : 'off'} for ${list.map((c) => c.nic).join(', ')}`,
    });
  }
  return { calls, problems };
}
