// The simulator's /etc/pve: .fw files read with our parser and written with our writer on every
// call, as pve-firewall does, so an API write drops comments and bad lines exactly like Proxmox.
// Guest configs are qemu-server/lxc .conf files; nodes, vnets and users come from sim.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FwConfig } from '../../server/src/core/model/fw-config';
import type { ProxmoxConf } from '../../server/src/core/model/proxmox-conf';
import { clusterConfigOf, loadFileConf } from '../../server/src/core/plan/firewall-state';
import {
  CLUSTER_FILE,
  workspacePath,
  type FwFileRef,
  type GuestType,
} from '../../server/src/core/plan/fw-files';
import { formatProxmoxConf } from '../../server/src/core/writer/write-fw';
import type { AuthConfig } from './auth';

export interface SimNode {
  readonly ip: string;
  /** corosync ring0_addr, ring1_addr, … */
  readonly ringAddresses?: readonly string[];
  readonly network?: readonly Record<string, string | number>[];
}

export interface SimConfig {
  readonly nodes: Readonly<Record<string, SimNode>>;
  readonly vnets?: Readonly<Record<string, { readonly zone: string }>>;
  readonly sdnIpSets?: readonly string[];
  readonly auth: AuthConfig;
  readonly clusterName?: string;
  readonly corosyncTransport?: string;
}

export interface SimGuest {
  readonly vmid: string;
  readonly node: string;
  readonly type: GuestType;
}

export class SimStore {
  readonly config: SimConfig;
  private readonly cache = new Map<string, { key: string; conf: ProxmoxConf }>();
  private clusterCache: { text: string; config: FwConfig | undefined } | undefined;

  constructor(readonly dir: string) {
    this.config = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')) as SimConfig;
  }

  get sdnIpSets(): ReadonlySet<string> {
    return new Set(this.config.sdnIpSets ?? []);
  }

  read(path: string): string {
    const absolute = join(this.dir, path);
    return existsSync(absolute) ? readFileSync(absolute, 'utf8') : '';
  }

  /** file_set_contents, or unlink for an empty text (what every save_*_conf does). */
  write(path: string, text: string): void {
    const absolute = join(this.dir, path);
    if (text === '') rmSync(absolute, { force: true });
    else {
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, text);
    }
    this.cache.delete(path);
  }

  /** load_clusterfw_conf's result as the model other files resolve against. */
  clusterConfig(): FwConfig | undefined {
    const text = this.read(CLUSTER_FILE);
    if (this.clusterCache?.text !== text) {
      const conf = this.loadUncached({ kind: 'cluster' }, text, undefined);
      this.clusterCache = { text, config: clusterConfigOf(conf, { sdnIpSets: this.sdnIpSets }) };
    }
    return this.clusterCache.config;
  }

  private loadUncached(ref: FwFileRef, text: string, cluster: FwConfig | undefined): ProxmoxConf {
    return loadFileConf(ref, text, cluster, { sdnIpSets: this.sdnIpSets });
  }

  /** A fresh copy of what load_*_conf returns for the file: the handler may change it freely. */
  load(ref: FwFileRef): ProxmoxConf {
    const path = workspacePath(ref);
    const text = this.read(path);
    const clusterText = ref.kind === 'cluster' ? '' : this.read(CLUSTER_FILE);
    const key = `${text}\u0000${clusterText}`;
    let entry = this.cache.get(path);
    if (entry?.key !== key) {
      const cluster = ref.kind === 'cluster' ? undefined : this.clusterConfig();
      entry = { key, conf: this.loadUncached(ref, text, cluster) };
      this.cache.set(path, entry);
    }
    return JSON.parse(JSON.stringify(entry.conf)) as ProxmoxConf;
  }

  save(ref: FwFileRef, conf: ProxmoxConf): void {
    this.write(workspacePath(ref), formatProxmoxConf(ref.kind, conf));
  }

  guests(): SimGuest[] {
    const out: SimGuest[] = [];
    for (const node of Object.keys(this.config.nodes)) {
      for (const [folder, type] of [
        ['qemu-server', 'qemu'],
        ['lxc', 'lxc'],
      ] as const) {
        const dir = join(this.dir, 'nodes', node, folder);
        if (!existsSync(dir)) continue;
        for (const name of readdirSync(dir).sort()) {
          const match = /^([1-9][0-9]{2,8})\.conf$/.exec(name);
          if (match) out.push({ vmid: match[1]!, node, type });
        }
      }
    }
    return out;
  }

  /** The guest's current config (the part before any [snapshot] section) as key → value. */
  guestConfig(guest: SimGuest): Record<string, string> {
    const folder = guest.type === 'qemu' ? 'qemu-server' : 'lxc';
    const text = this.read(`nodes/${guest.node}/${folder}/${guest.vmid}.conf`);
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
      if (line.startsWith('[')) break;
      const match = /^([a-z][a-z0-9_-]*):\s*(.*?)\s*$/.exec(line);
      if (match) out[match[1]!] = match[2]!;
    }
    return out;
  }
}
