#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml): pvefw check on the files pre-commit passes, run
# from pre-commit's copy of this repository, which is built once, the first time (its dist/).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ ! -f "$here/dist/cli.js" ]]; then
  echo "pvefw: building the CLI once in $here" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2 && npm run build --silent >&2)
fi
exec node "$here/dist/cli.js" check "$@"
