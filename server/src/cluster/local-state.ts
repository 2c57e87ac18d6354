// The workspace read into the same model as the cluster: each file is given its API identity
// from the topology (which node a guest runs on, VM or container).
import { loadFwConfig } from '../core/model';
import { parseFwSyntax } from '../core/syntax';
import { conflictMarkerOf } from '../core/syntax';
import { formatFirewallState, loadFirewallState, type FirewallState } from '../core/plan';
import { parseWorkspacePath, type FwFileRef } from '../core/plan';
import type { PulledTopology } from '../core/plan';

export interface LocalState {
  readonly state: FirewallState;
  /** Files that cannot be pushed anywhere (a guest or node the cluster does not have). */
  readonly problems: readonly { readonly file: string; readonly message: string }[];
  /** Lines Proxmox's parser drops, which a push therefore leaves out. */
  readonly dropped: readonly {
    readonly file: string;
    readonly line: number;
    readonly message: string;
  }[];
}

function refFor(path: string, topology: PulledTopology): FwFileRef | string {
  const name = parseWorkspacePath(path);
  if (!name) return 'not a firewall file of the /etc/pve layout';
  switch (name.kind) {
    case 'cluster':
      return name;
    case 'host':
      return topology.nodes.some((n) => n.name === name.node)
        ? name
        : `the cluster has no node '${name.node}'`;
    case 'vnet':
      return (topology.vnets ?? []).some((v) => v.vnet === name.vnet)
        ? name
        : `the cluster has no SDN vnet '${name.vnet}'`;
    case 'guest': {
      const guest = topology.guests.find((g) => String(g.vmid) === name.vmid);
      if (!guest) return `the cluster has no guest ${name.vmid}`;
      return {
        kind: 'guest',
        vmid: name.vmid,
        node: guest.node,
        type: guest.kind === 'ct' ? 'lxc' : 'qemu',
      };
    }
  }
}

/** The line numbers of the merge-conflict blocks' first lines ('<<<<<<< local'). */
function markerLines(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (conflictMarkerOf(line) === 'local') out.push(i + 1);
  });
  return out;
}

export function loadLocal(
  files: ReadonlyMap<string, string>,
  topology: PulledTopology,
  sdnIpSets?: ReadonlySet<string>,
): LocalState {
  const texts = new Map<string, { ref: FwFileRef; text: string }>();
  const problems: { file: string; message: string }[] = [];
  const dropped: { file: string; line: number; message: string }[] = [];
  for (const [path, text] of files) {
    const ref = refFor(path, topology);
    if (typeof ref === 'string')
      problems.push({ file: path, message: `${path} cannot be pushed: ${ref}` });
    else {
      const markers = markerLines(text);
      if (markers.length > 0)
        problems.push({
          file: path,
          message: `${path} has unresolved merge conflicts (line${markers.length > 1 ? 's' : ''} ${markers.join(', ')}): keep what you want and delete the marker lines before pushing`,
        });
      texts.set(path, { ref, text });
      for (const verdict of loadFwConfig(parseFwSyntax(text, ref.kind), ref.kind).verdicts) {
        if (verdict.verdict === 'dropped' || verdict.verdict === 'file-ignored')
          dropped.push({ file: path, line: verdict.lineNumber, message: verdict.message });
      }
    }
  }
  return { state: loadFirewallState(texts, sdnIpSets ? { sdnIpSets } : {}), problems, dropped };
}

/** Paths whose content, as Proxmox would hold it, differs from what the last pull wrote. */
export function changedSince(
  base: Readonly<Record<string, string>>,
  local: FirewallState,
): string[] {
  const now = formatFirewallState(local);
  const paths = new Set([...Object.keys(base), ...now.keys()]);
  return [...paths].filter((path) => (base[path] ?? '') !== (now.get(path) ?? '')).sort();
}
