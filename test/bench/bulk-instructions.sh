#!/usr/bin/env bash
# The bulk statements counted in instructions, not seconds: W1's import and
# make bench's BIG DELETE, for each lottrace.so given, side by side with the
# bare table (callgrind; the method of w2-instructions.sh, see
# docs/BENCHMARK.md, "Instructions instead of seconds").
#
#   * W1: the first two of W1's ten COPY batches at BENCH_SCALE (default 0.2:
#     40,000 rows), into a bare and an attached table, each empty, in one
#     single-user run;
#   * BIG DELETE: make bench's BIG data at BENCH_SCALE (0.2: 400,000 rows over
#     50,000 lots, inserted in random order, then half of them updated),
#     then its DELETE of half the rows, rolled back.
#
# Each run starts from a fresh copy of the same cluster, so every build
# reads the same pages.  Usage: test/bench/bulk-instructions.sh [SO ...]
# (default ./lottrace.so); root, valgrind; about 2 minutes per build at the
# default scale.  Environment: BENCH_SCALE (0.2), PG_CONFIG, PGBIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
bdir=$top/test/bench
source scripts/pgcluster.sh
source test/bench/include/callgrind.bash
SCALE=${BENCH_SCALE:-0.2}
sos=("$@")
[ ${#sos[@]} -gt 0 ] || sos=("$top/lottrace.so")
cg_begin bulk-instructions "${sos[@]}"

# W1's data at this scale (gen-data.awk), two batches of it
cg_w1_data "$SCALE"
cols="erp_stock (item, wh, lot, serial, qty, reason, doc, moved_on)"
for k in 01 02; do
  echo "COPY $cols FROM '$PGC_BASE/data-w1/batch-$k.csv' WITH (FORMAT csv);"
done >"$PGC_BASE/w1.sql"

# make bench's BIG data: rows over lots in random order, then an UPDATE
rows=$(awk -v s="$SCALE" 'BEGIN { print int(2000000 * s + 0.5) }')
lots=$(( rows >= 200000 ? 50000 : rows / 4 ))
big_insert="INSERT INTO erp_stock (id, item, wh, lot, qty, reason, doc, moved_on)
    SELECT g, 'LOT' || lpad(((k - 1) % 1500 + 1)::text, 4, '0'), 'W' || lpad((k % 10 + 1)::text, 2, '0'),
           'L' || lpad(k::text, 7, '0'), 1 + g % 7, 'RCV', 'BIG', date '2025-03-01'
      FROM generate_series(1, $rows) g, LATERAL (SELECT (g - 1) % $lots + 1 AS k) x
     ORDER BY hashint4(g)"
printf 'BEGIN;\nDELETE FROM erp_stock WHERE (id - 1) / %d %% 2 = 1;\nROLLBACK;\n' "$lots" >"$PGC_BASE/delete.sql"

pgc_init bulk "autovacuum = off"
pgc_start bulk
for v in bare lottrace; do
  for w in w1 big; do
    db=${w}_$v
    pgc_psql bulk -q -c "CREATE DATABASE $db"
    pgc_psql bulk -q -d "$db" -f "$bdir/schema.sql"
    [ $v = lottrace ] && pgc_psql bulk -q -d "$db" -f "$bdir/setup-lottrace.sql" >/dev/null
  done
  pgc_psql bulk -q -d "big_$v" -c "$big_insert" \
    -c "UPDATE erp_stock SET qty = qty + 1 WHERE (id - 1) / $lots % 2 = 0" -c "VACUUM ANALYZE"
done
pgc_psql bulk -q -c CHECKPOINT
cg_snapshot bulk

echo "Bulk statements, instructions (callgrind), scale $SCALE"
echo "W1: 2 COPY batches ($(cat "$PGC_BASE"/data-w1/batch-0[12].csv | wc -l) rows); BIG DELETE of $((rows / 2)) of $rows rows over $lots lots"
w1_bare=$(cg_count "${sos[0]}" w1_bare "$PGC_BASE/w1.sql")
del_bare=$(cg_count "${sos[0]}" big_bare "$PGC_BASE/delete.sql")
printf '%-30s %16s %16s\n' "" "W1" "BIG DELETE"
printf '%-30s %16s %16s\n' "bare table" "$w1_bare" "$del_bare"
for so in "${sos[@]}"; do
  w1=$(cg_count "$so" w1_lottrace "$PGC_BASE/w1.sql")
  del=$(cg_count "$so" big_lottrace "$PGC_BASE/delete.sql")
  printf '%-30s %16s %16s   W1 b/a %s   DELETE b/a %s\n' "$so" "$w1" "$del" \
    "$(cg_ratio "$w1" "$w1_bare")" "$(cg_ratio "$del" "$del_bare")"
done
