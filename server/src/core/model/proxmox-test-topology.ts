import type { Topology, TopologyGuest } from './topology';

function vm(vmid: number, nics: [string, string][]): TopologyGuest {
  return {
    vmid,
    kind: 'vm',
    node: 'proxself',
    nics: nics.map(([mac, bridge], i) => ({ name: `net${i}`, bridge, mac, firewall: true })),
  };
}

function ct(vmid: number, mac: string, ip: string): TopologyGuest {
  return {
    vmid,
    kind: 'ct',
    node: 'proxself',
    nics: [{ name: 'net0', bridge: 'vmbr0', mac, firewall: true, ip }],
  };
}

/**
 * The world of Proxmox's own firewall tests (test/fwtester.pl with test/corosync.conf): node
 * `proxself` at 172.16.1.2 in a four-node cluster, VMs 100, 101, 110 and CTs 200, 201.
 * Ring addresses that are host names resolve to nothing here, as in upstream's set-up.
 */
export const PROXMOX_TEST_TOPOLOGY: Topology = {
  localNode: 'proxself',
  localNetwork: '172.16.1.0/24',
  corosyncTransport: 'udp',
  nodes: [
    { name: 'prox1', ringAddresses: ['172.16.1.11', '172.16.2.11', 'hostname1'] },
    { name: 'prox2', ringAddresses: ['172.16.1.12', '172.16.2.12', 'hostname2'] },
    { name: 'prox3', ringAddresses: ['172.16.1.3', '172.16.2.3', 'hostname3'] },
    {
      name: 'proxself',
      address: '172.16.1.2',
      ringAddresses: ['172.16.1.2', '172.16.2.2', 'proxself'],
    },
  ],
  guests: [
    vm(100, [
      ['0E:0B:38:B8:B3:21', 'vmbr0'],
      ['0E:0B:38:B9:B4:21', 'vmbr1'],
      ['0E:0B:38:BA:B4:21', 'vmbr2'],
    ]),
    vm(101, [['0E:0B:38:B8:B3:22', 'vmbr0']]),
    vm(110, [['0E:0B:38:B8:B4:21', 'vmbr1']]),
    ct(200, '0E:18:24:41:2C:43', '10.0.200.1/24'),
    ct(201, '0E:18:24:41:2C:44', '10.0.200.2/24'),
  ],
};
