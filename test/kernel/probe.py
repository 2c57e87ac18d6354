# Sends the packets of test/kernel/node.sh from inside a network namespace (Python's standard
# library only): an ICMP error that quotes a flow nobody has, a UDP datagram whose ICMP answer it
# reports, and a TCP connection attempt that it holds open until told to report its socket error.
import errno
import select
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def icmp_error(dest, icmp_type, code):
    # The quoted packet: a UDP datagram from dest to a documentation address no one tracks.
    inner = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, 1, 0, 64, 17, 0,
                        socket.inet_aton(dest), socket.inet_aton('192.0.2.99'))
    inner += struct.pack('!HHHH', 40000, 53, 8, 0)
    body = struct.pack('!BBHI', icmp_type, code, 0, 0) + inner
    body = body[:2] + struct.pack('!H', checksum(body)) + body[4:]
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    try:
        sock.sendto(body, (dest, 0))
        print('sent')
    except PermissionError:
        print('refused by the sending host')


def udp_answer(dest, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect((dest, port))
    sock.send(b'x')
    # Only a failure bound: the ICMP answer ends the wait as soon as it arrives.
    readable, _, _ = select.select([sock], [], [], 20)
    if not readable:
        print('udp no-answer')
        return
    try:
        sock.recv(64)
        print('udp reply')
    except ConnectionRefusedError:
        print('udp refused')


def tcp_hold(dest, port):
    sock = socket.socket()
    sock.setblocking(False)
    rc = sock.connect_ex((dest, port))
    print('sent' if rc == errno.EINPROGRESS else 'connect %d' % rc, flush=True)
    sys.stdin.readline()
    err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    print('tcp so_error %s' % (errno.errorcode.get(err, str(err)) if err else '0'))


def main():
    kind = sys.argv[1]
    if kind == 'icmp-error':
        icmp_error(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif kind == 'udp':
        udp_answer(sys.argv[2], int(sys.argv[3]))
    elif kind == 'tcp-hold':
        tcp_hold(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit('unknown probe ' + kind)


main()
