# Sends one packet from the namespace `out` of test/kernel/nft-node.sh to the node (standard
# library only): FAMILY 4|6, PROTO tcp|udp|icmp, SPORT (0: any), DPORT (the port, or for icmp the
# type). TCP sends one SYN from a raw socket (no connection, so nothing is sent again); ICMP an
# echo request (type 8 or 128).
import socket
import struct
import sys

family, proto, sport, dport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
af = socket.AF_INET if family == '4' else socket.AF_INET6
node = '172.16.1.2' if family == '4' else 'fd00::2'

def checksum(data):
    data += b'\0' * (len(data) % 2)
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


if proto == 'tcp':
    source = '172.16.1.50' if family == '4' else 'fd00::50'
    segment = struct.pack('!HHIIBBHHH', sport or 40000, dport, 1, 0, 5 << 4, 0x02, 64240, 0, 0)
    sock = socket.socket(af, socket.SOCK_RAW, socket.IPPROTO_TCP)
    if family == '4':
        pseudo = socket.inet_aton(source) + socket.inet_aton(node) + struct.pack('!BBH', 0, 6, 20)
        segment = segment[:16] + struct.pack('!H', checksum(pseudo + segment)) + segment[18:]
    else:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_CHECKSUM, 16)
    sock.sendto(segment, (node, 0))
elif proto == 'udp':
    sock = socket.socket(af, socket.SOCK_DGRAM)
    if sport:
        sock.bind(('', sport))
    sock.sendto(b'x', (node, dport))
else:
    icmp = socket.IPPROTO_ICMP if family == '4' else socket.IPPROTO_ICMPV6
    sock = socket.socket(af, socket.SOCK_RAW, icmp)
    body = struct.pack('!BBHHH', dport, 0, 0, 1, 1) + b'pvefw'
    if family == '4':
        body = body[:2] + struct.pack('!H', checksum(body)) + body[4:]
    sock.sendto(body, (node, 0))
print('sent', file=sys.stderr)
