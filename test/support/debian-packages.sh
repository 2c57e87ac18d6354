# Sourced by the set-up scripts of the tests that need Debian's programs (test/kernel/setup.sh,
# test/sim/oracle-setup.sh). Such a test skips, saying why, when its programs are missing, so a
# set-up that cannot install (not root, no apt-get) says so and succeeds: CI goes on to the tests.

# install_debian_packages LABEL WHAT_SKIPS PACKAGE...: installs the packages that are not yet
# installed. Idempotent: with all of them there it only says so.
install_debian_packages() {
  local label="$1" skips="$2"
  shift 2
  local pkg missing=()
  for pkg in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "${label}: Debian packages already installed: $*"
    return 0
  fi
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "${label}: not root or no apt-get; ${skips} will skip (missing: ${missing[*]})"
    return 0
  fi
  echo "${label}: apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
