// Every finding for every file of one cluster: each file's own (Proxmox's verdicts on its lines,
// our lints), from the load the model already holds, and the cluster-wide reachability findings.
import { modelFiles, type ClusterModel } from '../model';
import { checkBackends, onlyNftablesReads } from './check-backends';
import { checkLoadedFile } from './check-file';
import { checkReachability, type ReachabilityOptions } from './check-reachability';
import type { Finding } from '../findings';

export interface ClusterCheckOptions extends ReachabilityOptions {
  /** Seconds since the epoch, for the cluster `enable` time stamp; defaults to now. */
  readonly nowSeconds?: number;
}

/**
 * pve-firewall's verdict on a line of a file only nftables nodes read: what the next write of the
 * file through the GUI or API (which parses it with pve-firewall's code) does to the line, not
 * what the firewall applies; a warning, not an error.
 */
function asGuiWriteVerdict(f: Finding, nodes: readonly { name: string }[]): Finding {
  if (f.proxmox === null || f.severity !== 'error') return f;
  const who = nodes.map((n) => n.name).join(', ');
  return {
    ...f,
    severity: 'warning',
    hint: `${f.hint ?? ''}${f.hint ? '. ' : ''}That is pve-firewall's verdict: only proxmox-firewall (nftables) reads this file here (${who}), and it applies what its own parser accepts; the next GUI or API write of the file goes through pve-firewall's parser`,
  };
}

/** Findings by file path, for every file of the model. */
export function checkCluster(
  model: ClusterModel,
  options: ClusterCheckOptions = {},
): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const cluster = model.cluster?.load.config;
  const now = options.nowSeconds === undefined ? {} : { nowSeconds: options.nowSeconds };
  for (const file of modelFiles(model)) {
    const against = file.kind !== 'cluster' && cluster ? { cluster } : {};
    const findings = checkLoadedFile(file.load, file.kind, { ...against, ...now });
    const nftOnly = onlyNftablesReads(model, file);
    out.set(file.path, nftOnly ? findings.map((f) => asGuiWriteVerdict(f, nftOnly)) : findings);
  }
  for (const [path, findings] of checkBackends(model)) out.get(path)?.push(...findings);
  for (const [path, findings] of checkReachability(model, options)) {
    const list = out.get(path);
    if (list) list.push(...findings);
    else out.set(path, [...findings]);
  }
  return out;
}
