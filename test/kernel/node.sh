#!/usr/bin/env bash
# One Proxmox node in a network namespace, for test/kernel/conntrack-kernel.test.ts. Run it as
# `unshare -n -m --propagation private bash node.sh DIR`: everything it makes (bridges, veths,
# namespaces, ipsets, iptables rules) lives in that private namespace and goes with it.
# DIR holds ipsets (`ipset restore` input), filter.rules (`iptables-restore` input: pvefw's
# compiled IPv4 ruleset) and checks: one `SCENARIO CHAIN RULENUMBER` a line, the rule the
# simulator says decides. Wiring as on a Proxmox node with br_netfilter: vmbr0 (the node,
# 172.16.1.2/24) with eth0 to the namespace `out` (172.16.1.50); VMs 100 and 101 each in a
# namespace behind tap<ID>i0 - fwbr<ID>i0 - fwln<ID>i0/fwpr<ID>p0 - vmbr0 (172.16.1.<ID>).
# For each scenario it prints `SCENARIO CHAIN RULENUMBER moved|stuck` (whether that rule's packet
# counter went up) and `SCENARIO out TEXT` for what the probe saw.
set -euo pipefail
DIR="$1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROBE=(python3 "${HERE}/probe.py")

mount -t tmpfs none /run
mkdir -p /run/netns
ip link set lo up
ip link add vmbr0 type bridge
ip link set vmbr0 up
ip addr add 172.16.1.2/24 dev vmbr0
ip netns add out
ip link add eth0 type veth peer name eth0 netns out
ip link set eth0 master vmbr0
ip link set eth0 up
ip netns exec out ip link set lo up
ip netns exec out ip link set eth0 up
ip netns exec out ip addr add 172.16.1.50/24 dev eth0
declare -A MAC=([100]=0e:0b:38:b8:b3:21 [101]=0e:0b:38:b8:b3:22)
for id in 100 101; do
  ip netns add "g${id}"
  ip link add "tap${id}i0" type veth peer name eth0 netns "g${id}"
  ip link add "fwbr${id}i0" type bridge
  ip link add "fwln${id}i0" type veth peer name "fwpr${id}p0"
  ip link set "tap${id}i0" master "fwbr${id}i0"
  ip link set "fwln${id}i0" master "fwbr${id}i0"
  ip link set "fwpr${id}p0" master vmbr0
  for dev in "tap${id}i0" "fwbr${id}i0" "fwln${id}i0" "fwpr${id}p0"; do ip link set "$dev" up; done
  ip netns exec "g${id}" ip link set lo up
  ip netns exec "g${id}" ip link set eth0 address "${MAC[$id]}"
  ip netns exec "g${id}" ip link set eth0 up
  ip netns exec "g${id}" ip addr add "172.16.1.${id}/24" dev eth0
done
sysctl -qw net.bridge.bridge-nf-call-iptables=1

ipset restore < "${DIR}/ipsets"
iptables-restore < "${DIR}/filter.rules"

count() {
  iptables -L "$1" -v -x -n --line-numbers | awk -v n="$2" '$1 == n { print $2 }'
}

# Waits for the counters of a scenario's rules to go up: an event, bounded by a number of looks.
settle() {
  local scenario="$1"
  local -n before="$2"
  local key chain num looks
  for key in "${!before[@]}"; do
    read -r chain num <<< "$key"
    for ((looks = 0; looks < 2000; looks++)); do
      (( $(count "$chain" "$num") > ${before[$key]} )) && break
    done
    if (( looks < 2000 )); then echo "$scenario $chain $num moved"; else echo "$scenario $chain $num stuck"; fi
  done
}

run_scenario() {
  local scenario="$1"
  shift
  declare -A counters=()
  local chain num
  while read -r s chain num; do
    [[ "$s" == "$scenario" ]] && counters["$chain $num"]=$(count "$chain" "$num")
  done < "${DIR}/checks"
  if [[ "$scenario" == reject-between-guests ]]; then
    # The connection attempt stays open while the counters settle; then its socket tells
    # whether a reset came back.
    coproc HOLD { ip netns exec g101 "${PROBE[@]}" tcp-hold 172.16.1.100 80; }
    local line
    read -r line <&"${HOLD[0]}"
    echo "$scenario out $line"
    settle "$scenario" counters
    echo check >&"${HOLD[1]}"
    read -r line <&"${HOLD[0]}"
    echo "$scenario out $line"
    wait "$HOLD_PID" || true
    return
  fi
  echo "$scenario out $("$@" 2>&1 | tr '\n' ' ')"
  settle "$scenario" counters
}

run_scenario to-host ip netns exec out "${PROBE[@]}" icmp-error 172.16.1.2 3 1
run_scenario from-host "${PROBE[@]}" icmp-error 172.16.1.50 11 0
run_scenario guest-to-guest ip netns exec g101 "${PROBE[@]}" icmp-error 172.16.1.100 3 3
run_scenario related ip netns exec g101 "${PROBE[@]}" udp 172.16.1.50 9
run_scenario reject-between-guests
