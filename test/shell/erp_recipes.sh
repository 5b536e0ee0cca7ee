#!/usr/bin/env bash
# The ERP recipes (erp/NAME.sql, docs/ERP.md) on replicas of each ERP's own
# stock tables (test/erp/NAME/), each in a database of its own:
#
#   1. test/erp/NAME/replica.sql   the ERP's tables as its source code creates
#                                  them (the files are cited there), in the
#                                  schema "erp" (so -v schema is exercised);
#   2. test/erp/NAME/history.sql   rows the ERP wrote before lottrace came:
#                                  the recipe's attach must take them in;
#   3. CREATE EXTENSION lottrace, then the recipe as a DBA runs it:
#          psql -v ON_ERROR_STOP=1 -v schema=erp -f erp/NAME.sql
#   4. test/erp/NAME/workflow.sql  statements written the way the ERP's code
#                                  writes them, with checks
#                                  (test/erp/include/checks.sql) that stop
#                                  the workflow when lottrace and the ERP
#                                  disagree or a refusal is not the one
#                                  expected.
# An ERP passes when every step runs to its end.  ERP_ONLY=NAME runs one.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

pgc_init erp >/dev/null
pgc_start erp
bad=0
n=0
for dir in test/erp/*/; do
  name=$(basename "$dir")
  [ "$name" = include ] && continue
  [ -n "${ERP_ONLY:-}" ] && [ "$name" != "$ERP_ONLY" ] && continue
  recipe=erp/$name.sql
  if [ ! -f "$recipe" ]; then
    echo "FAILED: $name: no recipe $recipe"
    bad=$((bad + 1))
    continue
  fi
  n=$((n + 1))
  log=$PGC_BASE/erp-$name.log
  db="erp_$name"
  ok=1
  pgc_psql erp -q -c "CREATE DATABASE $db" >/dev/null
  for step in "$dir/replica.sql" "$dir/history.sql" EXT RECIPE "$dir/workflow.sql"; do
    case $step in
      EXT) pgc_psql erp -d "$db" -q -c "CREATE EXTENSION lottrace" -f test/erp/include/checks.sql ;;
      RECIPE) pgc_psql erp -d "$db" -q -v schema=erp -f "$recipe" ;;
      *) [ -f "$step" ] || continue; pgc_psql erp -d "$db" -q -f "$step" ;;
    esac >>"$log" 2>&1 || { ok=0; echo "FAILED: $name at $(basename "$step")"; break; }
  done
  if [ $ok = 1 ]; then
    echo "ok: $name ($(grep -c 'NOTICE:  ok:' "$log") checks)"
  else
    bad=$((bad + 1))
    tail -n 20 "$log" | sed 's/^/    /'
  fi
done
[ $n -gt 0 ] || { echo "FAILED: no ERP replica under test/erp"; exit 1; }
[ $bad = 0 ] || exit 1
echo "erp recipes: ok ($n)"
