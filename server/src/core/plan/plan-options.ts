// The [OPTIONS] of one file in one call: changed keys set, missing keys deleted.
import type { ProxmoxConf } from '../model';
import { perlSorted, perlSortedEntries } from '../writer';
import type { FwFileRef } from './fw-files';
import type { PlanContext } from './plan-context';
import { emitter } from './plan-objects';

// Keys the file parser accepts but the API has no parameter for (the option schemas of
// src/PVE/API2/Firewall/{Cluster,Host,VM}.pm against parse_*_option in src/PVE/Firewall.pm):
// they can only stay as the cluster has them.
const PARSER_ONLY_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  guest: ['ips', 'ips_queues', 'layer2_protocols'],
  host: ['protection_limit'],
};

export function planOptions(
  ctx: PlanContext,
  path: string,
  ref: FwFileRef,
  target: ProxmoxConf,
): void {
  const have = ctx.model.conf(path).options ?? {};
  const want = target.options ?? {};
  const fixed = PARSER_ONLY_OPTIONS[ref.kind] ?? [];
  for (const key of fixed) {
    if (String(have[key] ?? '') === String(want[key] ?? '')) continue;
    const why = 'cannot be changed through the API (edit the file on the node instead)';
    ctx.problem(path, `option '${key}' ${why}`);
  }
  const set: Record<string, string | number> = {};
  for (const [key, value] of perlSortedEntries(want)) {
    if (!fixed.includes(key) && String(have[key]) !== String(value)) set[key] = value;
  }
  const gone = Object.keys(have).filter((key) => !(key in want) && !fixed.includes(key));
  const remove = perlSorted(gone);
  if (Object.keys(set).length === 0 && remove.length === 0) return;
  const parts = [
    ...Object.entries(set).map(([k, v]) => `${k}: ${v}`),
    ...remove.map((k) => `delete ${k}`),
  ];
  const action = { type: 'options-set', set, delete: remove } as const;
  emitter(ctx, path, ref)(action, 'options', `options ${parts.join(', ')}`);
}
