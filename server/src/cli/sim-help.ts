export const SIMULATE_HELP = `Usage: pvefw simulate DIR --from ZONE|IP --to ZONE|IP [options]

Compiles the firewall in DIR (cluster.fw, host.fw, <vmid>.fw) as Proxmox does and sends one
packet through it, printing the verdict and every chain and rule that decided, with the
file and line of each user rule.

Zones: host, outside (vmbr0/eth0), nfvm (vmbr0/tapXYZ, a guest without firewall), vm<ID>
(NIC 0), vm<ID>i<N>, ct<ID>, BRIDGE/PORT. An IP address stands for the zone that has it
(the node, a container) or outside, and becomes the packet's source or destination.

Options:
  --proto P            tcp (default), udp, icmp, icmpv6, … or a protocol number
  --dport N, --sport N a port or service name; for icmp/icmpv6 --dport is the ICMP type
  --source IP, --dest IP
                       default: the node's address at a host end, else 100.100.1.2 / 100.200.3.4
  --srctype T, --dsttype T
                       address type as iptables' addrtype sees it (default UNICAST)
  --topology FILE|default
                       nodes and guests (docs/topology.md); default: DIR/topology.json, else
                       the topology of Proxmox's own tests
  -h, --help           show this help

Exit codes: 0 simulated, 2 bad usage or unreadable input.
`;

export const TEST_HELP = `Usage: pvefw test DIR... [--topology FILE|default] [--id NAME]

Runs DIR/tests, Proxmox's firewall test format (one { from => …, to => …, action => … } per
line), against the firewall in DIR. A DIR without a tests file runs each sub-folder that has
one. A test without from (or to) runs from (to) each of host, outside, nfvm, vm100, ct200.
Failing cases print the path the packet took.

Options:
  --topology FILE|default   as for pvefw simulate
  --id NAME                 run only the tests with id => NAME
  -h, --help                show this help

Exit codes: 0 all tests pass, 1 a test fails, 2 bad usage or unreadable input.
`;
