#!/usr/bin/env bash
# Installs what the kernel tests (test/kernel/*-kernel.test.ts) need, from Debian's packages:
# iptables, nftables, ipset, python3 (the packet probe) and iproute2. Idempotent; without root it
# installs nothing and the tests skip, saying why.
set -euo pipefail
# shellcheck source=../support/debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/debian-packages.sh"
install_debian_packages "kernel test setup" "the kernel test" iptables ipset python3 iproute2 nftables
