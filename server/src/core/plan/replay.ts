// What the cluster holds after the first calls of a push, computed from the state the push was
// planned against and those calls, the way the planner predicted them. A push that stopped
// half-way records this as the new base of the workspace: what pvefw itself applied is then no
// change by someone else, and a later merge sees only the other changes.
import { formatProxmoxConf } from '../writer';
import type { FirewallState } from './firewall-state';
import type { FwFileRef } from './fw-files';
import type { Action } from './operations';
import { RemoteModel } from './remote-model';

/** One call of a push, as the push records it before it starts. */
export interface JournalCall {
  readonly file: string;
  readonly ref: FwFileRef;
  readonly action: Action;
}

/**
 * The text of each file the applied calls changed, as Proxmox writes it after them ('' when
 * Proxmox deletes it). `start` is the cluster the plan was made against.
 */
export function replayCalls(
  start: FirewallState,
  calls: readonly JournalCall[],
  now?: number,
): Map<string, { ref: FwFileRef; text: string }> {
  const model = new RemoteModel(start, now);
  const touched = new Map<string, FwFileRef>();
  for (const call of calls) {
    model.apply(call.file, call.ref, call.action);
    touched.set(call.file, call.ref);
  }
  const out = new Map<string, { ref: FwFileRef; text: string }>();
  for (const [path, ref] of touched)
    out.set(path, { ref, text: formatProxmoxConf(ref.kind, model.conf(path)) });
  return out;
}
