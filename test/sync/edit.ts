// Edits a workspace the way a user would, but through the model, so that the edited files are
// exactly what Proxmox's writer produces and a push then pull must give them back byte for byte.
import type { ProxmoxConf, ProxmoxRule } from '../../server/src/core/model/proxmox-conf';
import { loadFileConf } from '../../server/src/core/plan/firewall-state';
import { parseWorkspacePath, type FwFileRef } from '../../server/src/core/plan/fw-files';
import { formatProxmoxConf } from '../../server/src/core/writer/write-fw';
import type { SyncHarness } from './harness';

function refOf(path: string): FwFileRef {
  const name = parseWorkspacePath(path)!;
  // The guest's node and type do not matter for loading and writing the file.
  return name.kind === 'guest' ? { kind: 'guest', vmid: name.vmid, node: 'x', type: 'qemu' } : name;
}

/** Loads `path`, lets `change` edit it, writes what Proxmox's writer would write. */
export function editFile(
  h: SyncHarness,
  path: string,
  change: (conf: ProxmoxConf) => void,
): string {
  const ref = refOf(path);
  let text = '';
  try {
    text = h.read(path);
  } catch {
    // a new file
  }
  const conf = loadFileConf(ref, text, undefined, { sdnIpSets: new Set() });
  change(conf);
  for (const rule of [...(conf.rules ?? []), ...Object.values(conf.groups ?? {}).flat()]) {
    delete rule.errors;
    delete rule.ipversion;
  }
  const written = formatProxmoxConf(ref.kind, conf);
  h.write(path, written);
  return written;
}

export function rule(fields: Partial<ProxmoxRule> & { type: string; action: string }): ProxmoxRule {
  return { enable: 1, ...fields };
}
