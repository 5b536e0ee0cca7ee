#!/usr/bin/env bash
# SQL-level fuzzing of lottrace with sqlsmith (part of `make fuzz`): random
# queries over lottrace's tables, views, functions, operators and types, and
# the attached ERP table, sent by a login role that has what the documented
# ERP roles have (no superuser).  The server must never crash.
#
#   test/fuzz/run-sqlsmith.sh
#
# It builds and installs the extension, starts a throwaway cluster, fills a
# database (test/fuzz/sqlsmith-setup.sql: lottrace, erp.stock_moves attached,
# the roles of docs/lottrace-roles.sql, ~320 movements with lots, serials,
# genealogy and status changes), runs sqlsmith as that role, and watches the
# server log.  It stops at the first crash.  Then it prints a summary (queries
# run, errors by SQLSTATE, lottrace functions reached) and exits non-zero if
#   * a server process was terminated by a signal, the postmaster
#     reinitialised or restarted (its pid changed), or a PANIC was logged;
#   * lottrace.verify() finds the registers disagreeing with the ERP table
#     afterwards (sqlsmith's statements may commit);
#   * sqlsmith ran no query at all.
#
# Environment:
#   SQLSMITH_SECONDS      how long sqlsmith runs (default 180)
#   SQLSMITH_MAX_QUERIES  stop after this many queries as well (default: none)
#   SQLSMITH_SEED         sqlsmith's seed (default: from the clock; printed,
#                         so a run can be repeated)
#   SQLSMITH_GRANTS       what the fuzzing role is granted (default
#                         "lottrace_operator, lottrace_admin": the ERP
#                         application plus the administrator, who includes
#                         the quality manager and the reader)
#   SQLSMITH_CATALOG=1    let sqlsmith use the system catalogs as relations
#                         too (default: only lottrace's and the ERP's)
#   SQLSMITH_OUT          logs and crash reports (default test/fuzz/build/sqlsmith)
#   SQLSMITH_SELFTEST=crash  send SIGSEGV to one of sqlsmith's backends half
#                         way: the run must then report a crash and fail
#   FUZZ_SETUP=0          do not run scripts/setup.sh fuzz
set -uo pipefail
cd "$(dirname "$0")/../.."

seconds=${SQLSMITH_SECONDS:-180}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "SQLSMITH_SECONDS must be a whole number of seconds >= 1 (got '$seconds')" >&2
  exit 2
fi
max_queries=${SQLSMITH_MAX_QUERIES:-}
if [ -n "$max_queries" ] && ! [[ "$max_queries" =~ ^[1-9][0-9]*$ ]]; then
  echo "SQLSMITH_MAX_QUERIES must be a whole number >= 1 (got '$max_queries')" >&2
  exit 2
fi
seed=${SQLSMITH_SEED:-$(( $(date +%s) % 1000000 ))}
grants=${SQLSMITH_GRANTS:-lottrace_operator, lottrace_admin}
out=${SQLSMITH_OUT:-test/fuzz/build/sqlsmith}
role=smith

if [ "${FUZZ_SETUP:-1}" != 0 ]; then
  scripts/setup.sh fuzz || exit 1
fi
command -v sqlsmith >/dev/null || { echo "sqlsmith is not installed (scripts/setup.sh fuzz)" >&2; exit 1; }
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export PGBIN=${PGBIN:-$("$PG_CONFIG" --bindir)}
scripts/build-install.sh || exit 1
unset PGC_BASE PGC_OWNED
source scripts/pgcluster.sh
smith_pid=
trap '[ -n "$smith_pid" ] && kill "$smith_pid" 2>/dev/null; pgc_cleanup' EXIT

mkdir -p "$out"
rm -f "$out/crash-query.sql" "$out/crash-lines.txt"
# %e: the SQLSTATE of every logged error; %u: whose.  The whole query of a
# crashed backend is in the postmaster's "Failed process was running".
pgc_init smith "log_line_prefix = '%m [%p] %u %e '" "log_min_error_statement = panic" \
  "track_activity_query_size = 16384" "track_functions = all" || exit 1
pgc_start smith || exit 1
log=$(pgc_dir smith)/server.log
pgc_psql smith -c "CREATE DATABASE fuzz" || exit 1
if ! pgc_psql smith -d fuzz -v smith="$role" -v grants="$grants" \
     -f test/fuzz/sqlsmith-setup.sql >"$out/setup.log" 2>&1; then
  echo "sqlsmith: set-up failed:"; tail -20 "$out/setup.log"; exit 1
