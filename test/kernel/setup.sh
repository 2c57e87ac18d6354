#!/usr/bin/env bash
# Installs what test/kernel/conntrack-kernel.test.ts and nftables-kernel.test.ts need, from
# Debian's packages: iptables, nftables, ipset, python3 (the packet probe) and iproute2.
# Idempotent; without root it installs nothing and the test skips, saying why.
set -euo pipefail
PACKAGES=(iptables ipset python3 iproute2 nftables)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "kernel test setup: Debian packages already installed: ${PACKAGES[*]}"
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "kernel test setup: not root or no apt-get; the kernel test will skip (missing: ${missing[*]})"
  exit 0
fi
echo "kernel test setup: apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
