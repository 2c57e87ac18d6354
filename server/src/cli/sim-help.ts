export const SIMULATE_HELP = `Usage: pvefw simulate DIR --from ZONE|IP --to ZONE|IP [options]

Compiles the firewall of one node as Proxmox does and sends one packet through it, printing the
verdict and every chain and rule that decided, with the file and line of each user rule. DIR is
the root of an /etc/pve copy (or a pulled folder), its firewall/ folder, or a flat folder of
cluster.fw, host.fw and <vmid>.fw: the same cluster model pvefw check reads.

Zones: host, outside (vmbr0/eth0), nfvm (vmbr0/tapXYZ, a guest without firewall), vm<ID>
(NIC 0), vm<ID>i<N>, ct<ID>, BRIDGE/PORT. An IP address stands for the zone that has it
(the node, a container) or outside, and becomes the packet's source or destination.

Options:
  --node NODE          the node whose ruleset is simulated (default: the local node: the
                       topology's localNode, else the first node with a host.fw)
  --backend iptables|nftables
                       the firewall of a node whose host.fw is not in DIR (default iptables);
                       a node with nftables: 1 in its host.fw runs proxmox-firewall, and its
                       packets to and from the node walk proxmox-firewall's table
  --proto P            tcp (default), udp, icmp, icmpv6, … or a protocol number
  --dport N, --sport N a port or service name; for icmp/icmpv6 --dport is the ICMP type
  --source IP, --dest IP
                       default: the node's address at a host end, else 100.100.1.2 / 100.200.3.4
  --srctype T, --dsttype T
                       address type as iptables' addrtype sees it (default UNICAST)
  --state S            the packet's connection: new (default: it belongs to none),
                       established, related (an ICMP error about a connection, or one a
                       helper expects) or invalid. As in the kernel, an ICMP error, reply or
                       other message that cannot open a connection is INVALID when new, and
                       Proxmox's conntrack rules decide it before any user rule
                       (nf_conntrack_allow_invalid: 1 in host.fw lets INVALID through
                       PVEFW-FORWARD only); established and related take the RELATED,ESTABLISHED
                       accept
  --topology FILE|default
                       nodes and guests (docs/topology.md); default: the topology.json beside
                       cluster.fw or at the layout's root, else assumed from the files (every
                       guest on the local node with the NICs its rules name plus one more);
                       'default' is the world of Proxmox's own tests
  -h, --help           show this help

A REJECT between guests says what the sender observes when it differs: a TCP reset sent by the
target's firewall bridge comes back INVALID and is dropped in the sender's firewall bridge (the
sender sees nothing); an ICMP error comes from the node's own address and arrives only if the
node has a route to the sender.

Exit codes: 0 simulated, 2 bad usage or unreadable input.
`;

export const TEST_HELP = `Usage: pvefw test DIR... [--topology FILE|default] [--id NAME] [--backend B]

Runs DIR/tests, Proxmox's firewall test format (one { from => …, to => …, action => … } per
line), against the firewall in DIR. A DIR without a tests file runs each sub-folder that has
one. A test without from (or to) runs from (to) each of host, outside, nfvm, vm100, ct200.
Besides Proxmox's keys, state => 'new'|'established'|'related'|'invalid' (default new) gives
the packet's connection state, as --state does for pvefw simulate. Failing cases print the
path the packet took.

Options:
  --topology FILE|default   as for pvefw simulate; without topology.json, a tests file runs in
                            the world of Proxmox's own tests (--topology default)
  --id NAME                 run only the tests with id => NAME
  --backend iptables|nftables
                            as for pvefw simulate
  -h, --help                show this help

Exit codes: 0 all tests pass, 1 a test fails, 2 bad usage or unreadable input.
`;
