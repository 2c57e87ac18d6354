#!/usr/bin/env bash
# Installs what test/e2e/run.mjs needs, from Debian's packages and the npm registry only:
#   - Debian: chromium (the browser), ripgrep (stands in for the rg that code-server would fetch
#     from GitHub), libkrb5-dev + pkg-config (code-server's kerberos addon compiles from source);
#   - npm, into a cache folder outside the repository's tracked files: code-server and
#     playwright-core, both at exact versions.
# Idempotent: a second run checks and prints, and takes about a second.
# The cache is $PVEFW_E2E_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/pvefw-e2e; it is shared by
# every clone on the machine. Nothing is written inside the repository.
# test/e2e/README.md explains every step.
set -euo pipefail

# code-server 4.100.3 is the newest release that runs on Node 20 (later ones declare node 22+).
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
# code-server 4.100.3 pins @vscode/ripgrep 1.15.11 (lib/vscode/npm-shrinkwrap.json), whose
# postinstall fetches ripgrep v13.0.0-10 from GitHub unless it finds this file in its cache.
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
APT_PACKAGES=(chromium ripgrep libkrb5-dev pkg-config)

CACHE="${PVEFW_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvefw-e2e}"
TOOLS="${CACHE}/code-server-${CODE_SERVER_VERSION}+playwright-core-${PLAYWRIGHT_VERSION}"
STAMP="${TOOLS}/.complete"

STARTED=$SECONDS
say() { echo "e2e setup: $*"; }
took() { echo "$((SECONDS - $1))s"; }

if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
  say "only Linux x86_64 is supported (the ripgrep stand-in is for that target)" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != 20 ]]; then
  say "code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node $(node --version)" >&2
  exit 1
fi

# 1. Debian packages.
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  say "Debian packages already installed: ${APT_PACKAGES[*]}"
else
  as_root=()
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null; then
      as_root=(sudo)
    else
      say "needs root for: apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
  fi
  t=$SECONDS
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Fetch the package lists first when there are none, and again if they are too old to install.
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    "${as_root[@]}" apt-get update -q
  fi
  if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    "${as_root[@]}" apt-get update -q
    "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  say "Debian packages installed in $(took "$t")"
fi

# 2. code-server and playwright-core from the npm registry.
if [[ -f "$STAMP" && -x "${TOOLS}/node_modules/.bin/code-server" ]]; then
  say "code-server ${CODE_SERVER_VERSION} and playwright-core ${PLAYWRIGHT_VERSION} already in ${TOOLS}"
else
  t=$SECONDS
  say "installing code-server ${CODE_SERVER_VERSION} and playwright-core ${PLAYWRIGHT_VERSION} into ${TOOLS}"
  rm -rf "$TOOLS"
  mkdir -p "${TOOLS}/tmp"
  printf '{ "name": "pvefw-e2e-tools", "private": true }\n' >"${TOOLS}/package.json"

  # The ripgrep stand-in: a gzip tar holding Debian's rg, where @vscode/ripgrep looks for its
  # download cache (os.tmpdir(), so TMPDIR below) before it goes to GitHub.
  rg_cache="${TOOLS}/tmp/vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}"
  mkdir -p "$rg_cache"
  tar -czf "${rg_cache}/${RIPGREP_ASSET}" -C "$(dirname "$(command -v rg)")" rg

  # unsafe_perm: code-server's postinstall refuses to run as root without it.
  # yes: node-pty's install runs `npx node-gyp`, which would wait for a prompt answer.
  # nodedir: node-gyp would download Node's headers; Debian/NodeSource's nodejs ships them.
  npm_env=(TMPDIR="${TOOLS}/tmp" npm_config_unsafe_perm=true npm_config_yes=true
    npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false)
  if [[ -f /usr/include/node/node.h ]]; then npm_env+=(npm_config_nodedir=/usr); fi
  (cd "$TOOLS" && env "${npm_env[@]}" npm install --no-save --no-package-lock \
    "code-server@${CODE_SERVER_VERSION}" "playwright-core@${PLAYWRIGHT_VERSION}")

  rg_bin="${TOOLS}/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  if ! "$rg_bin" --version >/dev/null; then
    say "code-server's ripgrep (${rg_bin}) does not run" >&2
    exit 1
  fi
  rm -rf "${TOOLS}/tmp"
  echo "code-server@${CODE_SERVER_VERSION} playwright-core@${PLAYWRIGHT_VERSION}" >"$STAMP"
  say "installed in $(took "$t") ($(du -sh "$TOOLS" | cut -f1))"
fi

# The versions as installed (running `code-server --version` would write ~/.config/code-server).
say "$(cd "$TOOLS" && node -p '["code-server", "playwright-core"].map((n) => `${n} ${require(`${n}/package.json`).version}`).join(", ")')"
say "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: not runnable')"
say "ready in $(took "$STARTED"); tools in ${TOOLS}"
