// Simulator state folders for tests: the /etc/pve layout plus sim.json (nodes, vnets, users,
// tokens). `corpusCluster` is the world of Proxmox's own firewall tests (corpus TOPOLOGY.md).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Privileges } from '../sim/auth';
import type { SimConfig } from '../sim/store';

export const TOKEN_ID = 'root@pam!pvefw';
export const TOKEN_SECRET = '4ac6a0d3-5c3b-4f3e-9d5e-0d1c2b3a4f5e';
/** The value of PVEFW_TOKEN for the full-privilege token. */
export const TOKEN = `${TOKEN_ID}=${TOKEN_SECRET}`;
export const AUDIT_TOKEN = 'audit@pve!ro=0b1c2d3e-0000-4000-8000-000000000001';
export const USER = { name: 'admin@pve', password: 'correct horse' };

const ALL: Privileges = {
  '/': [
    'Sys.Audit',
    'Sys.Modify',
    'Sys.Syslog',
    'VM.Audit',
    'VM.Config.Network',
    'VM.Console',
    'SDN.Audit',
    'SDN.Allocate',
    'SDN.Use',
  ],
};

export interface FixtureGuest {
  readonly vmid: string;
  readonly node: string;
  readonly type: 'qemu' | 'lxc';
  /** The guest's .conf text (qemu-server or lxc format). */
  readonly config: string;
}

export interface Fixture {
  readonly files?: Readonly<Record<string, string>>;
  readonly corosyncTransport?: string;
  readonly nodes?: SimConfig['nodes'];
  readonly guests?: readonly FixtureGuest[];
  readonly vnets?: SimConfig['vnets'];
  readonly sdnIpSets?: readonly string[];
}

export function writeSimState(
  fixture: Fixture,
  dir = mkdtempSync(join(tmpdir(), 'pvefw-sim-')),
): string {
  const config: SimConfig = {
    nodes: fixture.nodes ?? { pve1: { ip: '192.0.2.11' } },
    vnets: fixture.vnets ?? {},
    sdnIpSets: fixture.sdnIpSets ?? [],
    ...(fixture.corosyncTransport ? { corosyncTransport: fixture.corosyncTransport } : {}),
    auth: {
      tokens: {
        [TOKEN_ID]: { secret: TOKEN_SECRET, privs: ALL },
        'audit@pve!ro': {
          secret: AUDIT_TOKEN.split('=')[1]!,
          privs: { '/': ['Sys.Audit', 'VM.Audit', 'SDN.Audit'] },
        },
      },
      users: { [USER.name]: { password: USER.password, privs: ALL } },
    },
  };
  const files: Record<string, string> = {
    'sim.json': `${JSON.stringify(config, null, 2)}\n`,
    ...(fixture.files ?? {}),
  };
  for (const guest of fixture.guests ?? []) {
    files[
      `nodes/${guest.node}/${guest.type === 'qemu' ? 'qemu-server' : 'lxc'}/${guest.vmid}.conf`
    ] = guest.config;
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The guests and nodes of upstream's fwtester.pl (corpus/upstream/TOPOLOGY.md). */
export const CORPUS_GUESTS: readonly FixtureGuest[] = [
  {
    vmid: '100',
    node: 'proxself',
    type: 'qemu',
    config:
      'name: vm100\nnet0: virtio=0E:0B:38:B8:B3:21,bridge=vmbr0,firewall=1\nnet1: virtio=0E:0B:38:B9:B4:21,bridge=vmbr1,firewall=1\nnet2: virtio=0E:0B:38:BA:B4:21,bridge=vmbr2,firewall=1\n',
  },
  {
    vmid: '101',
    node: 'proxself',
    type: 'qemu',
    config: 'name: vm101\nnet0: virtio=0E:0B:38:B8:B3:22,bridge=vmbr0,firewall=1\n',
  },
  {
    vmid: '110',
    node: 'proxself',
    type: 'qemu',
    config: 'name: vm110\nnet0: virtio=0E:0B:38:B8:B4:21,bridge=vmbr1,firewall=1\n',
  },
  {
    vmid: '200',
    node: 'proxself',
    type: 'lxc',
    config:
      'hostname: ct200\nnet0: name=eth0,bridge=vmbr0,hwaddr=0E:18:24:41:2C:43,ip=10.0.200.1/24,firewall=1\n',
  },
  {
    vmid: '201',
    node: 'proxself',
    type: 'lxc',
    config:
      'hostname: ct201\nnet0: name=eth0,bridge=vmbr0,hwaddr=0E:18:24:41:2C:44,ip=10.0.200.2/24,firewall=1\n',
  },
];

/** The corosync.conf of upstream's tests: four nodes, rings on 172.16.1.x, 172.16.2.x and names. */
export const CORPUS_NODES: SimConfig['nodes'] = {
  proxself: {
    ip: '172.16.1.2',
    ringAddresses: ['172.16.1.2', '172.16.2.2', 'proxself'],
    network: [
      {
        iface: 'vmbr0',
        type: 'bridge',
        cidr: '172.16.1.2/24',
        address: '172.16.1.2',
        netmask: '24',
        active: 1,
      },
    ],
  },
  prox1: { ip: '172.16.1.11', ringAddresses: ['172.16.1.11', '172.16.2.11', 'hostname1'] },
  prox2: { ip: '172.16.1.12', ringAddresses: ['172.16.1.12', '172.16.2.12', 'hostname2'] },
  prox3: { ip: '172.16.1.3', ringAddresses: ['172.16.1.3', '172.16.2.3', 'hostname3'] },
};

/** One upstream test folder as cluster state: cluster.fw, proxself's host.fw, the guests' files. */
export function corpusFiles(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(folder)
    .filter((n) => n.endsWith('.fw'))
    .sort()) {
    const text = readFileSync(join(folder, name), 'utf8');
    if (name === 'cluster.fw') files['firewall/cluster.fw'] = text;
    else if (name === 'host.fw') files['nodes/proxself/host.fw'] = text;
    else files[`firewall/${name}`] = text;
  }
  return files;
}