fi
before=$(pgc_psql smith -d fuzz -At -F ' ' -c \
  "SELECT (SELECT count(*) FROM erp.stock_moves), (SELECT count(*) FROM lottrace.lot),
          (SELECT count(*) FROM lottrace.serial), (SELECT count(*) FROM lottrace.genealogy)")
read -r moves lots serials links <<<"$before"
postmaster=$(pgc_pid smith)
log_start=$(wc -l <"$log")
echo "sqlsmith: database with $moves movements, $lots lots, $serials serials, $links genealogy links;" \
     "role $role (NOSUPERUSER) granted $grants"

args=(--verbose --seed="$seed" --target="host=$(pgc_dir smith) port=$PGC_PORT user=$role dbname=fuzz")
[ "${SQLSMITH_CATALOG:-0}" = 1 ] || args+=(--exclude-catalog)
[ -n "$max_queries" ] && args+=(--max-queries="$max_queries")
echo "sqlsmith: ${seconds}s${max_queries:+ or $max_queries queries}, seed $seed" \
     "(repeat: SQLSMITH_SEED=$seed test/fuzz/run-sqlsmith.sh)"

# Crash patterns of the postmaster's log.
crashed() {
  tail -n +"$((log_start + 1))" "$log" |
    grep -E 'terminated by signal|server process \(PID [0-9]+\) was terminated|all server processes terminated; reinitializing|PANIC: ' \
    >"$out/crash-lines.txt"
}

sqlsmith "${args[@]}" >"$out/sqlsmith.out" 2>"$out/sqlsmith.log" &
smith_pid=$!
start=$(date +%s)
selftest_done=0
stopped_for=""
while kill -0 "$smith_pid" 2>/dev/null; do
  sleep 2
  now=$(( $(date +%s) - start ))
  if crashed; then stopped_for="crash"; break; fi
  if [ "$now" -ge "$seconds" ]; then stopped_for="time"; break; fi
  if [ "${SQLSMITH_SELFTEST:-}" = crash ] && [ $selftest_done -eq 0 ] && [ "$now" -ge $((seconds / 2)) ]; then
    victim=$(pgc_psql smith -At -c "SELECT pid FROM pg_stat_activity WHERE usename = '$role' LIMIT 1")
    if [ -n "$victim" ]; then
      echo "sqlsmith: self-test: SIGSEGV to backend $victim"
      kill -SEGV "$victim"; selftest_done=1
    fi
  fi
done
if kill -0 "$smith_pid" 2>/dev/null; then
  kill "$smith_pid" 2>/dev/null; wait "$smith_pid" 2>/dev/null
else
  wait "$smith_pid"; rc=$?
  [ -n "$stopped_for" ] || stopped_for="sqlsmith exited ($rc)"
fi
smith_pid=
elapsed=$(( $(date +%s) - start ))
sleep 1   # let the postmaster write what it has to say

bad=0
problems=()
if crashed; then
  bad=1; problems+=("server crash")
fi
# After a crash the server restarts on its own; wait for it before reading.
for _ in $(seq 1 30); do
  pgc_psql smith -d fuzz -At -c "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done
if [ "$(pgc_pid smith)" != "$postmaster" ]; then
  bad=1; problems+=("postmaster pid changed ($postmaster -> $(pgc_pid smith))")
fi

# Queries: sqlsmith prints one character per query after its schema is
# loaded ('.' ok, 'e' error, 't' timeout, 'S' syntax error, 'C' connection
# broken); the lines of its periodic reports hold other characters.
progress=$(sed -n '/^Generating indexes/,$p' "$out/sqlsmith.log" | grep -E '^[.etSC]+$' | tr -d '\n')
n_ok=$(tr -cd . <<<"$progress" | wc -c)
n_err=$(tr -cd e <<<"$progress" | wc -c)
n_to=$(tr -cd t <<<"$progress" | wc -c)
n_syn=$(tr -cd S <<<"$progress" | wc -c)
n_broken=$(tr -cd C <<<"$progress" | wc -c)
n_all=${#progress}
[ "$n_all" -gt 0 ] || { bad=1; problems+=("sqlsmith ran no query (see $out/sqlsmith.log)"); }

echo
echo "sqlsmith: $n_all queries in ${elapsed}s (stopped: $stopped_for): $n_ok ok, $n_err errors," \
     "$n_to timeouts, $n_syn syntax errors, $n_broken broken connections"

# Errors by SQLSTATE, from the server log (the role's own ERROR lines).
tail -n +"$((log_start + 1))" "$log" |
  sed -nE "s/^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] $role ([0-9A-Z]{5}) ERROR:  (.*)$/\1\t\2/p" >"$out/errors.tsv"
echo "errors by SQLSTATE (top 10 of $(cut -f1 "$out/errors.tsv" | sort -u | wc -l), with one message each):"
cut -f1 "$out/errors.tsv" | sort | uniq -c | sort -rn | head -10 |
  while read -r n state; do
    msg=$(grep -m1 "^$state"$'\t' "$out/errors.tsv" | cut -f2 | cut -c1-90)
    printf '  %7d  %s  %s\n' "$n" "$state" "$msg"
  done

# Internal errors (XX000) are elog()s that a user should not be able to
# reach: not a failure, but worth a look.
if grep -q $'^XX000\t' "$out/errors.tsv"; then
  echo "internal errors (XX000), distinct messages:"
  grep $'^XX000\t' "$out/errors.tsv" | cut -f2 | sed 's/ at character [0-9]*$//' | sort | uniq -c |
    sort -rn | head -10 | sed 's/^/  /'
fi

# What of lottrace the queries reached (track_functions = all; inlined SQL
# functions are not counted).
reach=$(pgc_psql smith -d fuzz -At -F ' ' -c "
  SELECT count(*), coalesce(sum(calls), 0),
         (SELECT count(*) FROM pg_proc WHERE pronamespace = 'lottrace'::regnamespace)
    FROM pg_stat_user_functions WHERE schemaname = 'lottrace'" 2>/dev/null)
read -r f_called f_calls f_all <<<"${reach:-? ? ?}"
crash_note=""
[ -s "$out/crash-lines.txt" ] && crash_note="; the crash reset the statistics"
echo "lottrace functions called: $f_called of $f_all ($f_calls calls; setup included$crash_note)"
pgc_psql smith -d fuzz -At -c "
  SELECT '  most called: ' || string_agg(funcname || ' ' || calls, ', ' ORDER BY calls DESC)
    FROM (SELECT funcname, calls FROM pg_stat_user_functions WHERE schemaname = 'lottrace'
          ORDER BY calls DESC LIMIT 8) t" 2>/dev/null

after=$(pgc_psql smith -d fuzz -At -F ' ' -c \
  "SELECT (SELECT count(*) FROM erp.stock_moves), (SELECT count(*) FROM lottrace.verify())" 2>/dev/null)
read -r moves_after disagreements <<<"${after:-? ?}"
echo "erp.stock_moves: $moves rows before, $moves_after after; lottrace.verify(): $disagreements disagreements"
if [ "$disagreements" != 0 ]; then
  bad=1; problems+=("verify() reports $disagreements disagreements")
  pgc_psql smith -d fuzz -c "SELECT * FROM lottrace.verify() LIMIT 10" 2>&1 | sed 's/^/    | /'
fi

if [ -s "$out/crash-lines.txt" ]; then
  echo "server log, crash:"
  sed 's/^/    | /' "$out/crash-lines.txt" | head -10
  # the statement each crashed backend was running (the DETAIL line after
  # "was terminated by signal", with the continuation lines of the query)
  awk -v s="$log_start" 'NR > s && /was terminated by signal/ { grab = 1; next }
       grab && /^[0-9-]+ [0-9:.]+ [A-Z]+ \[/ && !/DETAIL:  Failed process was running/ { grab = 0 }
       grab { sub(/^.*DETAIL:  Failed process was running: /, ""); print }' "$log" >"$out/crash-query.sql"
  if [ -s "$out/crash-query.sql" ]; then
    echo "    | query (saved as $out/crash-query.sql):"
    head -40 "$out/crash-query.sql" | sed 's/^/    |   /'
  fi
fi
cp "$log" "$out/server.log"

if [ "$bad" -eq 0 ]; then
  echo "sqlsmith: ok (no crash; postmaster $postmaster throughout; logs in $out/)"
else
  echo "sqlsmith: FAILED: ${problems[*]} (logs in $out/)"
fi
exit "$bad"
