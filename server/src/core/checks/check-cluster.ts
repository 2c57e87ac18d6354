// Every finding for every file of one cluster: each file's own (Proxmox's verdicts on its lines,
// our lints), from the load the model already holds, and the cluster-wide reachability findings.
import { modelFiles, type ClusterModel } from '../model/cluster-model';
import { checkLoadedFile } from './check-file';
import { checkReachability, type ReachabilityOptions } from './check-reachability';
import type { Finding } from './finding';

export interface ClusterCheckOptions extends ReachabilityOptions {
  /** Seconds since the epoch, for the cluster `enable` time stamp; defaults to now. */
  readonly nowSeconds?: number;
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
    out.set(file.path, checkLoadedFile(file.load, file.kind, { ...against, ...now }));
  }
  for (const [path, findings] of checkReachability(model, options)) {
    const list = out.get(path);
    if (list) list.push(...findings);
    else out.set(path, [...findings]);
  }
  return out;
}
