#!/usr/bin/env bash
# W2's one-line transaction counted in instructions, not seconds.
#
# On these machines a timed W2 round moves by 15-25% from one run to the
# next, which hides any change of a few percent.  valgrind's callgrind
# counts the instructions a backend executes: the same build on the same
# data gives the same count to a few parts in a million, whatever else the
# machine is doing.  This script measures, for each lottrace.so given, the
# transaction W2 runs (test/bench/w2-unload.sql: one INSERT ... SELECT of an
# unload, committed), side by side with the bare table:
#
#   * one throwaway cluster: the W1 data at BENCH_SCALE (default 0.1) in a
#     bare and an attached database, and W2's candidates, then stopped and
#     copied;
#   * for each build: a fresh copy of that cluster, a single-user backend
#     under callgrind running P passes over N candidates (one transaction
#     each), for P = 1 and P = 2.  Per transaction: (Ir(2) - Ir(1)) / N, so
#     start-up, cache loading and the first pass's warm-up cancel out;
#   * the bare table and the plain PL/pgSQL trigger of variant (d)
#     (setup-plain.sql) the same way, with the first build loaded.
#
# Usage: test/bench/w2-instructions.sh [SO ...]
#   SO: lottrace.so files to compare (default: ./lottrace.so).  Each is
#   copied over the installed one in turn (`pg_config --pkglibdir`); the
#   installed file is put back at the end.  Needs write access there (root)
#   and valgrind; takes about a minute per build at N = 1200.
#
# Environment: BENCH_SCALE (0.1), W2I_N (1200), PG_CONFIG, PGBIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
bdir=$top/test/bench
source scripts/pgcluster.sh
source test/bench/include/callgrind.bash
SCALE=${BENCH_SCALE:-0.1}
N=${W2I_N:-1200}
sos=("$@")
[ ${#sos[@]} -gt 0 ] || sos=("$top/lottrace.so")
cg_begin w2-instructions "${sos[@]}"

# the data: W1 at this scale, imported into a bare and an attached table
cg_w1_data "$SCALE"
pgc_init w2i "autovacuum = off"
pgc_start w2i
for v in bare plain lottrace; do
  db=w2_$v
  pgc_psql w2i -q -c "CREATE DATABASE $db"
  pgc_psql w2i -q -d "$db" -f "$bdir/schema.sql"
  case $v in
    lottrace) pgc_psql w2i -q -d "$db" -f "$bdir/setup-lottrace.sql" >/dev/null ;;
    plain) pgc_psql w2i -q -d "$db" -f "$bdir/setup-plain.sql" >/dev/null ;;
  esac
  for f in "$PGC_BASE"/data-w1/batch-*.csv; do
    pgc_psql w2i -q -d "$db" -c "\\copy erp_stock (item, wh, lot, serial, qty, reason, doc, moved_on) FROM '$f' WITH (FORMAT csv)"
  done
  pgc_psql w2i -q -d "$db" \
    -c "CREATE TABLE w2_candidate AS SELECT row_number() OVER (ORDER BY lot, wh)::int AS k, item, lot, wh, moved_on + 30 AS moved_on
          FROM erp_stock WHERE reason = 'RCV' AND lot IS NOT NULL" \
    -c "ALTER TABLE w2_candidate ADD PRIMARY KEY (k)" -c "VACUUM ANALYZE"
done
ncand=$(pgc_psql w2i -At -d w2_lottrace -c "SELECT count(*) FROM w2_candidate")
[ "$ncand" -ge $((N + 10)) ] || { echo "w2-instructions: only $ncand candidates for N = $N (raise BENCH_SCALE)" >&2; exit 1; }
cg_snapshot w2i

# P passes of N transactions, each W2's statement on candidate k (autocommit)
for p in 1 2; do
  for ((i = 1; i <= p; i++)); do
    for ((k = 11; k <= N + 10; k++)); do
      echo "INSERT INTO erp_stock (item, wh, lot, qty, reason, doc, moved_on) SELECT item, wh, lot, 1, 'SHIP', 'W2', moved_on FROM w2_candidate WHERE k = $k;"
    done
  done >"$PGC_BASE/passes-$p.sql"
done
chmod a+r "$PGC_BASE"/passes-*.sql

per_txn() {
  local a b
  a=$(cg_count "$1" "$2" "$PGC_BASE/passes-1.sql")
  b=$(cg_count "$1" "$2" "$PGC_BASE/passes-2.sql")
  echo $(((b - a) / N))
}

echo "W2 transaction, instructions (callgrind), scale $SCALE, $N transactions per pass"
bare=$(per_txn "${sos[0]}" w2_bare)
plain=$(per_txn "${sos[0]}" w2_plain)
printf '%-40s %10s\n' "bare table" "$bare"
printf '%-40s %10s   plain/bare %s   extra %s\n' "plain PL/pgSQL trigger (d)" "$plain" \
  "$(cg_ratio "$plain" "$bare")" "$((plain - bare))"
for so in "${sos[@]}"; do
  t=$(per_txn "$so" w2_lottrace)
  printf '%-40s %10s   lottrace/bare %s   extra %s   plain/lottrace %s\n' "$so" "$t" \
    "$(cg_ratio "$t" "$bare")" "$((t - bare))" "$(cg_ratio "$plain" "$t")"
done
