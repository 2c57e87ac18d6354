// The simulator's /etc/pve: .fw files read with the simulator's own port of Proxmox's loaders
// (pve/parse-fw.ts) and written with its port of the save functions (pve/write-fw.ts) on every
// call, as pve-firewall does, so an API write drops comments and bad lines exactly like Proxmox.
// Nothing here comes from pvefw. Guest configs are qemu-server/lxc .conf files; nodes, vnets and
// users come from sim.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuthConfig } from './auth';
import { API_ENDPOINTS } from './generated/api-schema';
import { parsePropertyString } from './formats';
import { clone, filePath, type Conf, type FileRef } from './pve/conf';
import {
  loadClusterConf,
  loadGuestConf,
  loadHostConf,
  loadVnetConf,
  type LoadContext,
} from './pve/parse-fw';
import { formatClusterConf, formatGuestConf, formatHostConf } from './pve/write-fw';
import type { ParamSchema } from './schema-types';

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

export type GuestType = 'qemu' | 'lxc';

export interface SimGuest {
  readonly vmid: string;
  readonly node: string;
  readonly type: GuestType;
}

/** The log_ratelimit property-string format of the cluster options (from the API schema). */
const LOG_RATELIMIT_FORMAT = (() => {
  const endpoint = API_ENDPOINTS.find((e) => e.path === '/cluster/firewall/options')!;
  const format = endpoint.methods.PUT!.properties['log_ratelimit']!.format;
  return format as Readonly<Record<string, ParamSchema>>;
})();

export class SimStore {
  readonly config: SimConfig;

  constructor(readonly dir: string) {
    this.config = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')) as SimConfig;
  }

  get sdnIpSets(): readonly string[] {
    return this.config.sdnIpSets ?? [];
  }

  /** The file's text as UTF-8 ('' when it does not exist): for tests that edit files by hand. */
  read(path: string): string {
    return Buffer.from(this.bytes(path), 'latin1').toString('utf8');
  }

  /** The file as Proxmox reads it: a byte string (one character per byte). */
  bytes(path: string): string {
    const absolute = join(this.dir, path);
    return existsSync(absolute) ? readFileSync(absolute).toString('latin1') : '';
  }

  /** Writes `text` (UTF-8) as another admin would edit the file; '' deletes it. */
  write(path: string, text: string): void {
    this.writeBytes(path, Buffer.from(text, 'utf8'));
  }

  /** file_set_contents, or unlink for an empty text (what every save_*_conf does). */
  private writeBytes(path: string, data: Buffer): void {
    const absolute = join(this.dir, path);
    if (data.length === 0) rmSync(absolute, { force: true });
    else {
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, data);
    }
  }

  private context(): LoadContext {
    return { now: Math.floor(Date.now() / 1000), sdnIpSets: this.sdnIpSets };
  }

  /**
   * load_clusterfw_conf, including its check of log_ratelimit: an invalid value makes the load
   * (and so every API call that reads cluster.fw) die.
   */
  loadCluster(): Conf {
    const conf = loadClusterConf(this.bytes(filePath({ kind: 'cluster' })), this.context());
    const limit = conf.options?.['log_ratelimit'];
    if (limit !== undefined) parsePropertyString(LOG_RATELIMIT_FORMAT, String(limit), undefined);
    return conf;
  }

  /** What the file's load_*_conf returns; for host, guest and vnet files cluster.fw is read too. */
  load(ref: FileRef, cluster: Conf = ref.kind === 'cluster' ? {} : this.loadCluster()): Conf {
    const text = this.bytes(filePath(ref));
    switch (ref.kind) {
      case 'cluster':
        return this.loadCluster();
      case 'host':
        return loadHostConf(text, cluster, this.context());
      case 'guest':
        return loadGuestConf(text, cluster, ref.type === 'lxc' ? 'ct' : 'vm', this.context());
      case 'vnet':
        return loadVnetConf(text, cluster, this.context());
    }
  }

  /** save_*_conf: writes the file as Proxmox's writer does (a wide character makes it UTF-8). */
  save(ref: FileRef, conf: Conf): void {
    const copy = clone(conf);
    const text =
      ref.kind === 'cluster'
        ? formatClusterConf(copy)
        : ref.kind === 'guest'
          ? formatGuestConf(copy)
          : formatHostConf(copy);
    // eslint-disable-next-line no-control-regex
    const wide = /[^\u0000-\u00ff]/.test(text);
    this.writeBytes(filePath(ref), Buffer.from(text, wide ? 'utf8' : 'latin1'));
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

  guestConfigPath(guest: SimGuest): string {
    const folder = guest.type === 'qemu' ? 'qemu-server' : 'lxc';
    return `nodes/${guest.node}/${folder}/${guest.vmid}.conf`;
  }

  /** The guest's current config (the part before any [snapshot] section) as key → value. */
  guestConfig(guest: SimGuest): Record<string, string> {
    const text = this.read(this.guestConfigPath(guest));
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
      if (line.startsWith('[')) break;
      const match = /^([a-z][a-z0-9_-]*):\s*(.*?)\s*$/.exec(line);
      if (match) out[match[1]!] = match[2]!;
    }
    return out;
  }
}
