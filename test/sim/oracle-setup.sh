#!/usr/bin/env bash
# Installs what test/sim/net-ip-oracle.test.ts compares the simulator with: perl and Debian's
# libnet-ip-perl (Net::IP 1.26, what Proxmox VE runs). Idempotent; without root or apt-get it
# installs nothing and the test skips, saying why.
set -euo pipefail
PACKAGES=(perl libnet-ip-perl)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "simulator oracle setup: Debian packages already installed: ${PACKAGES[*]}"
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "simulator oracle setup: not root or no apt-get; the Net::IP test will skip (missing: ${missing[*]})"
  exit 0
fi
echo "simulator oracle setup: apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
