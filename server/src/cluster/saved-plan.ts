// A reviewed plan kept in a file (`pvefw plan --out FILE`) and pushed as reviewed
// (`pvefw push FILE`), as Terraform applies a saved plan: push plans again against the live
// cluster and goes ahead only when that plan is call for call the reviewed one and the cluster's
// lists still have the digests the reviewer saw. Otherwise it refuses and says what moved.
import { readFileSync, writeFileSync } from 'node:fs';
import { allDigests } from '../core/plan';
import { ClusterError } from './errors';
import type { WorkspacePlan } from './plan-workspace';

export interface SavedCall {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly summary: string;
}

export interface SavedPlan {
  readonly pvefwPlan: 1;
  readonly host: string;
  /** listKey → digest of the cluster's lists when the plan was made. */
  readonly clusterDigests: Readonly<Record<string, string>>;
  readonly calls: readonly SavedCall[];
}

export function savedPlanOf(host: string, planned: WorkspacePlan): SavedPlan {
  return {
    pvefwPlan: 1,
    host,
    clusterDigests: allDigests(planned.snapshot.state),
    calls: [
      ...planned.nics.calls.filter((c) => c.when === 'first'),
      ...planned.plan.operations,
      ...planned.nics.calls.filter((c) => c.when === 'last'),
    ].map((call) => ({
      method: call.request.method,
      path: call.request.path,
      params: call.request.params,
      summary: call.summary,
    })),
  };
}

export function writeSavedPlan(path: string, plan: SavedPlan): void {
  writeFileSync(path, `${JSON.stringify(plan, null, 2)}\n`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a plan file, checking its shape (it may have been edited, or be something else). */
export function readSavedPlan(path: string, text: string = readFileSync(path, 'utf8')): SavedPlan {
  const bad = (why: string): ClusterError =>
    new ClusterError('config', `${path} is not a plan written by 'pvefw plan --out': ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (!isRecord(json) || json['pvefwPlan'] !== 1) throw bad('no "pvefwPlan": 1');
  const { host, clusterDigests, calls } = json;
  if (typeof host !== 'string') throw bad('no host');
  if (!isRecord(clusterDigests) || Object.values(clusterDigests).some((d) => typeof d !== 'string'))
    throw bad('no clusterDigests');
  if (
    !Array.isArray(calls) ||
    calls.some(
      (c) =>
        !isRecord(c) ||
        typeof c['method'] !== 'string' ||
        typeof c['path'] !== 'string' ||
        typeof c['summary'] !== 'string' ||
        !isRecord(c['params']),
    )
  )
    throw bad('no list of calls');
  return json as unknown as SavedPlan;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** Why the plan made now is not the reviewed one; undefined when it is. */
export function reviewedPlanMismatch(
  reviewed: SavedPlan,
  host: string,
  planned: WorkspacePlan,
): string | undefined {
  if (reviewed.host !== host) return `the plan was made for ${reviewed.host}, not ${host}`;
  const now = allDigests(planned.snapshot.state);
  const moved = [...new Set([...Object.keys(now), ...Object.keys(reviewed.clusterDigests)])]
    .filter((key) => now[key] !== reviewed.clusterDigests[key])
    .sort();
  if (moved.length > 0)
    return `the cluster changed since the plan was made (${moved.slice(0, 5).join(', ')}${moved.length > 5 ? ', …' : ''}); make and review a new plan`;
  const calls = savedPlanOf(host, planned).calls;
  if (canonical(calls) !== canonical(reviewed.calls))
    return `the workspace changed since the plan was made (${calls.length} calls now, ${reviewed.calls.length} reviewed); make and review a new plan`;
  return undefined;
}
