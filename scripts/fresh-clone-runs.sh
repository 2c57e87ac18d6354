#!/usr/bin/env bash
# Usage: scripts/fresh-clone-runs.sh [N]   (default 10)
# Runs CI as a new user would, N times in a row: each run clones the committed `main` of this
# repository into a new temporary folder, puts `shared` beside the clone (a link to the `../shared`
# beside this checkout, when there is one), and runs `.ci/run` there with CI=true. Prints pass or
# fail and the time of each run, keeps each run's log, and exits 1 if any run failed.
# Runs one after another: CI's machine runs one at a time too, and the point is to see whether a
# single run, under its own load, passes every time.
set -uo pipefail

N="${1:-10}"
if ! [[ "$N" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [N]  (N: how many fresh-clone runs, default 10)" >&2
  exit 2
fi

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="$(cd "${REPO}/.." && pwd)/shared"
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/pvefw-fresh-runs.XXXXXX")"
COMMIT="$(git -C "$REPO" rev-parse --short main)"

echo "fresh-clone runs of main at ${COMMIT}, ${N} in a row; logs in ${LOGS}"
if [[ -d "$SHARED" ]]; then
  echo "../shared: ${SHARED} (linked beside each clone)"
else
  echo "../shared: not found beside ${REPO}; each clone runs without it (corpus tests skip)"
fi

passed=0
for i in $(seq 1 "$N"); do
  dir="$(mktemp -d "${TMPDIR:-/tmp}/pvefw-fresh.XXXXXX")"
  log="${LOGS}/run-${i}.log"
  started=$SECONDS
  status=0
  if git clone --quiet --branch main --single-branch "$REPO" "${dir}/main" >"$log" 2>&1; then
    [[ -d "$SHARED" ]] && ln -s "$SHARED" "${dir}/shared"
    (cd "${dir}/main" && CI=true bash .ci/run) >>"$log" 2>&1 || status=$?
  else
    status=$?
  fi
  took=$((SECONDS - started))
  summary="$(grep -E '^# (pass|fail|cancelled) ' "$log" | tr '\n' ' ')"
  if [[ $status -eq 0 ]]; then
    passed=$((passed + 1))
    printf 'run %2d/%d: pass  %4ds  %s\n' "$i" "$N" "$took" "$summary"
  else
    failed_step="$(grep -E '^==> .* FAILED' "$log" | head -1)"
    printf 'run %2d/%d: FAIL  %4ds  %s %s (log: %s)\n' "$i" "$N" "$took" "$summary" \
      "${failed_step:-exit ${status}}" "$log"
  fi
  rm -rf "$dir"
done

echo "${passed}/${N} runs passed (main at ${COMMIT})"
[[ $passed -eq $N ]]
