#!/usr/bin/env bash
# Installs what test/sim/net-ip-oracle.test.ts compares the simulator with: perl and Debian's
# libnet-ip-perl (Net::IP 1.26, what Proxmox VE runs). Idempotent; without root or apt-get it
# installs nothing and the test skips, saying why.
set -euo pipefail
# shellcheck source=../support/debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/debian-packages.sh"
install_debian_packages "simulator oracle setup" "the Net::IP test" perl libnet-ip-perl
