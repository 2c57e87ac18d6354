#!/usr/bin/env bash
# A node on proxmox-firewall in a network namespace, for test/kernel/nftables-kernel.test.ts. Run
# it as `unshare -n -m --propagation private bash nft-node.sh DIR`: everything lives in that
# private namespace. DIR holds ruleset.nft (pvefw's generated host table, a counter on each rule)
# and scenarios: `NAME FAMILY PROTO SPORT DPORT WAITKEY` a line. The node is vmbr0 (172.16.1.2/24,
# fd00::2/64) with a veth to the namespace `out` (172.16.1.50, fd00::50); neighbours are static
# so that no ARP or NDP packet passes the input hook. For each scenario it reads the counters,
# sends the packet from `out`, waits until the rule WAITKEY counted it (a bounded number of
# looks) and prints `NAME KEY…`: every rule whose counter moved meanwhile.
set -euo pipefail
DIR="$1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

mount -t tmpfs none /run
mkdir -p /run/netns
ip link set lo up
ip netns add out
ip link add vmbr0 type veth peer name eth0 netns out
ip link set vmbr0 up
ip addr add 172.16.1.2/24 dev vmbr0
ip addr add fd00::2/64 dev vmbr0 nodad
ip netns exec out ip link set lo up
ip netns exec out ip link set eth0 up
ip netns exec out ip addr add 172.16.1.50/24 dev eth0
ip netns exec out ip addr add fd00::50/64 dev eth0 nodad
mac() { "$@" | awk '/link\/ether/ { print $2 }'; }
NODE_MAC="$(mac ip link show vmbr0)"
OUT_MAC="$(mac ip netns exec out ip link show eth0)"
ip neigh replace 172.16.1.50 lladdr "$OUT_MAC" dev vmbr0 nud permanent
ip neigh replace fd00::50 lladdr "$OUT_MAC" dev vmbr0 nud permanent
ip netns exec out ip neigh replace 172.16.1.2 lladdr "$NODE_MAC" dev eth0 nud permanent
ip netns exec out ip neigh replace fd00::2 lladdr "$NODE_MAC" dev eth0 nud permanent

nft -f "${DIR}/ruleset.nft"

# `KEY=PACKETS` for every rule.
counters() {
  nft -j list table inet pvefw-test | python3 -c '
import json, sys
out = []
for item in json.load(sys.stdin)["nftables"]:
    rule = item.get("rule")
    if not rule:
        continue
    packets = [e["counter"]["packets"] for e in rule["expr"] if "counter" in e]
    out.append("%s=%d" % (rule.get("comment", "?"), packets[0] if packets else 0))
print(" ".join(out))'
}

# The rules whose counters differ between two `counters` outputs.
moved() {
  python3 -c '
import sys
before = dict(kv.split("=") for kv in sys.argv[1].split())
after = dict(kv.split("=") for kv in sys.argv[2].split())
print(" ".join(k for k, v in after.items() if int(v) > int(before.get(k, "0"))))' "$1" "$2"
}

while read -r name family proto sport dport waitkey; do
  [[ -z "$name" ]] && continue
  before="$(counters)"
  ip netns exec out python3 "${HERE}/nft-send.py" "$family" "$proto" "$sport" "$dport"
  seen=""
  for _ in $(seq 1 200); do
    seen="$(moved "$before" "$(counters)")"
    [[ " $seen " == *" $waitkey "* ]] && break
  done
  echo "$name $seen"
done < "${DIR}/scenarios"
