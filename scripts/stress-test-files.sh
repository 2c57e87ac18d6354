#!/usr/bin/env bash
# Usage: scripts/stress-test-files.sh N FILE...   (FILE: compiled tests, e.g. out/test/lsp/ide-features.test.js)
# Runs the given test files N times while the whole suite runs over and over beside them, the
# load under which a test file once outlived its tests 2 runs in 5 (issue 11). Each run is
# preloaded with test/support/linger-watch.js, so a linger fails within 15 s and its log names
# what held the process open. Prints one line per run and a total; exits 1 if any run failed.
# Needs a build (`npm run build`).
set -uo pipefail

N="${1:-}"
shift || true
if ! [[ "$N" =~ ^[1-9][0-9]*$ ]] || [[ $# -eq 0 ]]; then
  echo "usage: $0 N FILE..." >&2
  exit 2
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WATCH=out/test/support/linger-watch.js
[[ -f "$WATCH" ]] || { echo "no ${WATCH}: run npm run build first" >&2; exit 2; }
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/pvefw-stress.XXXXXX")"
STOP="${LOGS}/stop"

(while [[ ! -e "$STOP" ]]; do node scripts/run-tests.mjs >/dev/null 2>&1; done) &
LOAD=$!

failed=0
for i in $(seq 1 "$N"); do
  log="${LOGS}/run-${i}.log"
  started=$SECONDS
  node --require "./${WATCH}" --test "$@" >"$log" 2>&1
  status=$?
  if [[ $status -eq 0 ]]; then
    printf 'run %3d/%d: pass %3ds\n' "$i" "$N" $((SECONDS - started))
  else
    failed=$((failed + 1))
    lingered="$(grep -c 'linger-watch:' "$log")"
    printf 'run %3d/%d: FAIL %3ds (exit %d, %d lingering file(s); log: %s)\n' \
      "$i" "$N" $((SECONDS - started)) "$status" "$lingered" "$log"
  fi
done
touch "$STOP"
echo "waiting for the load run to finish…"
wait "$LOAD"
echo "$((N - failed))/${N} runs passed; logs in ${LOGS}"
[[ $failed -eq 0 ]]
