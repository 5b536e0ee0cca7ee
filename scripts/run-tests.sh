#!/usr/bin/env bash
# `make test`: set-up, then the whole suite against throwaway clusters:
# pg_regress (sql/, expected/), isolation specs (test/isolation/) and the
# shell-level tests (test/shell/*.sh).  Ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

scripts/setup.sh test || exit 1
scripts/build-install.sh || exit 1

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export PGBIN=${PGBIN:-$("$PG_CONFIG" --bindir)}
unset PGC_BASE PGC_OWNED    # always a fresh directory of our own
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

passed=0; failed=0; failures=()
count() {  # count "... ok" / "... FAILED" lines of a pg_regress log
  local log=$1 rc=$2 ok bad
  ok=$(grep -cE '\.\.\. ok' "$log")
  bad=$(grep -cE '\.\.\. FAILED|\.\.\. failed' "$log")
  passed=$((passed + ok)); failed=$((failed + bad))
  if [ "$bad" -gt 0 ]; then
    while read -r t; do failures+=("$t"); done < <(grep -E '^test .*\.\.\. (FAILED|failed)' "$log" | awk '{print $2}')
  elif [ "$rc" -ne 0 ]; then   # the runner itself failed
    tail -20 "$log"; failed=$((failed + 1)); failures+=("$(basename "$log" .log)")
  fi
}

pgc_init main "shared_preload_libraries = ''" || exit 1
pgc_start main || exit 1
pgc_env main

echo "== pg_regress"
make -s installcheck PG_CONFIG="$PG_CONFIG" ISOLATION= PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" \
  >"$PGC_BASE/regress.log" 2>&1
rc=$?
grep -E '^(test| )' "$PGC_BASE/regress.log" | grep -E '\.\.\.' || tail -20 "$PGC_BASE/regress.log"
count "$PGC_BASE/regress.log" $rc
[ -s regression.diffs ] && head -150 regression.diffs

echo "== isolation"
mkdir -p test/isolation/output_iso
make -s installcheck PG_CONFIG="$PG_CONFIG" REGRESS= PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" \
  >"$PGC_BASE/isolation.log" 2>&1
rc=$?
grep -E '\.\.\.' "$PGC_BASE/isolation.log" || tail -20 "$PGC_BASE/isolation.log"
count "$PGC_BASE/isolation.log" $rc
[ -s test/isolation/output_iso/regression.diffs ] && head -150 test/isolation/output_iso/regression.diffs

echo "== shell tests"
for t in test/shell/*.sh; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .sh)
  log="$PGC_BASE/shell-$name.log"
  start=$(date +%s)
  if PGC_BASE= timeout 900 bash "$t" >"$log" 2>&1; then
    printf 'test %-32s ... ok    %4ss\n' "$name" $(( $(date +%s) - start ))
    passed=$((passed + 1))
  else
    printf 'test %-32s ... FAILED %4ss\n' "$name" $(( $(date +%s) - start ))
    tail -40 "$log" | sed 's/^/    | /'
    failed=$((failed + 1)); failures+=("$name")
  fi
done

[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
